"""One map for the desk."""

from flask import Blueprint, g, request

from ..core.openapi import doc
from ..core.permissions import requires
from . import service
from .schemas import LAYERS, MapSchema

bp = Blueprint("mapview", __name__, url_prefix="/api/v1")


@bp.get("/map")
@requires("map.read")
@doc(
    "The desk's one map of the caller's region and below: open incidents and orders, members on "
    f"duty, open hazards and shelters; at most {service.LIMIT} per layer, newest first; WGS-84",
    response=MapSchema,
    params={"layers": f"comma-separated, of {', '.join(LAYERS)}; all when absent"},
)
def get_map():
    layers = service.layers_from(request.args.get("layers"))
    return MapSchema().dump(service.build(g.user, layers))
