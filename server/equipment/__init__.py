"""Teams' equipment: items and kits, their maintenance, and their trips out to an order and back."""
