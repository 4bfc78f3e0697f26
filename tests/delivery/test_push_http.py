"""How a push leaves the server: on kept-alive connections, never following a redirect, and never
to a private address, even when a push service's name resolves there after it was checked."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from server.delivery import channels

PAYLOAD = {"type": "dispatch", "id": "d-1", "title": "河堤管涌抢险"}


class PushService:
    """HTTP/1.1 with keep-alive; counts connections; answers `status` (and `location`)."""

    def __init__(self):
        self.requests, self.connections, self.status, self.location = [], 0, 201, None
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                service.connections += 1
                super().setup()

            def do_POST(self):  # noqa: N802 - http.server's name
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service.requests.append(self.path)
                self.send_response(service.status)
                if service.location:
                    self.send_header("Location", service.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def services():
    made = [PushService(), PushService()]
    yield made
    for s in made:
        s.stop()


@pytest.fixture()
def sending(app):
    def drop():
        pool = app.extensions.pop("push_http", None)
        if pool is not None:
            pool.close()

    with app.app_context():
        drop()  # a fresh connection pool for each test
        yield
        drop()


def _sub(browser_keys, endpoint):
    return SimpleNamespace(endpoint=endpoint, p256dh=browser_keys["p256dh"], auth=browser_keys["auth"])


def _send(sub):
    return channels.send_push(sub, PAYLOAD, topic="dispatch-d-1", ttl=3600)


def test_pushes_to_one_service_share_a_kept_alive_connection(services, sending, browser_keys):
    service = services[0]
    results = [_send(_sub(browser_keys, f"{service.url}/p/{i}")) for i in range(5)]
    assert all(r.ok for r in results)
    assert service.requests == [f"/p/{i}" for i in range(5)]
    assert service.connections == 1


def test_a_connection_the_service_closed_is_replaced_and_the_push_still_goes(services, sending, browser_keys):
    service = services[0]
    assert _send(_sub(browser_keys, f"{service.url}/p/a")).ok
    # The service drops its idle connections (as push services do after a while).
    for conn in channels._session().idle[("http", "127.0.0.1", service.server.server_address[1])]:  # noqa: SLF001
        conn.sock.shutdown(socket.SHUT_RDWR)
    assert _send(_sub(browser_keys, f"{service.url}/p/b")).ok
    assert service.requests == ["/p/a", "/p/b"]


def test_a_redirect_is_not_followed(services, sending, browser_keys):
    first, elsewhere = services
    first.status, first.location = 307, f"{elsewhere.url}/stolen"
    result = _send(_sub(browser_keys, f"{first.url}/p/1"))
    assert not result.ok and result.status == 307
    assert elsewhere.requests == []


@pytest.fixture()
def listed_host(app):
    app.config["PUSH_ALLOWED_HOSTS"] = [*app.config["PUSH_ALLOWED_HOSTS"], "push.example.test"]
    yield "push.example.test"
    app.config["PUSH_ALLOWED_HOSTS"] = app.config["PUSH_ALLOWED_HOSTS"][:-1]


def _dns(monkeypatch, answers):
    """push.example.test resolves to each of `answers` in turn (the last one from then on); no
    connection really leaves: connect() records where it would have gone."""
    real_getaddrinfo, asked, connects = socket.getaddrinfo, [], []

    def resolve(host, port, *args, **kwargs):
        if host != "push.example.test":
            return real_getaddrinfo(host, port, *args, **kwargs)
        ip = answers[min(len(asked), len(answers) - 1)]
        asked.append(ip)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]

    def connect(sock, address):
        connects.append(address[0])
        raise ConnectionRefusedError("not in a test")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(socket.socket, "connect", connect)
    return connects


def test_a_connection_goes_only_to_the_address_that_was_checked(
    listed_host, sending, browser_keys, monkeypatch
):
    """DNS rebinding: the name answers a public address once, then 10.0.0.7. Whatever was
    checked is where the connection goes; the private answer is never connected to."""
    connects = _dns(monkeypatch, ["142.250.1.1", "10.0.0.7"])
    result = _send(_sub(browser_keys, f"https://{listed_host}/p/1"))
    assert not result.ok and result.retry  # the (fake) public address refused: try later
    assert connects == ["142.250.1.1"]


def test_a_name_that_resolves_to_a_private_address_is_refused(
    listed_host, sending, browser_keys, monkeypatch
):
    connects = _dns(monkeypatch, ["10.0.0.7"])
    result = _send(_sub(browser_keys, f"https://{listed_host}/p/1"))
    assert not result.ok and result.gone
    assert connects == []
