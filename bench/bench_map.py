"""Map load: GET /api/v1/map/layers/<slug> with N points, then the real map page in headless Chromium.

1. N rescue teams (is_demo=True, points inside the county's townships) are bulk-created in a fresh database;
   the layer endpoint is timed through django.test.Client as a county admin: median / p95 ms and bytes.
2. If /usr/bin/chromium and Playwright are available, `yingji serve` is started on a free port against the
   same database, Chromium signs in (password + TOTP, as a county admin must) and opens the map page; the
   figure is the time from navigation until window.yingjiMapReady === true (basemap plus every layer drawn).

Not a test: it prints figures and never fails on them. See bench/README.md.

    python bench/bench_map.py               # 50 000 points
    python bench/bench_map.py --rows 2000   # quick check
    python bench/bench_map.py --no-browser  # API only
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import _common

API_TARGET_MS = 300
PAGE_TARGET_S = 2.0
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
SLUG = "rescue-teams"


def load_points(n: int) -> None:
    """n rescue teams spread over the 14 townships, each point inside its township's polygon."""
    import shapely

    from yingji.core import demo_geography
    from yingji.core.models import AdminArea, AreaLevel
    from yingji.registry.choices import ReadinessStatus, TeamType
    from yingji.registry.models import RescueTeam

    rng = random.Random(7)
    towns = dict(AdminArea.objects.filter(level=AreaLevel.TOWNSHIP).values_list("code", "id"))
    polygons = demo_geography.township_polygons()
    names = {s["code"]: s["name"] for s in demo_geography.township_seats()}
    dept = _common.county_admin().department_id
    team_types = [v for v, _ in TeamType.choices]
    statuses = [v for v, _ in ReadinessStatus.choices]
    codes = sorted(polygons)
    batch: list[Any] = []
    for i in range(n):
        code = codes[i % len(codes)]
        poly = polygons[code]
        minx, miny, maxx, maxy = poly.bounds
        while True:
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if shapely.contains_xy(poly, x, y):
                break
        batch.append(RescueTeam(
            name=f"{names[code]}第{i + 1}应急救援分队", team_type=rng.choice(team_types), members=rng.randint(5, 60),
            status=rng.choice(statuses), leader="张队长", phone="13800000000", admin_area_id=towns[code],
            owner_department_id=dept, longitude=round(x, 6), latitude=round(y, 6), is_demo=True,
        ))
        if len(batch) >= 5000:
            RescueTeam.objects.bulk_create(batch, batch_size=5000)
            batch = []
    if batch:
        RescueTeam.objects.bulk_create(batch, batch_size=5000)


def bench_api(runs: int, fmt: str, profile: bool = False) -> dict[str, Any]:
    """Time GET /api/v1/map/layers/<slug>?format=<fmt> through django.test.Client (one warm-up, then `runs`)."""
    import gzip

    import orjson
    from django.test import Client

    client = Client()
    client.force_login(_common.county_admin())
    url = f"/api/v1/map/layers/{SLUG}?format={fmt}"
    first = client.get(url)
    if first.status_code != 200:
        raise SystemExit(f"GET {url} answered {first.status_code}: {first.content[:300]!r}")
    times, cpu = [], []
    body = b""
    for _ in range(runs):
        c, t = time.process_time(), time.perf_counter()
        resp = client.get(url)
        body = resp.content
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    data = orjson.loads(body)
    features = int(data["count"]) if fmt == "compact" else len(data["features"])
    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        client.get(url)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(20)
    t = time.perf_counter()
    client.get("/api/v1/map/layers")
    list_ms = (time.perf_counter() - t) * 1000
    return {"times": times, "cpu": cpu, "bytes": len(body), "gzip_bytes": len(gzip.compress(body, 6)),
            "features": features, "list_ms": list_ms}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 - our own local server
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _proc_tree_cpu(root: int, *, prune: int | None = None, include_root: bool = True) -> float:
    """CPU seconds (user + system, including reaped children) of `root` and its descendants, from /proc,
    leaving out the subtree of `prune` (and `root` itself unless include_root)."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2:].split()  # the command name may hold spaces
        pid = int(entry)
        stats[pid] = fields
        children.setdefault(int(fields[1]), []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        if pid == prune:
            continue
        todo.extend(children.get(pid, []))
        if pid in stats and (include_root or pid != root):
            f = stats[pid]
            total += int(f[11]) + int(f[12]) + int(f[13]) + int(f[14])  # utime stime cutime cstime
    return total / tick


def bench_browser(env: _common.BenchEnv, page_runs: int, map_js: Path | None = None) -> dict[str, Any] | str:
    """Time the map page in Chromium; returns the figures, or a reason why it was skipped."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not found"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    from django.urls import NoReverseMatch, reverse

    try:
        map_path = reverse("dashboard:map")
    except NoReverseMatch:
        return "the map page (dashboard:map) does not exist yet"
    import pyotp

    from yingji.core.models import User

    admin = User.objects.get(username=_common.ADMIN_USERNAME)
    admin.totp_secret, admin.totp_confirmed = pyotp.random_base32(), True
    admin.save(update_fields=["totp_secret", "totp_confirmed"])

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    yingji = shutil.which("yingji", path=str(Path(sys.executable).parent)) or "yingji"
    log = (env.tmp / "server.log").open("wb")
    server_env = {**os.environ, **env.server_env, "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen([yingji, "serve", "--port", str(port)], env=server_env, stdout=log,  # noqa: S603
                              stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(f"{base}/accounts/login/") == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                return f"the server did not start (see {env.tmp / 'server.log'})"
            time.sleep(0.3)
        if _get(f"{base}/static/yingji/map.js") != 200:
            return f"the server does not serve /static/yingji/map.js (see {env.tmp / 'server.log'})"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # bypass_csp: wait_for_function evaluates its predicate, which the page's CSP (no unsafe-eval) forbids
            context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", bypass_csp=True)
            if map_js is not None:  # compare another rendering approach without touching the app
                body = map_js.read_bytes()
                context.route("**/static/yingji/map.js*", lambda route: route.fulfill(
                    status=200, body=body, headers={"Content-Type": "text/javascript", "Cache-Control": "no-store"}))
            page = context.new_page()
            page.goto(f"{base}/accounts/login/?next={map_path}")
            page.fill("#id_username", _common.ADMIN_USERNAME)
            page.fill("#id_password", _common.ADMIN_PASSWORD)
            page.click("form button[type=submit], form input[type=submit]")
            page.wait_for_load_state()
            if "second-factor" in page.url:
                page.fill("#id_code", pyotp.TOTP(admin.totp_secret).now())
                page.click("form button[type=submit], form input[type=submit]")
                page.wait_for_load_state()
            if "/accounts/" in page.url:
                return f"could not sign in (ended at {page.url})"
            times, server_cpu, browser_cpu = [], [], []
            me = os.getpid()
            for _ in range(page_runs):
                s0, b0 = _proc_tree_cpu(server.pid), _proc_tree_cpu(me, prune=server.pid, include_root=False)
                t = time.perf_counter()
                page.goto(f"{base}{map_path}", wait_until="commit")
                page.wait_for_function("window.yingjiMapReady === true || !!window.yingjiMapError", timeout=120_000,
                                       polling=50)
                elapsed = time.perf_counter() - t
                server_cpu.append(_proc_tree_cpu(server.pid) - s0)
                browser_cpu.append(_proc_tree_cpu(me, prune=server.pid, include_root=False) - b0)
                error = page.evaluate("window.yingjiMapError || null")
                if error:
                    return f"the map page reported an error: {error}"
                times.append(elapsed)
            points = page.evaluate(
                "Object.values((window.yingjiMap || {}).layers || {})"
                ".reduce((n, l) => n + (l.count != null ? l.count : (l.features || []).length), 0)"
            )
            browser.close()
        return {"times": times, "server_cpu": server_cpu, "browser_cpu": browser_cpu, "features": points}
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000, help="points in the layer (default 50 000)")
    parser.add_argument("--runs", type=int, default=9, help="timed API requests (default 9)")
    parser.add_argument("--page-runs", type=int, default=3, help="timed page loads (default 3)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium part")
    parser.add_argument("--profile", action="store_true", help="cProfile one layer request and print the top entries")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (database, server log)")
    parser.add_argument("--map-js", type=Path, metavar="FILE",
                        help="serve FILE as /static/yingji/map.js to the browser (to compare rendering approaches)")
    args = parser.parse_args()

    env = _common.setup_django("bench-map", keep=args.keep)
    _common.county_admin()
    print(f"Yingji map benchmark — {args.rows:,} points in the '{SLUG}' layer, database {_common.db_label()}")
    t = time.perf_counter()
    load_points(args.rows)
    print(f"loaded {args.rows:,} rescue teams in {time.perf_counter() - t:.1f} s")

    for fmt, who in (("compact", "what the map page loads"), ("geojson", "the default, for other clients")):
        api = bench_api(args.runs, fmt, args.profile)
        med, p95 = _common.median(api["times"]), _common.percentile(api["times"], 95)
        print(f"\nGET /api/v1/map/layers/{SLUG}?format={fmt} ({who}; django.test.Client, county admin, "
              f"{args.runs} runs after a warm-up)")
        print(f"  features {api['features']:,}, response {api['bytes'] / 1024 / 1024:.2f} MB ({api['bytes']:,} bytes), "
              f"{api['gzip_bytes'] / 1024 / 1024:.2f} MB if gzipped")
        print(f"  median {med:.0f} ms, p95 {p95:.0f} ms, min {min(api['times']):.0f} ms — target < {API_TARGET_MS} ms: "
              f"{_common.verdict(p95 < API_TARGET_MS)}")
        print(f"  CPU time per request: median {_common.median(api['cpu']):.0f} ms (steadier on a busy machine)")
    print(f"  GET /api/v1/map/layers (layer list with counts): {api['list_ms']:.0f} ms")

    if args.no_browser:
        print("\nbrowser: skipped (--no-browser)")
        return
    result = bench_browser(env, args.page_runs, args.map_js)
    if isinstance(result, str):
        print(f"\nbrowser: SKIPPED — {result}")
        return
    times = result["times"]
    variant = f" with map.js from {args.map_js}" if args.map_js else ""
    print(f"\nmap page in Chromium{variant} (yingji serve, navigation → window.yingjiMapReady), {len(times)} loads:")
    print(f"  {', '.join(f'{s:.2f} s' for s in times)}; first {times[0]:.2f} s, median {_common.median(times):.2f} s "
          f"— target < {PAGE_TARGET_S} s: {_common.verdict(_common.median(times) < PAGE_TARGET_S)}")
    print(f"  CPU per load: browser (Chromium + driver) median {_common.median(result['browser_cpu']):.2f} s, "
          f"server median {_common.median(result['server_cpu']):.2f} s")
    print(f"  points indexed on the map: {result['features']:,}")


if __name__ == "__main__":
    main()
