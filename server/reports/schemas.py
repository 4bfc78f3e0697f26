"""Shapes of hazard reports."""

from marshmallow import ValidationError, fields, validate, validates_schema

from ..core.geo import LocationSchema
from ..core.pagination import PageQuerySchema
from ..core.schemas import REGION_ID, BaseSchema, PlainNested, region_id_param
from .models import ANY, CATEGORIES, DEADLINE_UNITS, NODES, REJECTIONS, SEVERITIES, STATUSES


class ReportCreateSchema(BaseSchema):
    id = fields.UUID(required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    description = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    location = PlainNested(LocationSchema, required=True)
    severity = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(SEVERITIES))
    people_at_risk = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(0, 1_000_000)
    )
    media_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=9))
    region_id = fields.Integer(load_default=None, allow_none=True, strict=True, validate=REGION_ID)


class ReportSchema(BaseSchema):
    id = fields.UUID()
    reporter_id = fields.UUID()
    region_id = fields.Integer()
    category = fields.String()
    description = fields.String()
    location = fields.Function(lambda r: {"lat": r.lat, "lon": r.lon, "accuracy": r.accuracy_m})
    severity = fields.String(allow_none=True)
    people_at_risk = fields.Integer(allow_none=True)
    media_ids = fields.List(fields.UUID())
    status = fields.String(validate=validate.OneOf(STATUSES))
    reported_at = fields.DateTime()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    # Who answers for it now, by when, and when it was closed (销号); all null until then.
    responsible_unit = fields.String(allow_none=True)
    assignee_id = fields.UUID(allow_none=True)
    deadline_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    due_at = fields.DateTime(
        allow_none=True,
        metadata={"description": "when the node it waits at is due (督办); null once closed or rejected"},
    )
    step_count = fields.Integer(metadata={"description": "How many steps of its life it has been through"})


class OneOrSeveral(fields.String):
    """A query parameter naming one value or several, comma-separated (status=assigned,rectifying):
    each one of `choices`, answered as a tuple without repeats."""

    def __init__(self, choices, **kwargs):
        self.choices = tuple(choices)
        kwargs.setdefault("metadata", {})
        kwargs["metadata"].setdefault("description", "")
        kwargs["metadata"]["description"] += f" one or several, comma-separated, of {', '.join(self.choices)}"
        # In the OpenAPI document: what a client (and schemathesis) may send.
        one = "|".join(self.choices)
        kwargs["metadata"]["pattern"] = f"^({one})(,({one}))*$"
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        parts = tuple(dict.fromkeys(p.strip() for p in raw.split(",")))
        wrong = [p for p in parts if p not in self.choices]
        if not parts or wrong:
            raise ValidationError(f"One or several, comma-separated, of: {', '.join(self.choices)}.")
        return parts


class ReportQuerySchema(PageQuerySchema):
    status = OneOrSeveral(STATUSES, metadata={"description": "the state(s) of its life:"})
    category = OneOrSeveral(CATEGORIES, metadata={"description": "the hazard class(es):"})
    severity = OneOrSeveral(SEVERITIES, metadata={"description": "the risk colour(s):"})
    responsible_unit = fields.String(
        validate=validate.Length(min=1, max=100), metadata={"description": "exactly this unit"}
    )
    overdue = fields.Boolean(
        metadata={"description": "true: assigned or rectifying and past its deadline; false: the others"}
    )
    assignee = fields.String(
        validate=validate.OneOf(["me"]), metadata={"description": "me: those assigned to the caller"}
    )
    since = fields.AwareDateTime(metadata={"description": "ISO 8601 with offset: received at or after"})
    until = fields.AwareDateTime(metadata={"description": "ISO 8601 with offset: received before"})
    region_id = region_id_param("this region and below")
    mine = fields.Boolean(metadata={"description": "true: only the caller's own"})


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Say why, in words.")


def _point(m) -> dict:
    return {"lat": m.lat, "lon": m.lon, "accuracy": m.accuracy_m}


class StepPhotoSchema(BaseSchema):
    """A photo of a step: uploaded first (PUT /api/v1/media/<id>), with when and where it was
    taken, as the phone's camera and GPS said."""

    media_id = fields.UUID(required=True)
    taken_at = fields.AwareDateTime(required=True, metadata={"description": "ISO 8601 with offset"})
    location = PlainNested(LocationSchema, required=True)


def _unique_photos(photos: list) -> None:
    ids = [p["media_id"] for p in photos]
    if len(set(ids)) != len(ids):
        raise ValidationError("The same photo twice.")


class StepSchema(BaseSchema):
    """What every step may carry. `id`: made once on the client, so the same step sent again (a
    retry, or REST and then the outbox) is recognised and written once."""

    id = fields.UUID(load_default=None, allow_none=True)
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    photos = fields.List(
        PlainNested(StepPhotoSchema),
        load_default=list,
        validate=[validate.Length(max=9), _unique_photos],
    )


class VerifySchema(StepSchema):
    # The risk colour (重大 red, 较大 orange, 一般 yellow, 低 blue) is the verifier's to set.
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))


class RejectSchema(StepSchema):
    rejection = fields.String(
        required=True,
        validate=validate.OneOf(REJECTIONS),
        metadata={"description": "duplicate (of another report), false (not true), not_ours"},
    )
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=1000), _not_blank])
    duplicate_of = fields.UUID(
        load_default=None, allow_none=True, metadata={"description": "the report this one repeats"}
    )

    @validates_schema
    def _duplicate_only(self, data, **_):
        if data.get("duplicate_of") and data.get("rejection") != "duplicate":
            raise ValidationError("Only a duplicate names the report it repeats.", "duplicate_of")


class AssignSchema(StepSchema):
    responsible_unit = fields.String(
        load_default=None, allow_none=True, validate=[validate.Length(min=1, max=100), _not_blank]
    )
    assignee_id = fields.UUID(
        load_default=None, allow_none=True, metadata={"description": "a user who can see the report"}
    )
    deadline_at = fields.AwareDateTime(
        load_default=None,
        allow_none=True,
        metadata={"description": "ISO 8601 with offset; none: the county's rectify rule (deadline-rules)"},
    )

    @validates_schema
    def _someone(self, data, **_):
        if not data.get("responsible_unit") and not data.get("assignee_id"):
            raise ValidationError("Name a responsible unit, a person, or both.", "responsible_unit")


class StartSchema(StepSchema):
    pass


class RectifySchema(StepSchema):
    # The after-photos are the evidence: at least one.
    photos = fields.List(
        PlainNested(StepPhotoSchema),
        required=True,
        validate=[validate.Length(min=1, max=9), _unique_photos],
    )


class CloseSchema(StepSchema):
    pass


class ReopenSchema(StepSchema):
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=1000), _not_blank])


def _op_schema(body: type) -> type:
    """The same step as a sync op: the report it is about rides in the data."""
    return type(
        body.__name__.replace("Schema", "OpSchema"), (body,), {"report_id": fields.UUID(required=True)}
    )


STEP_BODIES = {
    "verify": VerifySchema,
    "reject": RejectSchema,
    "assign": AssignSchema,
    "start": StartSchema,
    "rectify": RectifySchema,
    "close": CloseSchema,
    "reopen": ReopenSchema,
}
STEP_OPS = {kind: _op_schema(body) for kind, body in STEP_BODIES.items()}


class StepPhotoOutSchema(BaseSchema):
    media_id = fields.UUID()
    taken_at = fields.DateTime()
    location = fields.Function(_point)


class ReportStepSchema(BaseSchema):
    id = fields.UUID()
    seq = fields.Integer()
    kind = fields.String()
    from_status = fields.String()
    to_status = fields.String()
    actor_id = fields.UUID()
    actor_name = fields.Function(lambda s: s.actor.display_name if s.actor else None)
    at = fields.DateTime(metadata={"description": "when the person acted, by their phone"})
    created_at = fields.DateTime(metadata={"description": "when the server learnt it"})
    comment = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    rejection = fields.String(allow_none=True)
    duplicate_of = fields.UUID(allow_none=True)
    severity = fields.String(allow_none=True)
    responsible_unit = fields.String(allow_none=True)
    assignee_id = fields.UUID(allow_none=True)
    assignee_name = fields.Function(lambda s: s.assignee.display_name if s.assignee else None)
    deadline_at = fields.DateTime(allow_none=True)
    photos = fields.List(fields.Nested(StepPhotoOutSchema))


class MergedReportSchema(BaseSchema):
    """A report merged into this one (rejected as its duplicate): who filed it, when, what they
    said and their photos, which the surviving report keeps; and the merge itself."""

    id = fields.Function(lambda m: str(m.report.id))
    reporter_id = fields.Function(lambda m: str(m.report.reporter_id))
    reporter_name = fields.String()
    reported_at = fields.Function(lambda m: m.report.reported_at.isoformat())
    description = fields.Function(lambda m: m.report.description)
    location = fields.Function(lambda m: _point_of(m.report))
    media_ids = fields.Function(lambda m: [str(i) for i in m.report.media_ids])
    merged_at = fields.Function(lambda m: m.step.at.isoformat())
    merged_by = fields.Function(lambda m: m.step.actor.display_name if m.step.actor else None)
    reason = fields.Function(lambda m: m.step.reason)


def _point_of(r) -> dict:
    return {"lat": r.lat, "lon": r.lon, "accuracy": r.accuracy_m}


class ReportDetailSchema(ReportSchema):
    """One report with its timeline: every step in order (the filing itself is the report's own
    reporter_id and reported_at), and the reports merged into it."""

    assignee_name = fields.Function(lambda r: r.assignee.display_name if r.assignee else None)
    steps = fields.List(fields.Nested(ReportStepSchema))
    merged = fields.List(
        fields.Nested(MergedReportSchema),
        metadata={"description": "the reports merged into this one, their photos and reporters"},
    )


class DuplicateSchema(ReportSchema):
    """An open report near this one in place and time, of the same category."""

    reporter_name = fields.String()
    distance_m = fields.Float(metadata={"description": "great-circle distance, metres"})
    apart_s = fields.Integer(metadata={"description": "seconds between the two reported_at"})


class DuplicatesSchema(BaseSchema):
    report_id = fields.UUID()
    radius_m = fields.Float(metadata={"description": "REPORT_DUPLICATE_RADIUS_M"})
    window_h = fields.Float(metadata={"description": "REPORT_DUPLICATE_WINDOW_H, either side"})
    items = fields.List(fields.Nested(DuplicateSchema), metadata={"description": "nearest first, at most 50"})


# ---- supervision (督办): the county's deadline rules and the desk's supervised list ----------


class DeadlineRuleSchema(BaseSchema):
    node = fields.String(
        required=True,
        validate=validate.OneOf(NODES),
        metadata={"description": "verify (from filing), assign (from verification), rectify, close"},
    )
    category = fields.String(load_default=ANY, validate=validate.OneOf((*CATEGORIES, ANY)))
    severity = fields.String(load_default=ANY, validate=validate.OneOf((*SEVERITIES, ANY)))
    amount = fields.Integer(required=True, strict=True, validate=validate.Range(1, 24 * 366))
    unit = fields.String(
        required=True,
        validate=validate.OneOf(DEADLINE_UNITS),
        metadata={"description": "hours, or working days (China's calendar; ends 18:00 China time)"},
    )
    remind_before_min = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(0, 60 * 24 * 30),
        metadata={"description": "0: none"},
    )
    grace_min = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(1, 60 * 24 * 30),
        metadata={"description": "after the deadline, before each escalation one level up"},
    )


class DeadlineRulesSchema(BaseSchema):
    saved = fields.Boolean(dump_only=True, metadata={"description": "false: the built-in defaults"})
    rules = fields.List(PlainNested(DeadlineRuleSchema), required=True, validate=validate.Length(1, 200))


class SupervisedQuerySchema(PageQuerySchema):
    region_id = region_id_param("this region and below")


class SupervisedSchema(BaseSchema):
    report = fields.Nested(ReportSchema)
    node = fields.String(metadata={"description": "verify, assign, rectify or close"})
    due_at = fields.DateTime()
    overdue_s = fields.Integer(metadata={"description": "seconds past the deadline (0: not yet due)"})
    escalation_level = fields.Integer(metadata={"description": "0: not escalated; 1, 2: levels up"})
    escalated_at = fields.DateTime(allow_none=True)
