"""Rescue teams (综合应急救援队) and their members."""
