"""Check-in and check-out: on duty, and on a dispatched task (出勤)."""
