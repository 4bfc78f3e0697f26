"""Reading the audit log, within the reader's region."""

import sqlalchemy as sa

from ..core.audit import AuditEntry
from ..core.pagination import paginate
from ..regions.service import scoped


def list_entries(user, args):
    stmt = scoped(sa.select(AuditEntry), AuditEntry.region_id, user)
    if args.get("entity_type"):
        stmt = stmt.where(AuditEntry.entity_type == args["entity_type"])
    if args.get("entity_id"):
        stmt = stmt.where(AuditEntry.entity_id == args["entity_id"])
    return paginate(stmt, AuditEntry, args)
