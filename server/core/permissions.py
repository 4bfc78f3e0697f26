"""The one table of what each role may do; routes ask it through `requires`."""

from functools import wraps

from flask import g
from flask_jwt_extended import current_user, verify_jwt_in_request

from ..errors import ApiProblem, forbidden

ROLES = ("admin", "duty_officer", "captain", "member", "info_officer", "shelter_manager")

ROLE_LABELS = {
    "admin": "县应急办管理员",
    "duty_officer": "值班员",
    "captain": "队长",
    "member": "救援队员",
    "info_officer": "灾害信息员",
    "shelter_manager": "安置场所管理员",
}

# What every signed-in person does in the field.
_FIELD = frozenset(
    {
        "me.read",
        "me.update",
        "regions.read",
        "sync.push",
        "sync.pull",
        "reports.read",
        "reports.create",
        # Starting and rectifying one's assigned hazard: anyone may be its assignee (object
        # rule in reports/lifecycle.py).
        "reports.rectify",
        "media.upload",
        "media.read",
        "attendance.read",
        "attendance.checkin",
        "shelters.read",
        "dispatch.read",
        "push.subscribe",
        # The warnings whose area covers one's region, and acknowledging them (收到).
        "warnings.read",
        "warnings.ack",
    }
)
# Those who lead people see their region's attendance, not only their own.
_LEAD = frozenset(
    {
        "attendance.read_region",
        "members.read",
        "teams.read",
        "dispatch.read_region",
        "map.read",
        # Members' profiles and path, readiness and the recruiting flags (object rules in
        # teams/profiles.py: a captain acts on his own team only).
        "profiles.read",
        "profiles.manage",
        "members.path",
        "teams.readiness",
        # Teams' equipment: out to an order and back, maintenance (object rules in
        # equipment/service.py: a captain acts on his own team's only).
        "equipment.read",
        "equipment.manage",
    }
)
# The people in a shelter: its managers check them in and out (object rules in shelters/).
_SHELTER_DESK = frozenset({"shelters.operate", "shelters.checkin", "shelters.people"})
_DESK = (
    _LEAD
    | _SHELTER_DESK
    | {
        "users.read",
        "dispatch.create",
        "shelters.manage",
        "shelters.lookup",
        # Verify, reject, assign, close and reopen hazard reports.
        "reports.manage",
        # The hazard statistics and the ledger (台账) exports, which carry people's names.
        "reports.stats",
        # The desk's front page block of shelters (open, people, places left, full, nearly full).
        "shelters.summary",
        # Disaster events (灾害过程): open and close them, read their summaries, export them;
        # file and correct situation reports (a verified one only the desk may correct).
        "disasters.manage",
        "disasters.read",
        "disasters.report",
        # Area warnings: issue, update, cancel, approve drafts, follow their delivery.
        "warnings.issue",
        # What is overdue for maintenance across the region's teams.
        "equipment.overdue",
        # The monthly subsidy report of their townships' team people, and its files.
        "subsidy.read",
        # Cross-township help claims: filed, agreed and marked paid by the right township's
        # desk (object rules in subsidy/claims.py).
        "subsidy.claims",
    }
)
# Information officers (灾害信息员) file the situation reports of their villages.
_INFO = frozenset({"disasters.read", "disasters.report"})
_CALLED_OUT = frozenset({"dispatch.respond"})

PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": _FIELD
    | _DESK
    | {
        "users.manage",
        "regions.manage",
        "audit.read",
        "teams.manage",
        "shelters.remove",
        # The county's deadline rules for supervising hazard reports (督办).
        "reports.rules",
        # The county's recruiting rules (招募条件).
        "teams.rules",
        # The subsidy rules, and computing and locking the monthly report (补贴).
        "subsidy.manage",
    },
    # Within their region and below; never an administrator (accounts/service.py).
    "duty_officer": _FIELD | _DESK | {"users.manage", "teams.manage"},
    "captain": _FIELD | _LEAD | _CALLED_OUT,
    # A member reads profiles: his own whole, his teammates' public part (teams/profiles.py).
    "member": _FIELD | _CALLED_OUT | {"teams.read", "profiles.read", "equipment.read"},
    "info_officer": _FIELD | _INFO,
    "shelter_manager": _FIELD | _SHELTER_DESK,
}


# What a user whose password was reset may do before choosing a new one.
_BEFORE_NEW_PASSWORD = frozenset({"me.read", "me.update"})


def _password_change_required():
    return ApiProblem(
        403,
        "password-change-required",
        "Choose a new password",
        "请先设置新密码 / Your password was reset: choose a new one (PATCH /api/v1/me) first.",
    )


def can(user, action: str) -> bool:
    return user is not None and action in PERMISSIONS.get(user.role, frozenset())


def requires(action: str):
    """Require a valid token whose user's role may perform `action`."""

    def decorate(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            verify_jwt_in_request()
            # The user itself, not the proxy: services read it thousands of times in a batch.
            user = current_user._get_current_object()  # noqa: SLF001 - werkzeug's documented way
            if not can(user, action):
                raise forbidden()
            if getattr(user, "must_change_password", False) and action not in _BEFORE_NEW_PASSWORD:
                raise _password_change_required()
            g.user = user
            return fn(*args, **kwargs)

        wrapper.required_action = action
        return wrapper

    return decorate
