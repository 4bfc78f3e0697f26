"""Loopback stand-ins for a push service and an SMS/voice gateway, written for the tests."""

import base64
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class Recorder:
    def __init__(self):
        self.requests = []
        self.status = 201
        self.headers = {}

    def start(self):
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                recorder.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                self.send_response(recorder.status)
                for name, value in recorder.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def gateway(app):
    """An SMS and voice gateway on loopback; the app's http backends point at it."""
    rec = Recorder().start()
    saved = {
        k: app.config[k] for k in ("SMS_BACKEND", "SMS_GATEWAY_URL", "VOICE_BACKEND", "VOICE_GATEWAY_URL")
    }
    app.config.update(
        SMS_BACKEND="http",
        SMS_GATEWAY_URL=rec.url + "/sms",
        VOICE_BACKEND="http",
        VOICE_GATEWAY_URL=rec.url + "/voice",
    )
    rec.status = 200
    yield rec
    app.config.update(saved)
    rec.stop()


@pytest.fixture()
def push_service():
    rec = Recorder().start()
    yield rec
    rec.stop()


@pytest.fixture()
def browser_keys():
    """What a browser makes when it subscribes: a P-256 key pair and an auth secret."""
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    auth = os.urandom(16)
    return {"private": private, "p256dh": b64(public), "auth": b64(auth), "auth_raw": auth}


def signed(app, body: dict) -> tuple[bytes, dict]:
    import hashlib
    import hmac

    raw = json.dumps(body, ensure_ascii=False).encode()
    digest = hmac.new(app.config["DELIVERY_WEBHOOK_SECRET"].encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"Content-Type": "application/json", "X-Signature": "sha256=" + digest}
