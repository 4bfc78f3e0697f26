"""A real server (gunicorn, its own SQLite file, the demo data, the built PWA) and Debian's
Chromium driven by Playwright at a phone's size."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "test-results" / "screenshots"
PHONE = {"width": 390, "height": 844}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    # PWA_DIST lets a build in another directory be tested (pwa: npx vite build --outDir ...).
    dist = Path(os.environ.get("PWA_DIST", ROOT / "pwa" / "dist"))
    if not (dist / "index.html").exists():
        pytest.exit(f"{dist} is missing: run `make pwa` (make test does) before the browser tests", 3)
    port = _free_port()
    db_file = tmp_path_factory.mktemp("e2e") / "e2e.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db_file}",
        "MEDIA_ROOT": str(db_file.parent / "media"),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "PWA_DIST": str(dist),
        # Every browser of the suite logs in from 127.0.0.1, and the desk's accounts log in dozens
        # of times a minute as the suite runs: both login limits are raised here (what they do is
        # tested in tests/accounts/test_auth.py, on the server alone).
        "LOGIN_ADDRESS_RATE_LIMIT": "600 per minute",
        "LOGIN_RATE_LIMIT": "600 per minute",
    }
    bin_dir = Path(sys.executable).parent
    for args in (["db", "upgrade"], ["demo-data"]):
        subprocess.run(
            [str(bin_dir / "flask"), "--app", "wsgi", *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    log = open(tmp_path_factory.mktemp("log") / "gunicorn.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as resp:
                if resp.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            log.close()
            raise RuntimeError("the server did not come up; see " + log.name)
        time.sleep(0.2)
    yield {"base": base, "db": db_file, "env": env}
    proc.terminate()
    proc.wait(10)
    log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.exit("Chromium is missing: apt-get install chromium fonts-noto-cjk", 3)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture()
def phone(browser, server):
    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=server["base"],
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture()
def shot():
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str):
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture()
def screens():
    """Screenshots as the phone shows them: the first screenful and, when the page scrolls, the
    last one. (A full-page capture draws a sticky bottom bar in mid-page, which no phone does.)"""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str):
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(SHOTS / f"{name}.png"))
        if page.evaluate("document.documentElement.scrollHeight > window.innerHeight + 1"):
            page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
            page.screenshot(path=str(SHOTS / f"{name}-end.png"))
            page.evaluate("window.scrollTo(0, 0)")

    return take
