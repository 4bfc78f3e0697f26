"""Teams' equipment: the team's list, an item and its log, maintenance, out to an order and
back, and the desk's list of what is overdue for maintenance."""

from flask import Blueprint, g, request

from ..core.http import json_body, page_answer
from ..core.models import utcnow
from ..core.openapi import doc
from ..core.permissions import requires
from ..core.schemas import load_query
from . import service
from .schemas import (
    EquipmentCheckoutSchema,
    EquipmentItemCreateSchema,
    EquipmentItemDetailSchema,
    EquipmentItemQuerySchema,
    EquipmentItemSchema,
    EquipmentItemUpdateSchema,
    EquipmentKitCreateSchema,
    EquipmentKitListSchema,
    EquipmentKitSchema,
    EquipmentMaintenanceSchema,
    EquipmentOrderListSchema,
    EquipmentOverdueListSchema,
    EquipmentOverdueQuerySchema,
    EquipmentReturnSchema,
)

bp = Blueprint("equipment", __name__, url_prefix="/api/v1")


def _today():
    return service.china_today(utcnow())


@bp.get("/teams/<uuid:team_id>/equipment")
@requires("equipment.read")
@doc(
    "A team's equipment (the desk of its region, its captain and members), with condition and "
    "maintenance overdue (逾期) marks",
    response=EquipmentItemSchema,
    many=True,
    query=EquipmentItemQuerySchema,
)
def list_items(team_id):
    args = load_query(EquipmentItemQuerySchema(), request.args)
    return page_answer(service.list_items(g.user, team_id, args, _today()), EquipmentItemSchema())


@bp.post("/teams/<uuid:team_id>/equipment")
@requires("equipment.manage")
@doc(
    "Register an item (the team's captain or the desk); its next maintenance is due an interval "
    "after the last one",
    body=EquipmentItemCreateSchema,
    response=EquipmentItemSchema,
    status=201,
    also=(200,),
)
def create_item(team_id):
    item = service.create_item(g.user, team_id, EquipmentItemCreateSchema().load(json_body()), _today())
    return EquipmentItemSchema().dump(item), 200 if getattr(item, "replayed", False) else 201


@bp.get("/teams/<uuid:team_id>/equipment-kits")
@requires("equipment.read")
@doc("A team's kits (named sets of items)", response=EquipmentKitListSchema)
def list_kits(team_id):
    kits = service.list_kits(g.user, team_id)
    return EquipmentKitListSchema().dump({"items": kits, "total": len(kits), "next_cursor": None})


@bp.post("/teams/<uuid:team_id>/equipment-kits")
@requires("equipment.manage")
@doc(
    "Make a kit for the team; the same client id sent again answers 200 with the kit it made",
    body=EquipmentKitCreateSchema,
    response=EquipmentKitSchema,
    status=201,
)
def create_kit(team_id):
    kit = service.create_kit(g.user, team_id, EquipmentKitCreateSchema().load(json_body()))
    return EquipmentKitSchema().dump(kit), 200 if getattr(kit, "replayed", False) else 201


@bp.get("/teams/<uuid:team_id>/equipment/orders")
@requires("equipment.manage")
@doc("The team's open orders, which an item may be checked out to", response=EquipmentOrderListSchema)
def list_orders(team_id):
    orders = service.open_orders(g.user, team_id)
    return EquipmentOrderListSchema().dump({"items": orders, "total": len(orders), "next_cursor": None})


@bp.get("/equipment/overdue")
@requires("equipment.overdue")
@doc(
    "Items of the desk's region (or of region_id below it) overdue for maintenance, the longest "
    "overdue first",
    response=EquipmentOverdueListSchema,
    query=EquipmentOverdueQuerySchema,
)
def list_overdue():
    args = load_query(EquipmentOverdueQuerySchema(), request.args)
    items = service.overdue(g.user, args.get("region_id"), _today())
    return EquipmentOverdueListSchema().dump({"items": items, "total": len(items), "next_cursor": None})


@bp.get("/equipment/<uuid:item_id>")
@requires("equipment.read")
@doc("One item and its log (out and back, damage, maintenance)", response=EquipmentItemDetailSchema)
def get_item(item_id):
    return EquipmentItemDetailSchema().dump(service.get_item(g.user, item_id, _today()))


@bp.patch("/equipment/<uuid:item_id>")
@requires("equipment.manage")
@doc(
    "Change an item (the team's captain or the desk); damaged or lost needs a note; an item out "
    "on an order changes condition only when returned (409 equipment-checked-out)",
    body=EquipmentItemUpdateSchema,
    response=EquipmentItemSchema,
)
def update_item(item_id):
    return EquipmentItemSchema().dump(
        service.update_item(g.user, item_id, EquipmentItemUpdateSchema().load(json_body()), utcnow())
    )


@bp.post("/equipment/<uuid:item_id>/maintenance")
@requires("equipment.manage")
@doc(
    "Record maintenance done; the next due date moves on",
    body=EquipmentMaintenanceSchema,
    response=EquipmentItemSchema,
)
def record_maintenance(item_id):
    data = EquipmentMaintenanceSchema().load(json_body())
    return EquipmentItemSchema().dump(service.record_maintenance(g.user, item_id, data, utcnow()))


@bp.post("/equipment/<uuid:item_id>/checkout")
@requires("equipment.manage")
@doc(
    "Check an item out (领用) to one of the team's open orders; an item already out, damaged, "
    "lost or retired is refused (409, with the item as it stands in `current`)",
    body=EquipmentCheckoutSchema,
    response=EquipmentItemSchema,
)
def checkout(item_id):
    data = {**EquipmentCheckoutSchema().load(json_body()), "item_id": item_id}
    return EquipmentItemSchema().dump(service.checkout(g.user, data, utcnow()))


@bp.post("/equipment/<uuid:item_id>/return")
@requires("equipment.manage")
@doc(
    "Return an item (归还) with its condition; damaged or lost needs a note, photos optional; "
    "an item not out is refused (409 equipment-not-out, with `current`)",
    body=EquipmentReturnSchema,
    response=EquipmentItemSchema,
)
def return_item(item_id):
    data = {**EquipmentReturnSchema().load(json_body()), "item_id": item_id}
    return EquipmentItemSchema().dump(service.return_item(g.user, data, utcnow()))
