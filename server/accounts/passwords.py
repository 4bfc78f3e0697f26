"""argon2id password hashing with the app's cost settings."""

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


def verify_password(stored: str | None, password: str) -> bool:
    hasher = _hasher()
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
