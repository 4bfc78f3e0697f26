"""The shelter registry, the people in shelters, and the public check-in door."""

from flask import Blueprint, g, request

from ..core.http import json_body, no_store, page_answer
from ..core.openapi import doc
from ..core.permissions import requires
from ..core.schemas import load_query
from . import checkins, service
from .limits import checkin_limits
from .schemas import (
    PeopleListQuerySchema,
    PeopleQuerySchema,
    PersonListSchema,
    PersonSchema,
    PublicCheckinSchema,
    ReceiptSchema,
    RestCheckinSchema,
    ShelterCreateSchema,
    ShelterQuerySchema,
    ShelterSchema,
    ShelterUpdateSchema,
    SuppliesSchema,
)

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
@requires("shelters.remove")
@doc("Remove a shelter from the registry (refused once people were checked in)", status=204)
def delete_shelter(shelter_id):
    service.delete_shelter(g.user, shelter_id)
    return "", 204


@bp.post("/shelters/<uuid:shelter_id>/open")
@requires("shelters.operate")
@doc("Open a shelter one runs (recorded with who and when)", response=ShelterSchema)
def open_shelter(shelter_id):
    return ShelterSchema().dump(service.open_or_close(g.user, shelter_id, True))


@bp.post("/shelters/<uuid:shelter_id>/close")
@requires("shelters.operate")
@doc("Close a shelter one runs: no more check-ins (recorded with who and when)", response=ShelterSchema)
def close_shelter(shelter_id):
    return ShelterSchema().dump(service.open_or_close(g.user, shelter_id, False))


@bp.put("/shelters/<uuid:shelter_id>/supplies")
@requires("shelters.operate")
@doc(
    "Supplies on hand (water L, food meals, bedding sets, medicine kits)",
    body=SuppliesSchema,
    response=ShelterSchema,
)
def update_supplies(shelter_id):
    return ShelterSchema().dump(
        service.update_supplies(g.user, shelter_id, SuppliesSchema().load(json_body()))
    )


@bp.get("/shelters/<uuid:shelter_id>/events")
@requires("shelters.read")
@doc("Who opened and closed the shelter, and when, newest first")
def shelter_events(shelter_id):
    rows = service.events(g.user, shelter_id)
    # The name beside the id: a shelter manager reads who opened and closed it without users.read.
    items = [
        {
            "kind": e.kind,
            "actor_id": str(e.actor_id) if e.actor_id else None,
            "actor_name": name,
            "at": e.at.isoformat(),
        }
        for e, name in rows
    ]
    return {"items": items, "total": len(items), "next_cursor": None}


# --- people ---------------------------------------------------------------------------------


@bp.post("/shelters/<uuid:shelter_id>/checkins")
@requires("shelters.checkin")
@doc(
    "Check a household in at the desk (id made by the client)",
    body=RestCheckinSchema,
    response=ReceiptSchema,
    status=201,
)
def desk_checkin(shelter_id):
    item, made = checkins.rest_checkin(g.user, shelter_id, RestCheckinSchema().load(json_body()))
    return ReceiptSchema().dump(item), 201 if made else 200


@bp.post("/shelters/<uuid:shelter_id>/checkins/<uuid:checkin_id>/checkout")
@requires("shelters.checkin")
@doc("Check a household out (a second time changes nothing)", response=ReceiptSchema)
def desk_checkout(shelter_id, checkin_id):
    item, _ = checkins.rest_checkout(g.user, shelter_id, checkin_id)
    return ReceiptSchema().dump(item)


@bp.get("/shelters/<uuid:shelter_id>/checkins")
@requires("shelters.people")
@doc(
    "People checked in here, phones masked (the read is audited)",
    response=PersonListSchema,
    many=True,
    query=PeopleListQuerySchema,
)
@no_store
def list_people(shelter_id):
    args = load_query(PeopleListQuerySchema(), request.args)
    return page_answer(checkins.list_people(g.user, shelter_id, args), PersonListSchema())


@bp.get("/shelters/<uuid:shelter_id>/checkins/<uuid:checkin_id>")
@requires("shelters.people")
@doc("One person's record, phone in full (the read is audited)", response=PersonSchema)
@no_store
def get_person(shelter_id, checkin_id):
    return PersonSchema().dump(checkins.get_person(g.user, shelter_id, checkin_id))


@bp.get("/shelters/people")
@requires("shelters.lookup")
@doc(
    "Family lookup across the region's shelters: part of a name or a phone's last four digits (audited)",
    response=PersonListSchema,
    many=True,
    query=PeopleQuerySchema,
)
@no_store
def lookup_people():
    args = load_query(PeopleQuerySchema(), request.args)
    return page_answer(checkins.lookup(g.user, args), PersonListSchema())


# --- the public door ------------------------------------------------------------------------


@bp.get("/public/shelters/<code>")
@doc("A shelter as a poster's QR opens it: state, places left, and where else has room", public=True)
def public_shelter(code):
    return service.public_view(code)


@bp.post("/public/shelters/<code>/checkins")
@checkin_limits()
@doc(
    "Check in without an account (the same id twice counts once: 201, then 200)",
    body=PublicCheckinSchema,
    response=ReceiptSchema,
    status=201,
    public=True,
)
def public_checkin(code):
    item, made = checkins.public_checkin(code, PublicCheckinSchema().load(json_body()))
    return ReceiptSchema().dump(item), 201 if made else 200
