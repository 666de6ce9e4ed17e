"""Dual prevention: pure LEC/LS grading, regrading every stored risk point when the county changes its bands,
the county table of /prevention/, and one prevention_tick over many routes and open hidden dangers.

Prints figures; never fails on them. See bench/README.md.

    python bench/bench_prevention.py                  # 500 enterprises × 40 risk points, 3 routes each
    python bench/bench_prevention.py --enterprises 50 # quick check
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

import _common


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=500)
    parser.add_argument("--points", type=int, default=40, help="risk points per enterprise")
    args = parser.parse_args()
    env = _common.setup_django("prevention")
    try:
        run(args.enterprises, args.points)
    finally:
        env.cleanup()


def run(n_enterprises: int, per_enterprise: int) -> None:
    from django.test import Client
    from django.utils import timezone

    from yingji.core.credit_code import make_credit_code
    from yingji.core.models import User
    from yingji.core.roles import Role
    from yingji.prevention.grading import LEC_C, LEC_E, LEC_L, assess
    from yingji.prevention.models import Checkpoint, HiddenDanger, RiskPoint, Route, RouteStop
    from yingji.prevention.services import risks
    from yingji.prevention.services.tick import tick
    from yingji.registry.models import Enterprise

    rng = random.Random(7)
    admin = _common.county_admin()
    print(f"database: {_common.db_label()}")

    factors = [(rng.choice(list(LEC_L)), rng.choice(list(LEC_E)), rng.choice(list(LEC_C))) for _ in range(100_000)]
    start = time.perf_counter()
    for l_, e, c in factors:
        assess("lec", l_, e, c, None)
    elapsed = time.perf_counter() - start
    print(f"pure LEC grading: 100 000 assessments in {elapsed:.2f} s ({100_000 / elapsed:,.0f}/s)")

    firms = Enterprise.objects.bulk_create([
        Enterprise(name=f"压测化工{i}有限公司", credit_code=make_credit_code(f"91211122MA{i:07d}"),
                   longitude=122.0 + i * 1e-4, latitude=41.2) for i in range(n_enterprises)])
    owner = User.objects.create_user("bench_owner", role=Role.ENTERPRISE_OFFICER, enterprise=firms[0])
    config = risks.matrix()
    points = []
    for firm in firms:
        for k in range(per_enterprise):
            l_, e, c = factors[len(points) % len(factors)]
            point = RiskPoint(enterprise=firm, unit_place=f"单元{k // 5}", name=f"风险点{k}", hazard_description="泄漏",
                              method="lec", likelihood=l_, exposure=e, consequence=c, responsible_person="甲",
                              longitude=firm.longitude, latitude=firm.latitude)
            risks.apply_grade(point, config)
            points.append(point)
    RiskPoint.objects.bulk_create(points, batch_size=2000)
    bands = {"lec_red": 240, "lec_orange": 160, "lec_yellow": 70, "lec_lower_inclusive": False, "ls_red": 20,
             "ls_orange": 9, "ls_yellow": 4, "ls_lower_inclusive": True, "source": "bench"}
    start = time.perf_counter()
    risks.set_matrix(bands, actor=admin)
    elapsed = time.perf_counter() - start
    print(f"regrade on band change: {len(points):,} risk points in {elapsed:.2f} s "
          f"(max RSS {_common.maxrss_mb():.0f} MB)")

    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        assert client.get("/prevention/").status_code == 200
        timings.append(time.perf_counter() - start)
    print(f"county table /prevention/ ({n_enterprises} enterprises): median {_common.median(timings) * 1000:.0f} ms")

    today = timezone.localdate()
    HiddenDanger.objects.bulk_create([
        HiddenDanger(enterprise=firms[i % len(firms)], title=f"隐患{i}", description="…",
                     found_on=today - dt.timedelta(20), owner=owner, deadline=today - dt.timedelta(days=1 + i % 10))
        for i in range(n_enterprises * 4)])
    since = timezone.now() - dt.timedelta(days=8)
    for firm in firms:
        checkpoints = Checkpoint.objects.bulk_create([Checkpoint(enterprise=firm, name=f"点{j}", check_items=["正常"])
                                                      for j in range(3)])
        route = Route.objects.create(enterprise=firm, name="日巡", frequency="shift", active_since=since)
        RouteStop.objects.bulk_create([RouteStop(route=route, checkpoint=c, order=j + 1)
                                       for j, c in enumerate(checkpoints)])
    start = time.perf_counter()
    result = tick()
    elapsed = time.perf_counter() - start
    print(f"prevention_tick: {result.escalated} escalations, {result.missed_rounds} missed shift rounds over "
          f"{n_enterprises} routes in {elapsed:.2f} s")
    start = time.perf_counter()
    again = tick()
    print(f"prevention_tick again (nothing new): {again.escalated + again.missed_rounds} flagged in "
          f"{time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
