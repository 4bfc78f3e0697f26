"""Shapes of equipment items, kits, their log and the ops that take them out and back."""

from marshmallow import fields, validate

from ..core.models import utcnow
from ..core.pagination import PageQuerySchema
from ..core.schemas import BaseSchema, QuerySchema, region_id_param
from .models import CATEGORIES, CATEGORY_LABELS, CONDITION_LABELS, CONDITIONS

_CLIENT_ID = {
    "description": "made by the client once per step: the same id sent again (a retry, or the "
    "op after a REST call) is the same step and changes nothing"
}
RETURN_CONDITIONS = ("good", "worn", "damaged", "lost")
_NOTE = fields.String(load_default="", validate=validate.Length(max=500))


def _as_of(item):
    from .service import china_today

    return getattr(item, "as_of", None) or china_today(utcnow())


class EquipmentOutSchema(BaseSchema):
    dispatch_id = fields.UUID(attribute="out_dispatch_id")
    incident_id = fields.UUID(attribute="out_incident_id", allow_none=True)
    at = fields.DateTime(attribute="out_at")
    by_id = fields.UUID(attribute="out_by")


class EquipmentEventSchema(BaseSchema):
    id = fields.UUID()
    kind = fields.String(metadata={"description": "checkout, return, maintenance or condition"})
    at = fields.DateTime()
    by_name = fields.String()
    dispatch_id = fields.UUID(allow_none=True)
    dispatch_title = fields.String(allow_none=True)
    incident_id = fields.UUID(allow_none=True)
    condition_before = fields.String(allow_none=True)
    condition_after = fields.String(allow_none=True)
    condition_label = fields.String(allow_none=True)
    done_on = fields.Date(allow_none=True)
    note = fields.String()
    media_ids = fields.List(fields.String())


class EquipmentItemSchema(BaseSchema):
    id = fields.UUID()
    team_id = fields.UUID()
    region_id = fields.Integer()
    kit_id = fields.UUID(allow_none=True)
    name = fields.String()
    category = fields.String()
    category_label = fields.Function(lambda i: CATEGORY_LABELS[i.category])
    standard = fields.String(allow_none=True)
    serial = fields.String(allow_none=True)
    quantity = fields.Integer()
    condition = fields.String()
    condition_label = fields.Function(lambda i: CONDITION_LABELS[i.condition])
    maintenance_interval_days = fields.Integer(allow_none=True)
    last_maintained_on = fields.Date(allow_none=True)
    next_due_on = fields.Date(allow_none=True)
    overdue = fields.Method(
        "_overdue", metadata={"description": "maintenance overdue (逾期) today, China time"}
    )
    days_overdue = fields.Method("_days", metadata={"description": "days past next_due_on; 0 if not overdue"})
    out = fields.Method("_out", metadata={"description": "the order it is out on, or null"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()

    def _overdue(self, item):
        from .service import is_overdue

        return is_overdue(item, _as_of(item))

    def _days(self, item):
        return (_as_of(item) - item.next_due_on).days if self._overdue(item) else 0

    def _out(self, item):
        return EquipmentOutSchema().dump(item) if item.out_dispatch_id else None


class EquipmentItemDetailSchema(EquipmentItemSchema):
    events = fields.List(
        fields.Nested(EquipmentEventSchema), metadata={"description": "the latest 50, newest first"}
    )


class EquipmentOverdueItemSchema(EquipmentItemSchema):
    team_name = fields.String()


class EquipmentOverdueListSchema(BaseSchema):
    items = fields.List(fields.Nested(EquipmentOverdueItemSchema))
    total = fields.Integer()
    next_cursor = fields.String(allow_none=True)


class _EquipmentItemFields(BaseSchema):
    kit_id = fields.UUID(allow_none=True)
    name = fields.String(validate=validate.Length(min=1, max=80))
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    standard = fields.String(allow_none=True, validate=validate.Length(max=80))
    serial = fields.String(allow_none=True, validate=validate.Length(max=60))
    quantity = fields.Integer(strict=True, validate=validate.Range(1, 100000))
    maintenance_interval_days = fields.Integer(allow_none=True, strict=True, validate=validate.Range(1, 3650))
    last_maintained_on = fields.Date(allow_none=True)


class EquipmentItemCreateSchema(_EquipmentItemFields):
    id = fields.UUID(load_default=None, allow_none=True, metadata=_CLIENT_ID)
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    condition = fields.String(load_default="good", validate=validate.OneOf(CONDITIONS))


class EquipmentItemUpdateSchema(_EquipmentItemFields):
    condition = fields.String(validate=validate.OneOf(CONDITIONS))
    note = fields.String(
        validate=validate.Length(max=500), metadata={"description": "why the condition changed"}
    )


class EquipmentItemQuerySchema(PageQuerySchema):
    overdue = fields.Boolean(metadata={"description": "true: maintenance overdue only; false: the others"})
    condition = fields.String(validate=validate.OneOf(CONDITIONS))
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    kit_id = fields.UUID()


class EquipmentOverdueQuerySchema(QuerySchema):
    region_id = region_id_param("items of this region and below")


class EquipmentKitSchema(BaseSchema):
    id = fields.UUID()
    team_id = fields.UUID()
    region_id = fields.Integer()
    name = fields.String()
    note = fields.String()
    created_at = fields.DateTime()


class EquipmentKitCreateSchema(BaseSchema):
    id = fields.UUID(load_default=None, allow_none=True, metadata=_CLIENT_ID)
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    note = fields.String(load_default="", validate=validate.Length(max=500))


class EquipmentKitListSchema(BaseSchema):
    items = fields.List(fields.Nested(EquipmentKitSchema))
    total = fields.Integer()
    next_cursor = fields.String(allow_none=True)


class EquipmentMaintenanceSchema(BaseSchema):
    id = fields.UUID(load_default=None, allow_none=True, metadata=_CLIENT_ID)
    done_on = fields.Date(load_default=None, allow_none=True, metadata={"description": "default: today"})
    note = _NOTE
    condition = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(("good", "worn", "damaged"))
    )


class EquipmentCheckoutSchema(BaseSchema):
    id = fields.UUID(load_default=None, allow_none=True, metadata=_CLIENT_ID)
    dispatch_id = fields.UUID(required=True, metadata={"description": "one of the team's open orders"})


class EquipmentReturnSchema(BaseSchema):
    id = fields.UUID(load_default=None, allow_none=True, metadata=_CLIENT_ID)
    condition = fields.String(required=True, validate=validate.OneOf(RETURN_CONDITIONS))
    note = fields.String(
        load_default="",
        validate=validate.Length(max=500),
        metadata={"description": "required when damaged or lost"},
    )
    media_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=6))


class EquipmentCheckoutOpSchema(EquipmentCheckoutSchema):
    """equipment.checkout: the captain at the scene, offline."""

    id = fields.UUID(required=True, metadata=_CLIENT_ID)
    item_id = fields.UUID(required=True)


class EquipmentReturnOpSchema(EquipmentReturnSchema):
    """equipment.return."""

    id = fields.UUID(required=True, metadata=_CLIENT_ID)
    item_id = fields.UUID(required=True)


class EquipmentOrderSchema(BaseSchema):
    id = fields.UUID()
    title = fields.String()
    incident_id = fields.UUID(allow_none=True)
    created_at = fields.DateTime()


class EquipmentOrderListSchema(BaseSchema):
    items = fields.List(fields.Nested(EquipmentOrderSchema))
    total = fields.Integer()
    next_cursor = fields.String(allow_none=True)
