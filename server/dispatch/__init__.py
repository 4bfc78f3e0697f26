"""Incidents and dispatch orders: who is called out, who answers, who is on scene."""
