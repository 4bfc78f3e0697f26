"""The one table of what each role may do; routes ask it through `requires`."""

from functools import wraps

from flask import g
from flask_jwt_extended import current_user, verify_jwt_in_request

from ..errors import forbidden

ROLES = ("admin", "duty_officer", "captain", "member", "info_officer", "shelter_manager")

ROLE_LABELS = {
    "admin": "县应急办管理员",
    "duty_officer": "值班员",
    "captain": "队长",
    "member": "救援队员",
    "info_officer": "灾害信息员",
    "shelter_manager": "安置场所管理员",
}

_FIELD = {"me.read", "me.update", "regions.read"}

PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(
        _FIELD
        | {
            "users.read",
            "users.manage",
            "regions.manage",
            "audit.read",
            "members.read",
            "teams.read",
            "teams.manage",
            "shelters.read",
            "shelters.manage",
        }
    ),
    "duty_officer": frozenset(_FIELD | {"users.read", "members.read", "teams.read", "shelters.read"}),
    "captain": frozenset(_FIELD | {"members.read", "teams.read", "shelters.read"}),
    "member": frozenset(_FIELD | {"teams.read", "shelters.read"}),
    "info_officer": frozenset(_FIELD | {"shelters.read"}),
    "shelter_manager": frozenset(_FIELD | {"shelters.read"}),
}


def can(user, action: str) -> bool:
    return user is not None and action in PERMISSIONS.get(user.role, frozenset())


def requires(action: str):
    """Require a valid token whose user's role may perform `action`."""

    def decorate(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            verify_jwt_in_request()
            user = current_user
            if not can(user, action):
                raise forbidden()
            g.user = user
            return fn(*args, **kwargs)

        wrapper.required_action = action
        return wrapper

    return decorate
