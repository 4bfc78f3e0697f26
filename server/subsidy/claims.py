"""Cross-township help claims (跨乡镇救援补偿). Never commits.

Who moves a claim (decided here, and in tests/subsidy/test_claims.py):
- claimed: the desk of the township that sent its people (the helper) files it, for an order in
  another township's area on which its members were called across (dispatch targets marked
  cross_township, their own township the helper's);
- agreed: the desk of the township helped, which owes the compensation;
- paid: the helper's desk, confirming the money came, since the one paid knows it was.
The county's desk sees both townships and may act for either (it arbitrates). Each move is kept
with who and when, and audited; a claim moves only forward."""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from ..attendance.models import Checkin
from ..core.audit import record
from ..dispatch.models import Dispatch, DispatchTarget
from ..errors import ApiProblem, forbidden, not_found
from ..extensions import db
from ..regions.models import Region
from ..regions.service import in_scope, scope_ids
from .hours import Span, by_day
from .models import HelpClaim, HelpClaimLine, HelpClaimStep

NEXT = {"claimed": "agreed", "agreed": "paid"}


def _township_id(region_id: int) -> int:
    region = db.session.get(Region, region_id)
    while region is not None and region.level == "village" and region.parent is not None:
        region = region.parent
    return region.id if region is not None else region_id


def _help_seconds(dispatch_id, member_ids) -> int:
    """The helpers' time on the order: each member's records merged, summed over members."""
    if not member_ids:
        return 0
    rows = db.session.execute(
        sa.select(Checkin.user_id, Checkin.checkin_at, Checkin.checkout_at).where(
            Checkin.dispatch_id == dispatch_id,
            Checkin.user_id.in_(member_ids),
            Checkin.checkout_at.is_not(None),
        )
    )
    spans: dict = {}
    for user_id, a, b in rows:
        spans.setdefault(user_id, []).append(Span(a, b))
    return sum(s for items in spans.values() for slot in by_day(items).values() for s in slot.values())


def _step(claim: HelpClaim, actor, state: str, at: datetime, note=None) -> None:
    claim.steps.append(
        HelpClaimStep(
            claim_id=claim.id,
            position=len(claim.steps),
            state=state,
            by_id=actor.id,
            by_name=actor.display_name,
            at=at,
            note=note,
        )
    )


def create(actor, data: dict, at: datetime) -> HelpClaim:
    dispatch = db.session.get(Dispatch, data["dispatch_id"])
    helper = data["helper_township_id"]
    if not in_scope(actor, helper):
        raise forbidden("Only the desk of the township that helped (or the county) files its claim.")
    if dispatch is None:
        raise not_found("dispatch order")
    helped = _township_id(dispatch.region_id)
    members = db.session.scalars(
        sa.select(DispatchTarget.member_id).where(
            DispatchTarget.dispatch_id == dispatch.id,
            DispatchTarget.cross_township.is_(True),
            DispatchTarget.member_region_id == helper,
        )
    ).all()
    if helped == helper or not members:
        raise ApiProblem(
            422,
            "not-cross-township",
            "Not cross-township help",
            "This order called no members of that township into another township's area.",
        )
    if db.session.scalar(
        sa.select(HelpClaim.id).where(
            HelpClaim.dispatch_id == dispatch.id, HelpClaim.helper_township_id == helper
        )
    ):
        raise ApiProblem(
            409, "claim-exists", "Claim exists", "This township has already claimed for this order."
        )
    claim = HelpClaim(
        dispatch_id=dispatch.id,
        helper_township_id=helper,
        helped_township_id=helped,
        state="claimed",
        members=len(members),
        seconds=_help_seconds(dispatch.id, members),
        total=sum((line["amount"] for line in data["lines"]), Decimal(0)),
        note=data.get("note"),
    )
    db.session.add(claim)
    db.session.flush()
    for i, line in enumerate(data["lines"]):
        db.session.add(HelpClaimLine(claim_id=claim.id, position=i, **line))
    _step(claim, actor, "claimed", at, data.get("note"))
    db.session.flush()
    db.session.refresh(claim)
    record(actor, "subsidy.claim", "help_claim", claim.id, helper, {"total": str(claim.total)})
    return claim


def _visible(actor, claim_id) -> HelpClaim:
    claim = db.session.get(HelpClaim, claim_id)
    if claim is None:
        raise not_found("claim")
    scope = scope_ids(actor)
    if claim.helper_township_id not in scope and claim.helped_township_id not in scope:
        raise not_found("claim")
    return claim


def get(actor, claim_id) -> HelpClaim:
    return _visible(actor, claim_id)


def list_claims(actor) -> list[HelpClaim]:
    scope = scope_ids(actor)
    return list(
        db.session.scalars(
            sa.select(HelpClaim)
            .where(sa.or_(HelpClaim.helper_township_id.in_(scope), HelpClaim.helped_township_id.in_(scope)))
            .order_by(HelpClaim.created_at.desc(), HelpClaim.id)
        )
    )


def move(actor, claim_id, to: str, at: datetime, note=None) -> HelpClaim:
    claim = _visible(actor, claim_id)
    if NEXT.get(claim.state) != to:
        raise ApiProblem(
            409,
            "claim-state",
            "Wrong state",
            f"A claim that is {claim.state} cannot become {to}.",
            state=claim.state,
        )
    township = claim.helped_township_id if to == "agreed" else claim.helper_township_id
    if not in_scope(actor, township):
        who = "the township helped" if to == "agreed" else "the township that helped"
        raise forbidden(f"Only the desk of {who} (or the county) may do this.")
    claim.state = to
    _step(claim, actor, to, at, note)
    db.session.flush()
    record(actor, f"subsidy.claim_{to}", "help_claim", claim.id, township)
    return claim


def township_name(region_id: int) -> str:
    region = db.session.get(Region, region_id)
    return region.name if region is not None else ""


def dispatch_title(dispatch_id) -> str:
    dispatch = db.session.get(Dispatch, dispatch_id)
    return dispatch.title if dispatch is not None else ""


def eligible(actor, limit: int = 100) -> list[dict]:
    """The orders a township in the caller's scope may claim for: its members were called across
    into another township's area (the helper's desk cannot read such an order otherwise). Newest
    first, each with the time on it from the records and whether it is claimed already."""
    scope = scope_ids(actor)
    rows = db.session.execute(
        sa.select(Dispatch, DispatchTarget.member_region_id, DispatchTarget.member_id)
        .join(DispatchTarget, DispatchTarget.dispatch_id == Dispatch.id)
        .where(DispatchTarget.cross_township.is_(True), DispatchTarget.member_region_id.in_(scope))
        .order_by(Dispatch.created_at.desc(), Dispatch.id)
    ).all()
    groups: dict = {}
    for dispatch, helper, member_id in rows:
        groups.setdefault((dispatch.id, helper), (dispatch, []))[1].append(member_id)
    claimed = set(
        db.session.execute(
            sa.select(HelpClaim.dispatch_id, HelpClaim.helper_township_id).where(
                HelpClaim.dispatch_id.in_({d for d, _ in groups})
            )
        ).all()
    )
    answer = []
    for (dispatch_id, helper), (dispatch, members) in list(groups.items())[:limit]:
        helped = _township_id(dispatch.region_id)
        if helped == helper:
            continue
        answer.append(
            {
                "dispatch_id": dispatch_id,
                "title": dispatch.title,
                "created_at": dispatch.created_at,
                "closed_at": dispatch.closed_at,
                "helper_township_id": helper,
                "helper_township_name": township_name(helper),
                "helped_township_id": helped,
                "helped_township_name": township_name(helped),
                "members": len(members),
                "seconds": _help_seconds(dispatch_id, members),
                "claimed": (dispatch_id, helper) in claimed,
            }
        )
    return answer
