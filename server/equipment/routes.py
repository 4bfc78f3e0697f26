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
    CheckoutSchema,
    ItemCreateSchema,
    ItemDetailSchema,
    ItemQuerySchema,
    ItemSchema,
    ItemUpdateSchema,
    KitCreateSchema,
    KitListSchema,
    KitSchema,
    MaintenanceSchema,
    OrderListSchema,
    OverdueListSchema,
    OverdueQuerySchema,
    ReturnSchema,
)

bp = Blueprint("equipment", __name__, url_prefix="/api/v1")


def _today():
    return service.china_today(utcnow())


@bp.get("/teams/<uuid:team_id>/equipment")
@requires("equipment.read")
@doc(
    "A team's equipment (the desk of its region, its captain and members), with condition and "
    "maintenance overdue (逾期) marks",
    response=ItemSchema,
    many=True,
    query=ItemQuerySchema,
)
def list_items(team_id):
    args = load_query(ItemQuerySchema(), request.args)
    return page_answer(service.list_items(g.user, team_id, args, _today()), ItemSchema())


@bp.post("/teams/<uuid:team_id>/equipment")
@requires("equipment.manage")
@doc(
    "Register an item (the team's captain or the desk); its next maintenance is due an interval "
    "after the last one",
    body=ItemCreateSchema,
    response=ItemSchema,
    status=201,
    also=(200,),
)
def create_item(team_id):
    item = service.create_item(g.user, team_id, ItemCreateSchema().load(json_body()), _today())
    return ItemSchema().dump(item), 200 if getattr(item, "replayed", False) else 201


@bp.get("/teams/<uuid:team_id>/equipment-kits")
@requires("equipment.read")
@doc("A team's kits (named sets of items)", response=KitListSchema)
def list_kits(team_id):
    kits = service.list_kits(g.user, team_id)
    return KitListSchema().dump({"items": kits, "total": len(kits), "next_cursor": None})


@bp.post("/teams/<uuid:team_id>/equipment-kits")
@requires("equipment.manage")
@doc("Make a kit for the team", body=KitCreateSchema, response=KitSchema, status=201)
def create_kit(team_id):
    return KitSchema().dump(service.create_kit(g.user, team_id, KitCreateSchema().load(json_body()))), 201


@bp.get("/teams/<uuid:team_id>/equipment/orders")
@requires("equipment.manage")
@doc("The team's open orders, which an item may be checked out to", response=OrderListSchema)
def list_orders(team_id):
    orders = service.open_orders(g.user, team_id)
    return OrderListSchema().dump({"items": orders, "total": len(orders), "next_cursor": None})


@bp.get("/equipment/overdue")
@requires("equipment.overdue")
@doc(
    "Items of the desk's region (or of region_id below it) overdue for maintenance, the longest "
    "overdue first",
    response=OverdueListSchema,
    query=OverdueQuerySchema,
)
def list_overdue():
    args = load_query(OverdueQuerySchema(), request.args)
    items = service.overdue(g.user, args.get("region_id"), _today())
    return OverdueListSchema().dump({"items": items, "total": len(items), "next_cursor": None})


@bp.get("/equipment/<uuid:item_id>")
@requires("equipment.read")
@doc("One item and its log (out and back, damage, maintenance)", response=ItemDetailSchema)
def get_item(item_id):
    return ItemDetailSchema().dump(service.get_item(g.user, item_id, _today()))


@bp.patch("/equipment/<uuid:item_id>")
@requires("equipment.manage")
@doc(
    "Change an item (the team's captain or the desk); damaged or lost needs a note; an item out "
    "on an order changes condition only when returned (409 equipment-checked-out)",
    body=ItemUpdateSchema,
    response=ItemSchema,
)
def update_item(item_id):
    return ItemSchema().dump(
        service.update_item(g.user, item_id, ItemUpdateSchema().load(json_body()), utcnow())
    )


@bp.post("/equipment/<uuid:item_id>/maintenance")
@requires("equipment.manage")
@doc("Record maintenance done; the next due date moves on", body=MaintenanceSchema, response=ItemSchema)
def record_maintenance(item_id):
    data = MaintenanceSchema().load(json_body())
    return ItemSchema().dump(service.record_maintenance(g.user, item_id, data, utcnow()))


@bp.post("/equipment/<uuid:item_id>/checkout")
@requires("equipment.manage")
@doc(
    "Check an item out (领用) to one of the team's open orders; an item already out, damaged, "
    "lost or retired is refused (409, with the item as it stands in `current`)",
    body=CheckoutSchema,
    response=ItemSchema,
)
def checkout(item_id):
    data = {**CheckoutSchema().load(json_body()), "item_id": item_id}
    return ItemSchema().dump(service.checkout(g.user, data, utcnow()))


@bp.post("/equipment/<uuid:item_id>/return")
@requires("equipment.manage")
@doc(
    "Return an item (归还) with its condition; damaged or lost needs a note, photos optional; "
    "an item not out is refused (409 equipment-not-out, with `current`)",
    body=ReturnSchema,
    response=ItemSchema,
)
def return_item(item_id):
    data = {**ReturnSchema().load(json_body()), "item_id": item_id}
    return ItemSchema().dump(service.return_item(g.user, data, utcnow()))
