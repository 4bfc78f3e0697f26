"""The two rate limits of the public check-in, shared by both of its doors (the JSON door and the
server-rendered page): per address, and per shelter from all addresses together. Shared scopes,
so a flood split over the two doors still stops at the same counts."""

from flask import current_app, request

from ..extensions import limiter

ADDRESS_SCOPE = "shelter-checkin-address"
SHELTER_SCOPE = "shelter-checkin-shelter"


def _address_limit() -> str:
    return current_app.config["SHELTER_CHECKIN_ADDRESS_RATE_LIMIT"]


def _shelter_limit() -> str:
    return current_app.config["SHELTER_CHECKIN_SHELTER_RATE_LIMIT"]


def shelter_key() -> str:
    return "shelter-checkin:" + (request.view_args or {}).get("code", "-")[:16].upper()


def checkin_limits(exempt_when=None):
    """Both limits as one decorator; `exempt_when` lets a door skip requests that check nobody in."""
    per_address = limiter.shared_limit(_address_limit, ADDRESS_SCOPE, exempt_when=exempt_when)
    per_shelter = limiter.shared_limit(
        _shelter_limit, SHELTER_SCOPE, key_func=shelter_key, exempt_when=exempt_when
    )

    def decorate(view):
        return per_address(per_shelter(view))

    return decorate
