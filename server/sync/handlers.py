"""The registry of op types: each maps to a schema, the permission it needs, and the same domain
service function the REST routes call. Adding an op type is adding a line here."""

from collections.abc import Callable
from dataclasses import dataclass

from marshmallow import Schema

from ..attendance import service as attendance
from ..attendance.schemas import CheckinCreateSchema, CheckinSchema, CheckoutSchema
from ..disasters import service as disasters
from ..disasters.schemas import SituationReportOpSchema, SituationReportSchema
from ..dispatch import service as dispatch
from ..dispatch.schemas import DispatchSchema, PingSchema, RespondSchema, StatusSchema
from ..equipment import service as equipment
from ..equipment.schemas import EquipmentCheckoutOpSchema, EquipmentItemSchema, EquipmentReturnOpSchema
from ..reports import lifecycle
from ..reports import service as reports
from ..reports.schemas import STEP_OPS, ReportCreateSchema, ReportSchema
from ..shelters import checkins as shelters
from ..shelters.schemas import KioskCheckinSchema, KioskCheckoutSchema, ReceiptSchema
from ..training import service as training
from ..training.schemas import AttendOpSchema, MarkSchema
from ..warnings import service as warnings
from ..warnings.schemas import WarningAckSchema, WarningSchema


@dataclass(frozen=True)
class OpHandler:
    schema: Schema  # loads the op's data (instances made once: building one costs more than a load)
    action: str
    apply: Callable  # (actor, data, at) -> record; never commits
    dump: Schema  # the record as the phone gets it back
    # Optional: (actor, [(data, at)]) -> [record | ApiProblem] for a run of such ops with
    # distinct record ids, in one statement per table. Same rules as `apply`, in one place.
    apply_many: Callable | None = None


HANDLERS: dict[str, OpHandler] = {
    "report.create": OpHandler(
        ReportCreateSchema(), "reports.create", reports.create_report, ReportSchema(), reports.create_reports
    ),
    "attendance.checkin": OpHandler(
        CheckinCreateSchema(), "attendance.checkin", attendance.checkin, CheckinSchema()
    ),
    "attendance.checkout": OpHandler(
        CheckoutSchema(), "attendance.checkin", attendance.checkout, CheckinSchema()
    ),
    "dispatch.respond": OpHandler(RespondSchema(), "dispatch.respond", dispatch.respond, DispatchSchema()),
    "dispatch.status": OpHandler(StatusSchema(), "dispatch.respond", dispatch.set_status, DispatchSchema()),
    "dispatch.ping": OpHandler(PingSchema(), "dispatch.respond", dispatch.ping, DispatchSchema()),
    # A village's situation report (初报/续报/核报) for a disaster event.
    "disaster.report": OpHandler(
        SituationReportOpSchema(), "disasters.report", disasters.file_report, SituationReportSchema()
    ),
    "shelter.checkin": OpHandler(
        KioskCheckinSchema(), "shelters.checkin", shelters.kiosk_checkin, ReceiptSchema()
    ),
    "shelter.checkout": OpHandler(
        KioskCheckoutSchema(), "shelters.checkin", shelters.kiosk_checkout, ReceiptSchema()
    ),
    # 收到 for a warning, offline too: a second one, by any channel, changes nothing.
    "warning.ack": OpHandler(WarningAckSchema(), "warnings.ack", warnings.ack_op, WarningSchema()),
    # The captain at the scene, offline: an item out to one of the team's orders (领用) and back
    # (归还) with its condition. Already out, not out, damaged or retired: rejected with `current`.
    "equipment.checkout": OpHandler(
        EquipmentCheckoutOpSchema(), "equipment.manage", equipment.checkout, EquipmentItemSchema()
    ),
    "equipment.return": OpHandler(
        EquipmentReturnOpSchema(), "equipment.manage", equipment.return_item, EquipmentItemSchema()
    ),
    # A captain's roll call or badge scan at a training: one member marked, the later mark wins.
    "training.attend": OpHandler(AttendOpSchema(), "profiles.manage", training.attend, MarkSchema()),
}
# A hazard report's life, step by step (reports/lifecycle.py): report.verify, report.reject,
# report.assign, report.start, report.rectify, report.close, report.reopen.
HANDLERS.update(
    {
        f"report.{kind}": OpHandler(
            schema(),
            "reports.rectify" if kind in ("start", "rectify") else "reports.manage",
            getattr(lifecycle, kind),
            ReportSchema(),
        )
        for kind, schema in STEP_OPS.items()
    }
)

# In the contract, arriving with their issues. Answered "rejected" but not recorded, so a
# phone that queued one can send it again once the server learns it.
NOT_YET: set[str] = set()
