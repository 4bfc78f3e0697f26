"""One map for the desk."""

from flask import Blueprint, g, request

from ..core.openapi import doc
from ..core.permissions import requires
from ..core.schemas import load_query
from . import service
from .schemas import MapQuerySchema, MapSchema

bp = Blueprint("mapview", __name__, url_prefix="/api/v1")


@bp.get("/map")
@requires("map.read")
@doc(
    "The desk's one map of the caller's region and below: open incidents and orders, members on "
    f"duty, open hazards and shelters; at most {service.LIMIT} per layer, newest first (hazards: "
    "red first, then orange, yellow, blue and unrated, newest first within a colour); WGS-84",
    response=MapSchema,
    query=MapQuerySchema,
)
def get_map():
    layers = service.layers_from(load_query(MapQuerySchema(), request.args).get("layers"))
    return MapSchema().dump(service.build(g.user, layers))
