"""Notification cost: queueing notices with `notify()` and sending them with `send_due()`.

Prints notices/s queued (each inside its own transaction, as a domain service calls it) and deliveries/s
sent to a local HTTP robot and to the in-app inbox, by one worker and by several workers at once.

    python bench/bench_notify.py                  # 2 000 notices
    python bench/bench_notify.py --notices 300    # quick check
    DATABASE_URL=postgres://... python bench/bench_notify.py
"""

from __future__ import annotations

import argparse
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from _common import county_admin, db_label, setup_django


class Robot(BaseHTTPRequestHandler):
    """Answers like a DingTalk / WeCom robot, at once."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b'{"errcode":0,"errmsg":"ok"}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    setup_django("notify", keep=args.keep)

    from django.db import connection, transaction

    from yingji.core.models import User
    from yingji.notify import sending, services
    from yingji.notify.models import Delivery
    from yingji.notify.services import Notice, RecipientSpec

    admin = county_admin()
    users = [User.objects.create(username=f"bench_user_{i}", department=admin.department) for i in range(9)]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Robot)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/robot/send?access_token=t"
    ding = services.create_channel({"name": "钉钉", "kind": "dingtalk", "url": url, "secret": "SECbench"}, [],
                                   actor=admin)
    wecom = services.create_channel({"name": "企业微信", "kind": "wecom", "url": url}, [], actor=admin)
    inapp = services.create_channel({"name": "站内", "kind": "inapp"}, [RecipientSpec(department=admin.department_id)],
                                    actor=admin)
    services.create_rule({"name": "报警", "domain": "monitoring", "kinds": ["raised"]}, [ding.pk, wecom.pk],
                         actor=admin)
    services.create_rule({"name": "二级", "domain": "monitoring", "min_level": 3}, [inapp.pk], actor=admin)
    for i in range(3):  # rules that do not match, as a county would have
        services.create_rule({"name": f"其他 {i}", "domain": "hazmat", "area_prefix": "211122001"}, [inapp.pk],
                             actor=admin)
    print(f"database: {db_label()}; {len(users) + 1} in-app recipients, 5 rules")

    started = time.perf_counter()
    for i in range(args.notices):
        with transaction.atomic():
            services.notify(Notice(domain="monitoring", kind="raised", level=2 + i % 2, title=f"报警 {i}",
                                   body="可燃气体 30 %LEL", source_key=f"bench:{i}", area_code="211122001"))
    elapsed = time.perf_counter() - started
    queued = Delivery.objects.count()
    print(f"notify(): {args.notices / elapsed:,.0f} notices/s, {queued / elapsed:,.0f} deliveries queued/s "
          f"({queued} deliveries, {elapsed * 1000 / args.notices:.2f} ms per notice)")
    again = time.perf_counter()
    for i in range(min(args.notices, 500)):
        with transaction.atomic():
            services.notify(Notice(domain="monitoring", kind="raised", level=2, title="重复", source_key=f"bench:{i}"))
    print(f"notify() of an already-queued source: {(time.perf_counter() - again) * 1000 / min(args.notices, 500):.2f}"
          f" ms per notice, {Delivery.objects.count() - queued} new deliveries")

    half = list(Delivery.objects.order_by("pk").values_list("pk", flat=True)[: queued // 2])
    Delivery.objects.exclude(pk__in=half).update(claimed_by="held", claimed_until="2999-01-01T00:00:00Z")
    started = time.perf_counter()
    report = sending.send_due()
    elapsed = time.perf_counter() - started
    print(f"send_due(), 1 worker: {report.sent / elapsed:,.0f} deliveries/s ({report.sent} sent, "
          f"{report.failed + report.dead} failed)")

    Delivery.objects.filter(claimed_by="held").update(claimed_by="", claimed_until=None)
    reports: list[Any] = []

    def work(n: int) -> None:
        try:
            reports.append(sending.send_due(worker=f"w{n}", limit=50))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(args.workers)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    sent = sum(r.sent for r in reports)
    print(f"send_due(), {args.workers} workers at once: {sent / elapsed:,.0f} deliveries/s ({sent} sent, "
          f"{sum(r.failed + r.dead for r in reports)} failed); "
          f"{Delivery.objects.filter(status='sent').count()} of {queued} sent in all")
    server.shutdown()


if __name__ == "__main__":
    main()
