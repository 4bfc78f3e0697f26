"""The region tree, read by everyone in scope, managed by administrators."""

from flask import Blueprint, g

from ..core.http import json_body
from ..core.openapi import doc
from ..core.permissions import requires
from . import service
from .models import Region
from .schemas import RegionCreateSchema, RegionSchema, RegionUpdateSchema

bp = Blueprint("regions", __name__, url_prefix="/api/v1")


@bp.get("/regions")
@requires("regions.read")
@doc("The caller's region and every region below it, parents first", response=RegionSchema, many=True)
def list_regions():
    rows = service.list_regions(g.user)
    return {"items": RegionSchema().dump(rows, many=True), "total": len(rows), "next_cursor": None}


@bp.get("/regions/<int:region_id>")
@requires("regions.read")
@doc("One region", response=RegionSchema)
def get_region(region_id):
    region = service.get_scoped(Region, region_id, g.user, region_attr="id", what="region")
    return RegionSchema().dump(region)


@bp.post("/regions")
@requires("regions.manage")
@doc(
    "Add a township or village under a region in scope",
    body=RegionCreateSchema,
    response=RegionSchema,
    status=201,
)
def create_region():
    data = RegionCreateSchema().load(json_body())
    region = service.create_region(g.user, data)
    return RegionSchema().dump(region), 201


@bp.patch("/regions/<int:region_id>")
@requires("regions.manage")
@doc("Rename or re-code a region, or move its centre", body=RegionUpdateSchema, response=RegionSchema)
def update_region(region_id):
    data = RegionUpdateSchema().load(json_body())
    region = service.update_region(g.user, region_id, data)
    return RegionSchema().dump(region)
