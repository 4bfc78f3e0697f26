"""The PWA's files on the wire: precompressed copies chosen by Accept-Encoding, caching that lets
hashed assets stay on the phone and the shell revalidate, and HEAD, ETag and Range intact."""

import gzip
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHELL = "<!doctype html><title>应急通</title><div id=app></div>" * 20
SCRIPT = "export const x = 1;\n" * 200
SW = "self.addEventListener('fetch', () => {});\n" * 50


def _with_copies(path: Path, text: str) -> None:
    """A file and its build copies. The .br copy is marked bytes rather than real brotli (the
    server never decodes it, and Python has no brotli): a test can tell which file was sent."""
    raw = text.encode()
    path.write_bytes(raw)
    path.with_name(path.name + ".gz").write_bytes(gzip.compress(raw))
    path.with_name(path.name + ".br").write_bytes(b"BR:" + path.name.encode())


@pytest.fixture()
def dist(app, tmp_path, monkeypatch):
    (tmp_path / "assets").mkdir()
    _with_copies(tmp_path / "index.html", SHELL)
    _with_copies(tmp_path / "assets" / "index-abc123.js", SCRIPT)
    _with_copies(tmp_path / "sw.js", SW)
    _with_copies(tmp_path / "manifest.webmanifest", '{"name": "应急通", "short_name": "应急通"}' * 10)
    (tmp_path / "assets" / "only-plain-x1.css").write_text("body{margin:0}")
    (tmp_path / "icon-192.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    (tmp_path / "robots.txt").write_bytes((ROOT / "pwa" / "public" / "robots.txt").read_bytes())
    monkeypatch.setitem(app.config, "PWA_DIST", tmp_path)
    return tmp_path


def test_a_browser_that_takes_br_gets_the_brotli_copy(client, dist):
    resp = client.get("/assets/index-abc123.js", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert resp.status_code == 200
    assert resp.headers["Content-Encoding"] == "br"
    assert resp.data == b"BR:index-abc123.js"
    assert resp.headers["Content-Length"] == str(len(resp.data))
    assert resp.mimetype == "text/javascript"
    assert "Accept-Encoding" in resp.headers["Vary"]
    assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_gzip_only_gets_the_gzip_copy_which_is_the_file(client, dist):
    resp = client.get("/assets/index-abc123.js", headers={"Accept-Encoding": "gzip"})
    assert resp.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(resp.data).decode() == SCRIPT
    assert resp.headers["Content-Length"] == str(len(resp.data))
    assert resp.mimetype == "text/javascript"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("br;q=0.5, gzip", "gzip"),  # q-values decide, not the order of preference
        ("gzip;q=0.5, br", "br"),
        ("gzip, br", "br"),  # a tie goes to br, the smaller
        ("*", "br"),
        ("*;q=0.3, br;q=0", "gzip"),
        ("GZIP", "gzip"),
    ],
)
def test_q_values_choose_the_encoding(client, dist, accept, expected):
    resp = client.get("/sw.js", headers={"Accept-Encoding": accept})
    assert resp.headers["Content-Encoding"] == expected


@pytest.mark.parametrize("accept", [None, "identity", "gzip;q=0, br;q=0", "deflate, zstd"])
def test_no_usable_encoding_gets_the_plain_file(client, dist, accept):
    headers = {"Accept-Encoding": accept} if accept is not None else {}
    resp = client.get("/assets/index-abc123.js", headers=headers)
    assert resp.status_code == 200
    assert "Content-Encoding" not in resp.headers
    assert resp.data.decode() == SCRIPT
    assert resp.headers["Content-Length"] == str(len(SCRIPT.encode()))
    assert "Accept-Encoding" in resp.headers["Vary"]


def test_a_file_without_copies_is_sent_plain_even_to_br(client, dist):
    resp = client.get("/assets/only-plain-x1.css", headers={"Accept-Encoding": "br, gzip"})
    assert "Content-Encoding" not in resp.headers
    assert resp.data == b"body{margin:0}"
    assert resp.mimetype == "text/css"
    assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"


# (/s/<code> is the server's own page, never the shell: tests/shelters/test_public_page.py.)
@pytest.mark.parametrize("path", ["/", "/desk/map", "/orders/abc", "/shelters/abc"])
def test_the_shell_is_compressed_and_revalidated_on_every_app_path(client, dist, path):
    resp = client.get(path, headers={"Accept-Encoding": "br"})
    assert resp.status_code == 200
    assert resp.mimetype == "text/html"
    assert resp.headers["Content-Encoding"] == "br"
    assert resp.data == b"BR:index.html"
    assert resp.headers["Cache-Control"] == "no-cache"
    assert "Accept-Encoding" in resp.headers["Vary"]
    plain = client.get(path)
    assert plain.data.decode() == SHELL
    assert "Content-Encoding" not in plain.headers


def test_the_worker_and_the_manifest_revalidate(client, dist):
    sw = client.get("/sw.js", headers={"Accept-Encoding": "gzip"})
    assert sw.headers["Cache-Control"] == "no-cache"
    assert sw.headers["Service-Worker-Allowed"] == "/"
    assert sw.mimetype == "text/javascript"
    assert gzip.decompress(sw.data).decode() == SW
    manifest = client.get("/manifest.webmanifest", headers={"Accept-Encoding": "br"})
    assert manifest.headers["Cache-Control"] == "no-cache"
    assert manifest.mimetype == "application/manifest+json"
    assert manifest.headers["Content-Encoding"] == "br"


def test_each_encoding_has_its_own_etag_and_a_match_answers_304(client, dist):
    path = "/assets/index-abc123.js"
    etags = {}
    for accept in ("br", "gzip", "identity"):
        resp = client.get(path, headers={"Accept-Encoding": accept})
        etags[accept] = resp.headers["ETag"]
        again = client.get(path, headers={"Accept-Encoding": accept, "If-None-Match": etags[accept]})
        assert again.status_code == 304
        assert again.data == b""
    assert len(set(etags.values())) == 3
    # A copy cached as gzip is not the brotli one: that phone gets the br body, not a 304.
    crossed = client.get(path, headers={"Accept-Encoding": "br", "If-None-Match": etags["gzip"]})
    assert crossed.status_code == 200
    assert crossed.headers["Content-Encoding"] == "br"


def test_the_shell_answers_304_to_its_etag(client, dist):
    first = client.get("/", headers={"Accept-Encoding": "gzip"})
    again = client.get("/", headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == "no-cache"


def test_head_gives_the_headers_of_get_without_a_body(client, dist):
    get = client.get("/assets/index-abc123.js", headers={"Accept-Encoding": "gzip"})
    head = client.head("/assets/index-abc123.js", headers={"Accept-Encoding": "gzip"})
    assert head.status_code == 200
    assert head.data == b""
    for name in ("Content-Encoding", "Content-Length", "Content-Type", "ETag", "Vary", "Cache-Control"):
        assert head.headers[name] == get.headers[name]
    shell = client.head("/desk", headers={"Accept-Encoding": "br"})
    assert shell.status_code == 200
    assert shell.headers["Content-Length"] == str(len(b"BR:index.html"))


def test_a_range_request_gets_that_part_of_the_bytes_sent(client, dist):
    plain = client.get("/assets/index-abc123.js", headers={"Range": "bytes=0-9"})
    assert plain.status_code == 206
    assert plain.data == SCRIPT.encode()[:10]
    assert plain.headers["Content-Range"] == f"bytes 0-9/{len(SCRIPT.encode())}"
    brotli = client.get("/assets/index-abc123.js", headers={"Range": "bytes=3-", "Accept-Encoding": "br"})
    assert brotli.status_code == 206
    assert brotli.headers["Content-Encoding"] == "br"
    assert brotli.data == b"index-abc123.js"
    past_end = client.get("/assets/index-abc123.js", headers={"Range": "bytes=999999-"})
    assert past_end.status_code == 416


def test_binary_files_are_sent_as_they_are(client, dist):
    resp = client.get("/icon-192.png", headers={"Accept-Encoding": "br, gzip"})
    assert resp.mimetype == "image/png"
    assert "Content-Encoding" not in resp.headers
    assert resp.headers["Cache-Control"] == "no-cache"


def test_the_compressed_copies_are_not_served_as_files_of_their_own(client, dist):
    resp = client.get("/assets/index-abc123.js.br")
    assert resp.mimetype == "text/html"  # an unknown path: the shell
    assert resp.data.decode() == SHELL


def test_robots_txt_is_text_and_keeps_search_engines_out(client, dist):
    resp = client.get("/robots.txt")
    assert resp.status_code == 200
    assert resp.mimetype == "text/plain"
    lines = [line.strip() for line in resp.data.decode().splitlines()]
    assert "User-agent: *" in lines
    assert "Disallow: /" in lines
    assert not any(line.startswith("Allow:") for line in lines)
