"""Benchmark: grading 10 000 enterprises' units (target < 5 s) and the ledger balance over 1 000 000
movements (target < 10 s, memory bounded). Prints its figures; never fails on them.

    .venv/bin/python bench/bench_hazmat.py [--enterprises 10000] [--movements 1000000] [--keep]
"""

from __future__ import annotations

import argparse
import random
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from _common import county_admin, db_label, maxrss_mb, setup_django, verdict

SEED = "yingji-bench-hazmat"
# Unit recipes: (kind, [(substance, low t, high t)]) — a mix of non-major units and every grade.
RECIPES = (
    ("storage", [("液化石油气", 20, 2000)]),
    ("storage", [("汽油", 50, 8000), ("柴油", 500, 20000)]),
    ("production", [("氯", 0.5, 40), ("苯", 5, 200)]),
    ("storage", [("氨", 2, 200)]),
    ("production", [("甲醇", 50, 3000), ("甲苯", 20, 2000)]),
    ("storage", [("原油", 1000, 100000, "W5.3")]),
)
KINDS = ("production", "purchase", "transfer_out", "use", "disposal", "transfer_in")


def _enterprises(n: int) -> list[int]:
    from yingji.core.credit_code import make_credit_code
    from yingji.registry.models import Enterprise

    rows = [Enterprise(name=f"压测企业{i:05d}有限公司", credit_code=make_credit_code(f"91211122MA{i:07d}"),
                       hazard_category="storage", in_chemical_park=True, is_demo=True) for i in range(n)]
    Enterprise.objects.bulk_create(rows, batch_size=2000)
    return list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))


def _units(enterprises: list[int], rng: random.Random) -> int:
    from yingji.hazmat.models import HazardUnit, UnitInventory

    units, stock = [], []
    for e in enterprises:
        for n in range(2):
            kind, rows = RECIPES[rng.randrange(len(RECIPES))]
            unit = HazardUnit(enterprise_id=e, name=f"单元{n + 1}", kind=kind, exposed_population=rng.randint(0, 300),
                              is_demo=True)
            units.append(unit)
            stock.append([(r[0], round(rng.uniform(r[1], r[2]), 1), r[3] if len(r) > 3 else "") for r in rows])
    HazardUnit.objects.bulk_create(units, batch_size=2000)
    UnitInventory.objects.bulk_create([UnitInventory(unit=u, substance=s, max_quantity_t=q, category=c)
                                       for u, rows in zip(units, stock, strict=True) for s, q, c in rows],
                                      batch_size=5000)
    return len(units)


def bench_grading(n_enterprises: int) -> None:
    from yingji.hazmat.catalogue import current_catalogue
    from yingji.hazmat.grading import Holding, evaluate_unit
    from yingji.hazmat.models import HazardUnit
    from yingji.hazmat.regrade import regrade_all

    rng = random.Random(SEED)
    t = time.perf_counter()
    n_units = _units(_enterprises(n_enterprises), rng)
    print(f"  set-up: {n_enterprises} enterprises, {n_units} units in {time.perf_counter() - t:.1f} s")
    catalogue = current_catalogue()
    loaded = [(u.name, u.exposed_population, [Holding(i.substance, i.max_quantity_t, i.category or None)
                                              for i in u.inventory.all()])
              for u in HazardUnit.objects.prefetch_related("inventory")]
    t, cpu = time.perf_counter(), time.process_time()
    results = [evaluate_unit(name, people, rows, catalogue) for name, people, rows in loaded]
    pure, pure_cpu = time.perf_counter() - t, time.process_time() - cpu
    grades = sorted({r.grade for r in results if r.grade is not None})
    print(f"  evaluate_unit, in memory: {len(results)} units in {pure:.2f} s ({pure_cpu:.2f} s CPU), "
          f"{len(results) / pure:,.0f} units/s; grades present {grades}")
    for run in ("first (every grade set)", "second (nothing changes)"):
        t, cpu = time.perf_counter(), time.process_time()
        summary = regrade_all(actor=county_admin())
        wall, cpu_s = time.perf_counter() - t, time.process_time() - cpu
        print(f"  regrade_all, {run}: {summary['units']} units, {summary['grade_changed']} grades changed, in "
              f"{wall:.2f} s ({cpu_s:.2f} s CPU) — target < 5 s: {verdict(wall < 5)}")


def _movements(n: int, rng: random.Random, t0: datetime) -> tuple[int, int]:
    """Raw executemany (set-up speed only): n movements over 30 days for ~n/100 enterprise–chemical pairs."""
    from django.db import connection, transaction

    from yingji.hazmat.models import Chemical, Movement, Stocktake
    from yingji.registry.models import Enterprise

    names = ["汽油", "柴油", "甲醇", "苯", "氯"]
    chemicals = list(Chemical.objects.filter(name__in=names).values_list("pk", flat=True))
    enterprises = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True)[: max(1, n // 500)])
    pairs = [(e, c) for e in enterprises for c in chemicals]
    table = Movement._meta.db_table
    columns = ("enterprise_id", "chemical_id", "kind", "status", "quantity_t", "occurred_at", "counterpart_name",
               "counterpart_credit_code", "note", "recorded_at")
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    now = datetime.now(UTC)
    with transaction.atomic(), connection.cursor() as cursor:
        batch = []
        for i in range(n):
            e, c = pairs[i % len(pairs)]
            kind = KINDS[rng.randrange(len(KINDS))]
            batch.append((e, c, kind, "confirmed", str(Decimal(rng.randint(1, 50_000)) / 1000),
                          t0 + timedelta(seconds=1 + rng.randrange(30 * 86400 - 2)), "", "", "", now))
            if len(batch) == 20_000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
        Stocktake.objects.bulk_create(
            [Stocktake(enterprise_id=e, chemical_id=c, counted_at=t0, quantity_t=Decimal(5000)) for e, c in pairs]
            + [Stocktake(enterprise_id=e, chemical_id=c, counted_at=t0 + timedelta(days=30),
                         quantity_t=Decimal(5000 + rng.randint(-500, 500))) for e, c in pairs], batch_size=5000)
    return len(pairs), n


def bench_ledger(n_movements: int, memory: bool) -> None:
    from django.db.models import Count

    from yingji.hazmat.ledger_checks import tolerance_percent
    from yingji.hazmat.ledger_queries import county_report, period_sums
    from yingji.hazmat.models import Movement

    rng = random.Random(SEED)
    t0 = datetime(2026, 10, 1, tzinfo=UTC)
    t = time.perf_counter()
    pairs, n = _movements(n_movements, rng, t0)
    print(f"  set-up: {n:,} movements over {pairs:,} enterprise–chemical pairs in {time.perf_counter() - t:.1f} s")
    admin = county_admin()
    end = t0 + timedelta(days=30)
    t, cpu = time.perf_counter(), time.process_time()
    rows = county_report(admin, t0, end, tolerance_percent())
    wall, cpu_s = time.perf_counter() - t, time.process_time() - cpu
    flagged = sum(1 for r in rows if r.balance is not None and not r.balance.within_tolerance)
    print(f"  county_report (two grouped queries): {len(rows):,} balances over {n:,} movements "
          f"in {wall:.2f} s ({cpu_s:.2f} s CPU), {flagged:,} outside tolerance — target < 10 s: {verdict(wall < 10)}")
    busiest = (Movement.objects.values("enterprise_id", "chemical_id").annotate(n=Count("pk")).order_by("-n")
               .first())
    if busiest:
        t = time.perf_counter()
        period_sums(busiest["enterprise_id"], busiest["chemical_id"], t0, end)
        print(f"  period_sums of one pair ({busiest['n']} movements, GROUP BY on the ledger index): "
              f"{(time.perf_counter() - t) * 1000:.1f} ms")
    if memory:
        tracemalloc.start()
        county_report(admin, t0, end, tolerance_percent())
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  tracemalloc peak of county_report: {peak / 1024 / 1024:.1f} MiB "
              f"({peak / max(1, len(rows)):,.0f} B per pair)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--movements", type=int, default=1_000_000)
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    setup_django("hazmat", keep=args.keep)
    print(f"bench_hazmat on {db_label()}")
    print(f"Grading {args.enterprises:,} enterprises with two units each")
    bench_grading(args.enterprises)
    print(f"Ledger balance over {args.movements:,} movements")
    bench_ledger(args.movements, not args.no_memory)
    print(f"  ru_maxrss of the whole run: {maxrss_mb():.0f} MiB")


if __name__ == "__main__":
    main()
