"""argon2id password hashing with the app's cost settings.

A stored value starting with "!" is no password at all (a member imported from a roster, who
nobody has given one yet): nothing verifies against it, and `has_password` tells it apart."""

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# Verifying against this keeps a login for an unknown user as slow as for a known one.
_DUMMY = {}


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


UNUSABLE = "!"


def unusable_password() -> str:
    """What to store for someone who has no password yet (never an argon2 hash)."""
    return UNUSABLE + secrets.token_hex(16)


def has_password(stored: str | None) -> bool:
    return bool(stored) and not stored.startswith(UNUSABLE)


def verify_password(stored: str | None, password: str) -> bool:
    hasher = _hasher()
    # No password yet: as slow as a wrong one, so a login does not tell who has none.
    if stored is None or not has_password(stored):
        stored = None
    if stored is None:
        key = (hasher.time_cost, hasher.memory_cost)
        if key not in _DUMMY:
            _DUMMY[key] = hasher.hash("not-a-real-password")
        stored = _DUMMY[key]
        hasher_result = False
    else:
        hasher_result = True
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
    return hasher_result


def needs_rehash(stored: str) -> bool:
    return _hasher().check_needs_rehash(stored)
