"""The region tree (county > township > village) and the scope every query goes through."""
