"""Several workers at once on PostgreSQL (SELECT … FOR UPDATE SKIP LOCKED, then the claim): every delivery
is sent exactly once, however the workers interleave. SQLite's claim-by-update is tested in test_notify_sending."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from tests.integration.notify_support import Endpoint, serve_http
from yingji.notify import sending, services
from yingji.notify.models import Delivery
from yingji.notify.services import Notice

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    yield from serve_http()


def test_concurrent_workers_send_each_delivery_once(people: Any, endpoint: Endpoint) -> None:
    hook = services.create_channel({"name": "对接平台", "kind": "webhook", "url": f"{endpoint.url}/hook"}, [],
                                   actor=people.admin)
    services.create_rule({"name": "全部"}, [hook.pk], actor=people.admin)
    for i in range(40):
        services.notify(Notice(domain="monitoring", kind="raised", level=2, title=f"报警 {i}",
                               source_key=f"monitoring.alarm:{i}:H"))
    endpoint.delay_s = 0.01  # widen the window in which the workers race
    reports: list[sending.SendReport] = []
    start = threading.Barrier(4)

    def work(name: str) -> None:
        start.wait()
        try:
            reports.append(sending.send_due(worker=name, limit=5))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sent = Counter(r.json()["source_key"] for r in endpoint.at("/hook"))
    assert len(sent) == 40 and set(sent.values()) == {1}
    assert sum(r.sent for r in reports) == 40 and set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert sum(1 for r in reports if r.sent) >= 2  # the work was really shared
