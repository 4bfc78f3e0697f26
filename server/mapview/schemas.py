"""The map's answer: one list per layer, every position in WGS-84."""

from marshmallow import fields

from ..core.schemas import BaseSchema, QuerySchema

LAYERS = ("incidents", "orders", "members", "hazards", "shelters")


class MapPointSchema(BaseSchema):
    lat = fields.Float()
    lon = fields.Float()


class MapIncidentSchema(BaseSchema):
    id = fields.UUID()
    title = fields.String()
    kind = fields.String()
    severity = fields.String(allow_none=True)
    place = fields.String(allow_none=True)
    location = fields.Nested(MapPointSchema, allow_none=True)
    occurred_at = fields.DateTime()
    orders_open = fields.Integer()


class MapOrderSchema(BaseSchema):
    id = fields.UUID()
    incident_id = fields.UUID(allow_none=True)
    title = fields.String()
    location = fields.Nested(MapPointSchema)
    muster_point = fields.String(allow_none=True)
    muster_location = fields.Nested(MapPointSchema, allow_none=True)
    headcount = fields.Integer(
        allow_none=True, metadata={"description": "wanted; the targets' count if unset"}
    )
    accepted = fields.Integer(metadata={"description": "said yes: accepted, en route, on scene or done"})
    coming = fields.Integer(metadata={"description": "still on their way in: accepted, en route or on scene"})
    completed = fields.Integer(metadata={"description": "done: no longer awaited"})
    on_scene = fields.Integer()
    declined = fields.Integer()
    silent = fields.Integer(metadata={"description": "not answered yet"})
    overdue = fields.Integer(metadata={"description": "on scene with an accountability check-in overdue"})
    created_at = fields.DateTime()


class MapMemberSchema(BaseSchema):
    id = fields.UUID()
    display_name = fields.String()
    team_name = fields.String(allow_none=True)
    location = fields.Nested(MapPointSchema)
    at = fields.DateTime(metadata={"description": "when the position was taken"})
    state = fields.String(metadata={"description": "on_duty | en_route | on_scene"})
    dispatch_id = fields.UUID(allow_none=True)
    overdue = fields.Boolean(metadata={"description": "on scene and the check-in is overdue"})


class MapHazardSchema(BaseSchema):
    id = fields.UUID()
    category = fields.String()
    severity = fields.String(allow_none=True)
    status = fields.String()
    description = fields.String(metadata={"description": "the first 80 characters"})
    location = fields.Nested(MapPointSchema)
    reported_at = fields.DateTime()
    people_at_risk = fields.Integer(allow_none=True)


class MapShelterSchema(BaseSchema):
    id = fields.UUID()
    name = fields.String()
    kind = fields.String()
    status = fields.String()
    location = fields.Nested(MapPointSchema, allow_none=True)
    capacity = fields.Integer()
    occupancy = fields.Integer()


class MapSchema(BaseSchema):
    generated_at = fields.DateTime()
    incidents = fields.List(fields.Nested(MapIncidentSchema))
    orders = fields.List(fields.Nested(MapOrderSchema))
    members = fields.List(fields.Nested(MapMemberSchema))
    hazards = fields.List(fields.Nested(MapHazardSchema))
    shelters = fields.List(fields.Nested(MapShelterSchema))
    truncated = fields.List(
        fields.String(), metadata={"description": "layers cut at the limit; newest (open shelters) first"}
    )


class MapQuerySchema(QuerySchema):
    # Checked by service.layers_from (a 400 naming the layers there are), as it always was.
    layers = fields.String(
        metadata={"description": f"comma-separated, of {', '.join(LAYERS)}; all when absent"}
    )
