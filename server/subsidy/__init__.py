"""Attendance hours, the county's subsidy rules, the monthly report and cross-township claims."""
