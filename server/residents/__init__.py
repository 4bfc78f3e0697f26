"""Residents subscribed, without an account, to their township's or village's warnings."""
