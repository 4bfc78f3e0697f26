"""`make bench` (frontend): what a cold open of the login page costs a phone, printed, never asserted.

Headless Chromium at 390x844 opens `/` with an empty cache and no service worker, under
Lighthouse's mobile throttling applied through CDP: Network.emulateNetworkConditions with
Lighthouse's "slow 4G" (150 ms RTT, 1.6 Mbps down, 750 kbps up) and
Emulation.setCPUThrottlingRate 4. It reports:

- transferred: the encoded (as sent: compressed where it was) body bytes of every request the
  page made until the network was quiet, from CDP Network events (loadingFinished's byte count
  less the response headers' count); the worker's precache of the other screens runs in its own
  target afterwards and is not in it;
- first contentful paint and largest contentful paint, from the page's own performance entries.

Targets (issue 7): at most 60 KiB transferred, FCP under 1.2 s.

    .venv/bin/python bench/frontend.py                 # the build in pwa/dist
    .venv/bin/python bench/frontend.py --dist DIR      # another build (e.g. an older one)
"""

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

RUNS = 3
SLOW_4G = {
    "offline": False,
    "latency": 150,  # ms, round trip
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,  # bytes/s
    "uploadThroughput": 750 * 1024 / 8,
}
CPU_SLOWDOWN = 4
PHONE = {"width": 390, "height": 844}

_PAINTS = """() => new Promise((resolve) => {
  const fcp = performance.getEntriesByName("first-contentful-paint")[0];
  let lcp = null;
  new PerformanceObserver((list) => {
    const entries = list.getEntries();
    lcp = entries[entries.length - 1].startTime;
  }).observe({ type: "largest-contentful-paint", buffered: true });
  setTimeout(() => resolve({ fcp: fcp ? fcp.startTime : null, lcp }), 100);
})"""


def cold_open(browser, base: str) -> dict:
    """One cold open of the login page; bytes per request and the paint times."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        urls, headers, done = {}, {}, {}
        cdp.on("Network.requestWillBeSent", lambda e: urls.setdefault(e["requestId"], e["request"]["url"]))
        cdp.on(
            "Network.responseReceived",
            lambda e: headers.__setitem__(e["requestId"], e["response"].get("encodedDataLength", 0)),
        )
        cdp.on("Network.loadingFinished", lambda e: done.__setitem__(e["requestId"], e["encodedDataLength"]))
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", SLOW_4G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        page.goto(base + "/", wait_until="load")
        page.get_by_label("用户名").wait_for()
        page.wait_for_load_state("networkidle")
        paints = page.evaluate(_PAINTS)
        bodies = {  # data: URLs (the icon inlined in the HTML) are not on the network
            urls.get(rid, rid): max(0, total - headers.get(rid, 0))
            for rid, total in done.items()
            if not urls.get(rid, "").startswith("data:")
        }
        return {"bodies": bodies, **paints}
    finally:
        context.close()


def bench_frontend(base: str, label: str = "") -> None:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        print("frontend: skipped, Chromium is missing (apt-get install chromium fonts-noto-cjk)")
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            runs = [cold_open(browser, base) for _ in range(RUNS)]
        finally:
            browser.close()
    totals = [sum(r["bodies"].values()) for r in runs]
    fcps = [r["fcp"] for r in runs if r["fcp"] is not None]
    lcps = [r["lcp"] for r in runs if r["lcp"] is not None]
    tag = f" ({label})" if label else ""
    print(
        f"frontend{tag}: cold open of the login page at 390x844, slow 4G (150 ms, 1.6 Mbps down, "
        f"750 kbps up), CPU x{CPU_SLOWDOWN}, median of {RUNS}:"
    )
    print(
        f"frontend{tag}   transferred {statistics.median(totals) / 1024:.1f} KiB in "
        f"{len(runs[-1]['bodies'])} requests (target at most 60 KiB)"
    )
    if fcps:
        print(
            f"frontend{tag}   first contentful paint {statistics.median(fcps):.0f} ms "
            f"(min {min(fcps):.0f}, max {max(fcps):.0f}; target under 1200 ms)"
        )
    if lcps:
        print(f"frontend{tag}   largest contentful paint {statistics.median(lcps):.0f} ms")
    for url, size in sorted(runs[-1]["bodies"].items(), key=lambda kv: -kv[1]):
        print(f"frontend{tag}     {size / 1024:7.1f} KiB  {url.removeprefix(base)}")


def main() -> None:
    import run

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dist", type=Path, default=None, help="the PWA build to serve (default pwa/dist)")
    args = parser.parse_args()
    extra = {"PWA_DIST": str(args.dist.resolve())} if args.dist else {}
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = run._serve(f"sqlite:///{tmp}/bench.sqlite3", extra)
        try:
            bench_frontend(base, str(args.dist) if args.dist else "")
        finally:
            run.stop(proc)


if __name__ == "__main__":
    main()
