"""The code a shelter's poster carries: PUBLIC_BASE_URL/s/<code>. Anyone holding it may check a
family in without an account, so it must not be guessable from another shelter's code."""

import math
import secrets

# No 0/O, 1/I/L: people read codes off a poster in the rain and type them on a phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# 31 ** 9 is about 2 ** 44.6: beyond trying codes against the public door at any rate it allows,
# and still nine characters to type.
LENGTH = 9
BITS = LENGTH * math.log2(len(ALPHABET))


def new_shelter_code() -> str:
    """A fresh random code (from the OS's CSPRNG, never from a counter or the shelter's id)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
