"""Disaster events (灾害过程) and the situation reports (灾情报告: 初报, 续报, 核报) filed for them."""
