"""Records with times under the test's control: check-ins written as the attendance service
leaves them once closed (the phones' clocks and the sync door are tested in tests/attendance)."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from server.accounts.models import User
from server.attendance.models import Checkin
from server.extensions import db

CHINA = ZoneInfo("Asia/Shanghai")
RULES = "/api/v1/subsidy/rules"
REPORTS = "/api/v1/subsidy/reports"
RULE_JAN = {
    "effective_from": "2026-01",
    "rate_normal": "20.00",
    "rate_heavy": "30.00",
    "rate_severe": "50.00",
    "day_cap": "200.00",
    "month_cap": "500.00",
}
RULE_FEB = {
    "effective_from": "2026-02",
    "rate_normal": "30.00",
    "rate_heavy": "40.00",
    "rate_severe": "60.00",
    "day_cap": "300.00",
    "month_cap": "1000.00",
}


def cn(text: str) -> datetime:
    """'2026-01-31 23:00' in China time."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=CHINA)


def add_time(app, username: str, start: str, end: str, dispatch_id=None) -> None:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        item = Checkin(
            id=uuid.uuid4(),
            user_id=user.id,
            region_id=user.region_id,
            dispatch_id=uuid.UUID(dispatch_id) if dispatch_id else None,
            checkin_at=cn(start),
            checkout_at=cn(end),
            open_flag=True,
        )
        db.session.add(item)
        db.session.flush()
        # Closed, as checkout leaves it (None at insert would take the column's default).
        item.open_flag = None
        db.session.commit()
        db.session.remove()


def names(app) -> dict:
    with app.app_context():
        found = {u.username: u.display_name for u in db.session.scalars(sa.select(User))}
        db.session.remove()
    return found


def order(auth, ids, desk: str, town: str, username: str, weight: str) -> str:
    resp = auth(desk).post(
        "/api/v1/dispatches",
        json={
            "title": "抢险",
            "location": {"lat": 25.05, "lon": 116.43},
            "region_id": ids["regions"][town],
            "member_ids": [ids["users"][username]],
            "weight_class": weight,
        },
    )
    assert resp.status_code == 201, resp.json
    assert resp.json["weight_class"] == weight
    return resp.json["id"]
