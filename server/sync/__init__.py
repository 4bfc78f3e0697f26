"""The one door for what a phone did offline: batches of ops in, the change feed out."""
