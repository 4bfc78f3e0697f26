"""Who changed what, when, from which device."""
