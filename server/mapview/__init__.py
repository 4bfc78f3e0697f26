"""The desk's one map (一张图): incidents, open orders, members on duty, hazards and shelters."""
