"""Members' insurance policies: the desk of the member's region and the member's captain."""

from flask import Blueprint, g

from ..core.http import json_body, no_store
from ..core.models import utcnow
from ..core.openapi import doc
from ..core.permissions import requires
from . import insurance
from .insurance_schemas import PolicyCreateSchema, PolicyListSchema, PolicySchema, PolicyUpdateSchema

bp = Blueprint("team_insurance", __name__, url_prefix="/api/v1")


@bp.get("/members/<uuid:member_id>/insurance")
@requires("profiles.manage")
@no_store
@doc(
    "A member's accident insurance: every policy (a renewal is a new one), whether a policy "
    "covers the member today (China time) and until when; the member's captain and the desk",
    response=PolicyListSchema,
)
def list_policies(member_id):
    return PolicyListSchema().dump(insurance.list_policies(g.user, member_id, utcnow()))


@bp.post("/members/<uuid:member_id>/insurance")
@requires("profiles.manage")
@no_store
@doc(
    "Record a policy (insurer, number, cover in yuan, first and last day covered); "
    "409 policy-exists for the same insurer and number again",
    body=PolicyCreateSchema,
    response=PolicySchema,
    status=201,
)
def create_policy(member_id):
    data = PolicyCreateSchema().load(json_body())
    return PolicySchema().dump(insurance.create_policy(g.user, member_id, data, utcnow())), 201


@bp.patch("/members/<uuid:member_id>/insurance/<uuid:policy_id>")
@requires("profiles.manage")
@no_store
@doc(
    "Correct a policy (a renewal is a new policy, not a change)",
    body=PolicyUpdateSchema,
    response=PolicySchema,
)
def update_policy(member_id, policy_id):
    data = PolicyUpdateSchema().load(json_body())
    return PolicySchema().dump(insurance.update_policy(g.user, member_id, policy_id, data, utcnow()))


@bp.delete("/members/<uuid:member_id>/insurance/<uuid:policy_id>")
@requires("profiles.manage")
@doc("Remove a policy recorded by mistake", status=204)
def delete_policy(member_id, policy_id):
    insurance.delete_policy(g.user, member_id, policy_id, utcnow())
    return "", 204
