"""The silent (未确认): responsible persons who have not acknowledged are reached once more
(their cascade begun again) after WARNING_REMIND_AFTER_MIN, and reported once to the issuing
desk after WARNING_REPORT_AFTER_MIN. Each step is claimed by an UPDATE ... WHERE still unset,
so two workers sweeping at once remind and report once."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..accounts.models import User
from ..delivery import service as delivery
from ..extensions import db
from . import reach
from .models import Warning, WarningAck, WarningRecipient

WINDOW = timedelta(days=2)  # older messages are past chasing


def _silent(warning_id):
    acked = sa.select(WarningAck.user_id).where(WarningAck.warning_id == warning_id)
    return sa.and_(
        WarningRecipient.warning_id == warning_id,
        WarningRecipient.responsible.is_(True),
        WarningRecipient.user_id.not_in(acked),
    )


def sweep(now) -> int:
    """Run by the delivery worker each round; answers how many reminders and reports it made."""
    cfg = current_app.config
    remind = timedelta(minutes=cfg["WARNING_REMIND_AFTER_MIN"])
    report = timedelta(minutes=cfg["WARNING_REPORT_AFTER_MIN"])
    live = db.session.scalars(
        sa.select(Warning).where(
            Warning.state == "issued",
            Warning.msg_type != "cancel",
            Warning.cancelled_at.is_(None),
            Warning.superseded_by_id.is_(None),
            Warning.issued_at <= now - remind,
            Warning.issued_at >= now - WINDOW,
            Warning.expires_at > now,
        )
    ).all()
    made = 0
    for warning in live:
        for uid in db.session.scalars(
            sa.select(WarningRecipient.user_id).where(
                _silent(warning.id), WarningRecipient.reminded_at.is_(None)
            )
        ).all():
            claimed = db.session.execute(
                sa.update(WarningRecipient)
                .where(
                    WarningRecipient.warning_id == warning.id,
                    WarningRecipient.user_id == uid,
                    WarningRecipient.reminded_at.is_(None),
                )
                .values(reminded_at=now)
            ).rowcount
            if claimed:
                reach.restart(warning, uid)
                made += 1
        if warning.reported_at is None and warning.issued_at <= now - report:
            made += _report(warning, now)
    return made


def _report(warning: Warning, now) -> int:
    claimed = db.session.execute(
        sa.update(Warning)
        .where(Warning.id == warning.id, Warning.reported_at.is_(None))
        .values(reported_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        return 0
    silent = (
        db.session.execute(
            sa.select(User.display_name)
            .join(WarningRecipient, WarningRecipient.user_id == User.id)
            .where(_silent(warning.id))
            .order_by(User.display_name)
        )
        .scalars()
        .all()
    )
    if not silent:
        return 1
    desk = set(
        db.session.scalars(
            sa.select(User.id).where(
                User.region_id == warning.region_id,
                User.role.in_(("duty_officer", "admin")),
                User.active.is_(True),
            )
        )
    ) | {warning.issued_by_id}
    names = "、".join(silent[:10])
    for uid in desk:
        delivery.notify_once(
            uid,
            reach.REPORT,
            f"{warning.id}:silent",
            f"预警未确认：{warning.title}"[:200],
            f"{len(silent)}人未确认收到：{names}",
            "alert",
            {"title": f"{len(silent)}人未确认预警", "detail": names[:40]},
        )
    return 1
