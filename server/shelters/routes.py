"""The shelter registry."""

from flask import Blueprint, g, request

from ..core.http import json_body, page_answer
from ..core.openapi import doc
from ..core.permissions import requires
from ..core.schemas import load_query
from . import service
from .schemas import ShelterCreateSchema, ShelterQuerySchema, ShelterSchema, ShelterUpdateSchema

bp = Blueprint("shelters", __name__, url_prefix="/api/v1")


@bp.get("/shelters")
@requires("shelters.read")
@doc(
    "Shelters of the caller's region and below",
    response=ShelterSchema,
    many=True,
    query=ShelterQuerySchema,
)
def list_shelters():
    args = load_query(ShelterQuerySchema(), request.args)
    return page_answer(service.list_shelters(g.user, args), ShelterSchema())


@bp.get("/shelters/<uuid:shelter_id>")
@requires("shelters.read")
@doc("One shelter, with capacity and occupancy (people)", response=ShelterSchema)
def get_shelter(shelter_id):
    return ShelterSchema().dump(service.get_shelter(g.user, shelter_id))


@bp.post("/shelters")
@requires("shelters.manage")
@doc("Register a shelter", body=ShelterCreateSchema, response=ShelterSchema, status=201)
def create_shelter():
    shelter = service.create_shelter(g.user, ShelterCreateSchema().load(json_body()))
    return ShelterSchema().dump(shelter), 201


@bp.patch("/shelters/<uuid:shelter_id>")
@requires("shelters.manage")
@doc("Change a shelter", body=ShelterUpdateSchema, response=ShelterSchema)
def update_shelter(shelter_id):
    shelter = service.update_shelter(g.user, shelter_id, ShelterUpdateSchema().load(json_body()))
    return ShelterSchema().dump(shelter)


@bp.delete("/shelters/<uuid:shelter_id>")
@requires("shelters.manage")
@doc("Remove a shelter from the registry (refused while people are checked in)", status=204)
def delete_shelter(shelter_id):
    service.delete_shelter(g.user, shelter_id)
    return "", 204
