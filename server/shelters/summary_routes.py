"""The desk's shelter summary (its own blueprint: the registry's routes are busy enough)."""

from flask import Blueprint, g, request
from marshmallow import fields

from ..core.openapi import doc
from ..core.permissions import requires
from ..core.schemas import BaseSchema, QuerySchema, load_query
from . import summary

bp = Blueprint("shelter_summary", __name__, url_prefix="/api/v1")


class SummaryQuerySchema(QuerySchema):
    """No parameters: always the caller's region and the regions directly below it."""


class FiguresSchema(BaseSchema):
    open = fields.Integer(metadata={"description": "shelters open (status open or full)"})
    people = fields.Integer(metadata={"description": "people checked in and not out"})
    places_left = fields.Integer(metadata={"description": "capacity left in open shelters"})
    full = fields.Integer(metadata={"description": "open shelters at capacity"})
    near_full = fields.Integer(metadata={"description": "open shelters at 90 % or more, not full"})


class SummaryRegionSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    level = fields.String()


class SummaryChildSchema(SummaryRegionSchema, FiguresSchema):
    pass


class SummarySchema(BaseSchema):
    generated_at = fields.DateTime()
    region = fields.Nested(SummaryRegionSchema)
    total = fields.Nested(FiguresSchema, metadata={"description": "the region and all below it"})
    regions = fields.List(
        fields.Nested(SummaryChildSchema),
        metadata={"description": "each region directly below, with everything below it summed in"},
    )


@bp.get("/shelters/summary")
@requires("shelters.summary")
@doc(
    "The desk's shelter summary for the caller's region, and per region directly below it: open "
    "shelters, people sheltered, places left, shelters full and at 90 % or more",
    response=SummarySchema,
    query=SummaryQuerySchema,
)
def shelter_summary():
    load_query(SummaryQuerySchema(), request.args)
    return SummarySchema().dump(summary.summary(g.user))
