"""Residents' tests: the loopback push service and SMS gateway of the delivery tests, and helpers
that subscribe a number by its code and issue a stand-in warning through the audience hook."""

import json
import re
import uuid
from types import SimpleNamespace

import pytest

from server.core.models import utcnow
from server.delivery import service as delivery
from server.extensions import db
from server.residents.audience import AUDIENCE

from ..delivery.conftest import browser_keys, gateway, push_service, signed  # noqa: F401


def run(app, now=None) -> None:
    with app.app_context():
        delivery.run_once(now or utcnow())
        db.session.remove()


def sms_to(gateway, phone: str) -> list[str]:  # noqa: F811
    return [
        json.loads(r["body"])["text"]
        for r in gateway.requests
        if r["path"] == "/sms" and json.loads(r["body"])["to"] == phone
    ]


def last_code(gateway, phone: str) -> str:  # noqa: F811
    texts = [t for t in sms_to(gateway, phone) if "验证码" in t]
    return re.search(r"验证码(\d{6})", texts[-1]).group(1)


def subscribe(app, client, gateway, phone: str, region_id: int) -> dict:  # noqa: F811
    resp = client.post("/api/v1/public/residents/codes", json={"phone": phone, "region_id": region_id})
    assert resp.status_code == 202, resp.json
    run(app)
    code = last_code(gateway, "+86" + phone[-11:])
    resp = client.post("/api/v1/public/residents/subscriptions", json={"phone": phone, "code": code})
    assert resp.status_code == 200, resp.json
    return resp.json


def warning(**over) -> SimpleNamespace:
    """A stand-in with the spec's fields, until server.warnings lands."""
    base = {
        "id": uuid.uuid4(),
        "identifier": "35082341600000000000001",
        "msg_type": "alert",
        "references_id": None,
        "state": "issued",
        "kind": "rainstorm",
        "level": "red",
        "title": "临城镇暴雨红色预警",
        "body": "未来3小时有特大暴雨",
        "instructions": "请转移到安置点",
        "region_id": None,
        "polygon": None,
    }
    base.update(over)
    return SimpleNamespace(**base)


def issue(app, item, region_ids, polygon=None) -> int:
    """The issuing transaction: queue() flushes inside it, and the issuer commits."""
    with app.app_context():
        n = AUDIENCE.queue(item, region_ids, polygon)
        db.session.commit()
        db.session.remove()
    return n


def counts(app, warning_id) -> dict:
    with app.app_context():
        out = AUDIENCE.counts(warning_id)
        db.session.remove()
    return out


@pytest.fixture()
def sms_inbound(app):
    def send(phone: str, text: str):
        raw, headers = signed(app, {"id": uuid.uuid4().hex, "from": phone, "text": text})
        return app.test_client().post("/api/v1/delivery/sms/inbound", data=raw, headers=headers)

    return send
