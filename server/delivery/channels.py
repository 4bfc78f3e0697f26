"""The channels a notification can go through. Each is called by the worker only, never inside
a request. Push follows RFC 8030/8291/8292 through pywebpush; SMS and voice go to a gateway
(`http`) or to a provider (`aliyun`, `tencent`: providers.py)."""

import base64
import copy
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import ssl
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import requests
import urllib3
from cryptography.hazmat.primitives import serialization
from flask import current_app
from py_vapid import Vapid
from pywebpush import WebPusher, WebPushException

from . import providers

log = logging.getLogger(__name__)
PUSH_TIMEOUT_S = 8
GATEWAY_TIMEOUT_S = 8


# ---- VAPID ------------------------------------------------------------------------------------


def _vapid() -> Vapid:
    cached = current_app.extensions.get("vapid")
    if cached is not None:
        return cached
    raw = current_app.config.get("VAPID_PRIVATE_KEY") or ""
    if raw.strip().startswith("-----BEGIN"):
        vapid = Vapid.from_pem(raw.strip().encode())
    elif raw:
        vapid = Vapid.from_string(raw)
    else:
        # Development: a key made once and kept in instance/ (production refuses to start without).
        path = Path(current_app.instance_path) / "vapid_private.pem"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fresh = Vapid()
            fresh.generate_keys()
            path.write_bytes(fresh.private_pem())
            path.chmod(0o600)
        vapid = Vapid.from_pem(path.read_bytes())
    current_app.extensions["vapid"] = vapid
    return vapid


_VAPID_LOCK = threading.Lock()
VAPID_JWT_LIFETIME_S = 12 * 3600


def _vapid_headers(audience: str) -> dict:
    """The VAPID Authorization header for one push service origin, signed once and reused
    until an hour before it expires (RFC 8292 allows up to 24 h): signing every message would
    cost more than encrypting it. Fresh claims per origin: pywebpush's own path mutates them."""
    cache = current_app.extensions.setdefault("vapid_headers", {})
    now = time.time()
    with _VAPID_LOCK:
        hit = cache.get(audience)
        if hit and hit[0] > now + 3600:
            return hit[1]
        claims = {
            "sub": current_app.config["VAPID_SUBJECT"],
            "aud": audience,
            "exp": int(now + VAPID_JWT_LIFETIME_S),
        }
        headers = _vapid().sign(copy.deepcopy(claims))
        cache[audience] = (claims["exp"], headers)
        return headers


def vapid_public_key() -> str:
    point = _vapid().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(point).decode().rstrip("=")


# ---- who may be pushed to ---------------------------------------------------------------------


class EndpointRefused(ValueError):
    pass


def check_endpoint(url: str, resolve: bool = True) -> None:
    """A subscription endpoint must be https on a listed push service (http only for a listed
    loopback host, for tests), and must not resolve to a private address."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    allowed = current_app.config["PUSH_ALLOWED_HOSTS"]
    if not host or not any(host == h or host.endswith("." + h) for h in allowed):
        raise EndpointRefused("push service not allowed")
    loopback = _is_loopback(host)
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise EndpointRefused("push endpoint must be https")
    if resolve and not loopback:
        _refuse_private(host)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _private(ip) -> bool:
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast


def _refuse_private(host: str) -> None:
    try:
        infos = socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM)
    except OSError:
        return  # unresolvable now (offline deployment): the send will fail and be retried
    for info in infos:
        if _private(ipaddress.ip_address(info[4][0])):
            raise EndpointRefused("push endpoint resolves to a private address")


class _PushHttp:
    """What pywebpush needs of a session (`post`), on http.client with kept-alive connections
    shared by the sending threads: urllib3 cost more per message than the encryption does. No
    redirect is followed. Each connection goes to an address checked when it is made (never a
    private one, unless the host is a listed loopback one), so a DNS answer that changes after
    the endpoint was checked cannot point a push inside the network. PUSH_PROXY, when set, goes
    through urllib3's ProxyManager instead (the proxy does the resolving)."""

    def __init__(self, size: int, proxy: str | None):
        self.size = size
        self.proxy = urllib3.ProxyManager(proxy, maxsize=size, block=False, retries=False) if proxy else None
        self.idle: dict[tuple, list] = {}
        self.lock = threading.Lock()
        self.tls = ssl.create_default_context()

    def post(self, url, data=None, headers=None, timeout=None, **_):
        if self.proxy is not None:
            resp = self.proxy.request(
                "POST", url, body=data, headers=headers, timeout=timeout, redirect=False
            )
            return SimpleNamespace(
                status_code=resp.status,
                text=resp.data.decode("utf-8", "replace"),
                headers=dict(resp.headers),
                content=resp.data,
            )
        parts = urlsplit(url)
        origin = (parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        for attempt in (1, 2):
            conn, reused = self._take(origin, timeout)
            try:
                conn.request("POST", target, body=data, headers=headers or {})
                resp = conn.getresponse()
                body = resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                conn.close()
                if reused and attempt == 1:
                    continue  # the service closed a kept-alive connection: once more, on a new one
                raise
            except BaseException:
                conn.close()
                raise
            if resp.will_close:
                conn.close()
            else:
                self._give(origin, conn)
            return SimpleNamespace(
                status_code=resp.status,
                text=body.decode("utf-8", "replace"),
                headers=dict(resp.getheaders()),
                content=body,
            )
        raise AssertionError("unreachable")

    def _take(self, origin, timeout):
        with self.lock:
            idle = self.idle.get(origin)
            if idle:
                conn = idle.pop()
                conn.timeout = timeout
                if conn.sock is not None:
                    conn.sock.settimeout(timeout)
                return conn, True
        scheme, host, port = origin
        if scheme == "https":
            return _CheckedTLS(host, port, timeout=timeout, context=self.tls), False
        return _Checked(host, port, timeout=timeout), False

    def close(self) -> None:
        with self.lock:
            idle, self.idle = self.idle, {}
        for conns in idle.values():
            for conn in conns:
                conn.close()

    def _give(self, origin, conn) -> None:
        with self.lock:
            idle = self.idle.setdefault(origin, [])
            if len(idle) < self.size:
                idle.append(conn)
                return
        conn.close()


def _checked_socket(host: str, port: int, timeout) -> socket.socket:
    """A connection to `host` at an address that is not private (loopback for a loopback host)."""
    loopback_host = _is_loopback(host)
    error = None
    for family, kind, proto, _, address in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        ip = ipaddress.ip_address(address[0])
        if not (loopback_host and ip.is_loopback) and _private(ip):
            raise EndpointRefused("push endpoint resolves to a private address")
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.connect(address)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error or OSError(f"no address for {host}")


class _Checked(http.client.HTTPConnection):
    def connect(self):
        self.sock = _checked_socket(self.host, self.port, self.timeout)


class _CheckedTLS(http.client.HTTPSConnection):
    def connect(self):
        self.sock = self._context.wrap_socket(
            _checked_socket(self.host, self.port, self.timeout), server_hostname=self.host
        )


def _session() -> _PushHttp:
    session = current_app.extensions.get("push_http")
    if session is None:
        session = _PushHttp(
            current_app.config.get("DELIVERY_CONCURRENCY", 16), current_app.config.get("PUSH_PROXY")
        )
        current_app.extensions["push_http"] = session
    return session


# ---- push -------------------------------------------------------------------------------------


class PushResult:
    def __init__(  # noqa: PLR0913
        self, ok: bool, gone: bool = False, retry: bool = False, status: int | None = None, after=None
    ):
        self.ok, self.gone, self.retry, self.status = ok, gone, retry, status
        self.after = after  # seconds the push service asked us to wait (Retry-After), if it said


def send_push(subscription, payload: dict, topic: str, ttl: int, urgency: str = "high") -> PushResult:
    try:
        # The addresses are checked when a connection is made (_checked_socket), not here: a
        # fan-out to one push service would otherwise ask DNS once per person.
        check_endpoint(subscription.endpoint, resolve=False)
    except EndpointRefused:
        return PushResult(False, gone=True)
    endpoint = urlsplit(subscription.endpoint)
    try:
        resp = WebPusher(
            {
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            requests_session=_session(),
        ).send(
            data=json.dumps(payload, ensure_ascii=False),
            headers={
                **_vapid_headers(f"{endpoint.scheme}://{endpoint.netloc}"),
                "Urgency": urgency,
                "Topic": topic,
            },
            ttl=ttl,
            content_encoding="aes128gcm",
            timeout=PUSH_TIMEOUT_S,
        )
        if resp.status_code >= 400:
            raise WebPushException("push refused", response=resp)
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        return PushResult(
            False,
            gone=status in (404, 410),
            retry=status == 429 or (status or 0) >= 500,
            status=status,
            after=_retry_after(getattr(exc.response, "headers", None)),
        )
    except EndpointRefused:
        return PushResult(False, gone=True)  # its name now points inside the network
    except (requests.RequestException, urllib3.exceptions.HTTPError, http.client.HTTPException, OSError):
        return PushResult(False, retry=True)
    if 300 <= resp.status_code < 400:
        return PushResult(False, status=resp.status_code)  # a redirect is not followed
    return PushResult(True, status=resp.status_code)


def _retry_after(headers) -> float | None:
    """Retry-After in seconds (RFC 9110: a number of seconds, or an HTTP date)."""
    raw = (headers or {}).get("Retry-After") or (headers or {}).get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        from email.utils import parsedate_to_datetime

        return max(0.0, (parsedate_to_datetime(raw) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


# ---- SMS and voice ----------------------------------------------------------------------------


def sign(body: bytes) -> str:
    secret = current_app.config["DELIVERY_WEBHOOK_SECRET"].encode()
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def signature_ok(body: bytes, header: str | None) -> bool:
    return bool(current_app.config["DELIVERY_WEBHOOK_SECRET"]) and hmac.compare_digest(
        sign(body), header or ""
    )


def render(template: str, params: dict) -> str:
    text = current_app.config["MESSAGE_TEMPLATES"][template]
    return text.format(**params)


def send_sms(message_id: str, to: str, template: str, params: dict) -> bool:
    return _gateway(
        "SMS", message_id, {"id": message_id, "to": to, "text": render(template, params)}, template, params
    )


def call_voice(message_id: str, to: str, template: str, params: dict) -> bool:
    body = {
        "id": message_id,
        "to": to,
        "text": render(template + "_voice", params),
        "choices": {"1": "accept", "2": "decline"},
    }
    return _gateway("VOICE", message_id, body, template, params)


def _gateway_session() -> requests.Session:
    """Kept-alive connections to the SMS / voice gateway, shared by the sending threads: a new
    connection per message made a 10,000-resident warning's SMS take twice as long."""
    session = current_app.extensions.get("gateway_http")
    if session is None:
        size = current_app.config.get("DELIVERY_CONCURRENCY", 16)
        session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=size, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        current_app.extensions["gateway_http"] = session
    return session


def _gateway(kind: str, message_id: str, body: dict, template: str, params: dict) -> bool:
    backend = current_app.config[f"{kind}_BACKEND"]
    if backend == "log":
        # Development: say that a message went, not to whom or what (no personal data in logs).
        log.info("%s %s via log backend (template %s)", kind.lower(), message_id, template)
        current_app.extensions.setdefault("sent_log", []).append((kind, body))
        return True
    if backend in providers.BACKENDS:
        # A provider takes an approved template's code and its parameters, not our text.
        return providers.send(backend, kind, message_id, body["to"], template, params, GATEWAY_TIMEOUT_S)
    if backend != "http":
        raise RuntimeError(f"unknown {kind}_BACKEND {backend!r}")
    raw = json.dumps(body, ensure_ascii=False).encode()
    try:
        resp = _gateway_session().post(
            current_app.config[f"{kind}_GATEWAY_URL"],
            data=raw,
            headers={"Content-Type": "application/json", "X-Signature": sign(raw)},
            timeout=GATEWAY_TIMEOUT_S,
            allow_redirects=False,
        )
    except requests.RequestException:
        return False
    return 200 <= resp.status_code < 300
