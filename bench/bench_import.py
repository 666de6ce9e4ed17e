"""Import throughput: N valid enterprise rows as CSV (UTF-8) and xlsx through registry.importing.import_file.

Prints rows/s for the whole import (validation pass + write pass, each also on its own) and peak memory.
Not a test: it prints figures and never fails on them. See bench/README.md.

    python bench/bench_import.py                 # 100 000 rows, CSV and xlsx
    python bench/bench_import.py --rows 5000     # quick check
    python bench/bench_import.py --formats csv   # CSV only
    DATABASE_URL=postgres://... python bench/bench_import.py   # fresh test_<db> on that server
"""

from __future__ import annotations

import argparse
import csv
import gc
import random
import time
import tracemalloc
from pathlib import Path
from typing import Any

import _common

CSV_TARGET_ROWS_PER_S = 20_000

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋"
            "蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰文斌海波宁鹏飞亮凤琴辉婷"
TRADE_NAMES = ("辽河", "盘锦", "鑫源", "宏达", "华信", "兴隆", "东方", "金海", "瑞丰", "恒通", "北方", "润泽", "苇海",
               "红海滩", "双台子", "中润", "天成", "盛达", "永安", "嘉禾")
KINDS = ("化工", "石化", "物流", "建材", "机械", "粮油", "农业科技", "商贸", "燃气", "油田技术服务", "米业", "水产")
FORMS = ("有限公司", "有限责任公司", "股份有限公司", "分公司")
ROADS = ("兴盘路", "中华路", "惠宾大街", "石油大街", "双兴路", "府前路", "渤海路", "辽河路")

HEADERS = ["企业名称", "统一社会信用代码", "行业", "规模", "危化品类别", "位于化工园区", "从业人数", "法定代表人",
           "安全负责人", "安全负责人电话", "所在乡镇/村", "地址", "经度", "纬度", "主管部门"]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _points_by_town(rng: random.Random, per_town: int) -> dict[str, list[tuple[float, float]]]:
    """Random points inside each township polygon (so lon/lat agree with the township column)."""
    import shapely

    from yingji.core import demo_geography

    polygons = demo_geography.township_polygons()
    names = {s["code"]: s["name"] for s in demo_geography.township_seats()}
    out: dict[str, list[tuple[float, float]]] = {}
    for code, poly in polygons.items():
        shapely.prepare(poly)
        minx, miny, maxx, maxy = poly.bounds
        pts: list[tuple[float, float]] = []
        while len(pts) < per_town:
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if shapely.contains_xy(poly, x, y):
                pts.append((round(x, 6), round(y, 6)))
        out[names[code]] = pts
    return out


def generate_rows(n: int, seed: int = 20240601, code_offset: int = 0) -> Any:
    """Yield n valid enterprise rows (lists of strings, in HEADERS order)."""
    from yingji.core.credit_code import make_credit_code
    from yingji.core.models import AdminArea, AreaLevel
    from yingji.registry.choices import EnterpriseScale, HazardCategory, Industry

    rng = random.Random(seed)
    towns = list(AdminArea.objects.filter(level=AreaLevel.TOWNSHIP).values_list("name", flat=True))
    points = _points_by_town(rng, 500)
    industries = [str(label) for _, label in Industry.choices]
    scales = [str(label) for _, label in EnterpriseScale.choices]
    hazards = [str(label) for _, label in HazardCategory.choices]
    for i in range(n):
        town = towns[i % len(towns)]
        lon, lat = rng.choice(points[town])
        short = town.removesuffix("镇").removesuffix("街道").removesuffix("乡")
        yield [
            f"盘锦{rng.choice(TRADE_NAMES)}{rng.choice(KINDS)}{rng.choice(FORMS)}（{short}{i + 1}号）",
            make_credit_code(f"91211122{code_offset + i:09d}"),
            rng.choice(industries),
            rng.choice(scales),
            rng.choice(hazards),
            rng.choice(("是", "否", "否", "否")),
            str(rng.randint(3, 2000)),
            _person(rng),
            _person(rng),
            f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}",
            town,
            f"盘山县{town}{rng.choice(ROADS)}{rng.randint(1, 999)}号",
            f"{lon:.6f}",
            f"{lat:.6f}",
            "应急管理局",
        ]


def write_csv(path: Path, n: int, code_offset: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADERS)
        w.writerows(generate_rows(n, code_offset=code_offset))


def write_xlsx(path: Path, n: int, code_offset: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业名单")
    ws.append(HEADERS)
    for row in generate_rows(n, code_offset=code_offset):
        row[6] = int(row[6])  # numbers as numbers, the way Excel stores them
        row[12], row[13] = float(row[12]), float(row[13])
        ws.append(row)
    wb.save(path)


def clear_enterprises() -> None:
    """Empty the table between runs without Django's cascade collector (nothing references the rows)."""
    from yingji.registry.models import Enterprise

    Enterprise.objects.all()._raw_delete(using="default")


def run_import(path: Path, actor: Any, *, trace: bool) -> dict[str, Any]:
    from yingji.registry.importing import import_file
    from yingji.registry.resources import spec_for

    spec = spec_for("enterprises")
    assert spec is not None
    marks: dict[str, float] = {}

    def progress(phase: str, n: int) -> None:
        marks[phase] = time.perf_counter()

    gc.collect()
    rss_before = _common.maxrss_mb()
    if trace:
        tracemalloc.start()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    with path.open("rb") as f:
        outcome = import_file(spec, f, path.name, actor=actor, dry_run=False, progress=progress)
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024 if trace else None
    if trace:
        tracemalloc.stop()
    rss_delta = _common.maxrss_mb() - rss_before
    if outcome.error_count or outcome.written != outcome.total_rows:
        raise SystemExit(f"import failed: {outcome.message} {outcome.errors[:5]}")
    validate_s = marks.get("validate", t0) - t0
    return {
        "rows": outcome.written, "seconds": elapsed, "cpu_s": cpu,
        "validate_s": validate_s, "write_s": elapsed - validate_s,
        "peak_mb": peak, "rss_delta_mb": rss_delta,
    }


def isolated(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run fn in a forked child so its peak RSS is its own, not the file generator's; return its result."""
    import os
    import pickle

    from django.db import connections

    connections.close_all()  # the child opens its own connection
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        status = 0
        try:
            payload = pickle.dumps(("ok", fn(*args, **kwargs)))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which re-raises
            payload, status = pickle.dumps(("error", repr(exc))), 1
        with os.fdopen(write_fd, "wb") as w:
            w.write(payload)
        os._exit(status)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as r:
        data = r.read()
    os.waitpid(pid, 0)
    kind, value = pickle.loads(data)  # noqa: S301 - from our own child process
    if kind != "ok":
        raise SystemExit(f"import run failed: {value}")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="rows per file (default 100 000)")
    parser.add_argument("--formats", default="csv,xlsx", help="comma-separated: csv, xlsx (default both)")
    parser.add_argument("--no-memory", action="store_true",
                        help="skip the second, tracemalloc-instrumented run of each file")
    parser.add_argument("--profile", action="store_true", help="cProfile the CSV import and print the top entries")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (files and database)")
    args = parser.parse_args()
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]

    env = _common.setup_django("bench-import", keep=args.keep)
    from yingji.registry.models import Enterprise

    actor = _common.county_admin()
    print(f"Yingji import benchmark — {args.rows:,} enterprise rows, database {_common.db_label()}")
    print(f"temp dir: {env.tmp}")

    files: dict[str, Path] = {}
    for fmt in formats:
        path = env.tmp / f"enterprises.{fmt}"
        t = time.perf_counter()
        (write_csv if fmt == "csv" else write_xlsx)(path, args.rows, 0)
        files[fmt] = path
        print(f"generated {path.name}: {path.stat().st_size / 1024 / 1024:.1f} MB in {time.perf_counter() - t:.1f} s")

    results: dict[str, dict[str, Any]] = {}
    for fmt, path in files.items():
        clear_enterprises()
        if args.profile and fmt == "csv":
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.enable()
            r = run_import(path, actor, trace=False)
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(35)
            pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        else:
            r = isolated(run_import, path, actor, trace=False)
        assert Enterprise.objects.count() == args.rows
        if not args.no_memory:
            clear_enterprises()
            mem = isolated(run_import, path, actor, trace=True)
            r["peak_mb"] = mem["peak_mb"]
        results[fmt] = r

    print()
    print(f"{'file':6} {'rows':>8} {'total s':>8} {'cpu s':>6} {'rows/s':>8} {'rows/cpu-s':>10} "
          f"{'validate rows/s':>16} {'write rows/s':>13} {'tracemalloc peak':>17} {'maxrss delta':>13}")
    for fmt, r in results.items():
        peak = "-" if r["peak_mb"] is None else f"{r['peak_mb']:.1f} MB"
        print(f"{fmt:6} {r['rows']:>8,} {r['seconds']:>8.2f} {r['cpu_s']:>6.2f} {r['rows'] / r['seconds']:>8,.0f} "
              f"{r['rows'] / r['cpu_s']:>10,.0f} "
              f"{r['rows'] / r['validate_s']:>16,.0f} {r['rows'] / r['write_s']:>13,.0f} {peak:>17} "
              f"{r['rss_delta_mb']:>10.1f} MB")
    if "csv" in results:
        rate = results["csv"]["rows"] / results["csv"]["seconds"]
        ok = _common.verdict(rate >= CSV_TARGET_ROWS_PER_S)
        print(f"\nCSV target ≥ {CSV_TARGET_ROWS_PER_S:,} rows/s: {rate:,.0f} rows/s — {ok}")
    print("rows/s = rows / whole import_file(dry_run=False), wall clock; rows/cpu-s uses this process's CPU time")
    print("(steadier on a busy machine). 'validate'/'write' split the wall time at the end of pass one. Each import")
    print("runs in a forked child: maxrss delta is that child's peak RSS minus its RSS at the fork.")


if __name__ == "__main__":
    main()
