"""Users, their device sessions, and authentication."""
