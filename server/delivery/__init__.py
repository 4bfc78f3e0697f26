"""Reaching people: push subscriptions, SMS and voice, the per-person cascade and its worker.
Domains ask `notify()`; nothing here calls back up into them except through `answered`."""
