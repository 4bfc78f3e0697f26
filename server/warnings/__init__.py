"""Area warnings (预警信息): issuing, reaching the area's responsible persons, their acknowledgements."""
