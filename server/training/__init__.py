"""Trainings and drills (培训与演练): planned per team, attendance by roll call or badge, hours."""
