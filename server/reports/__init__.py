"""Hazard reports (风险隐患) from the field, tracked to closure."""
