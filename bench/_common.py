"""Shared set-up for the benchmarks: a throw-away database, Django, the county and a county admin.

Import this module *before* anything from Django or yingji: `setup_django()` points the settings at a
fresh SQLite file in a temporary directory (or, when DATABASE_URL is set, at a fresh test database on
that server, e.g. PostgreSQL), migrates it and loads the Panshan admin areas.
"""

from __future__ import annotations

import atexit
import os
import resource
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ADMIN_USERNAME = "bench_admin"
ADMIN_PASSWORD = "Bench-Passw0rd!"  # only ever lives in the throw-away database


class BenchEnv:
    """What setup_django() made: the temp dir, the environment a server subprocess needs, a cleanup."""

    def __init__(self, tmp: Path, keep: bool) -> None:
        self.tmp = tmp
        self.keep = keep
        self.server_env: dict[str, str] = {}
        self._test_db_teardown: Any = None

    def cleanup(self) -> None:
        if self._test_db_teardown is not None:
            teardown, self._test_db_teardown = self._test_db_teardown, None
            teardown()
        if not self.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)


def setup_django(prefix: str, *, keep: bool = False) -> BenchEnv:
    """Configure the environment, django.setup(), migrate a fresh database, load areas."""
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)  # progress shows up even when piped to a file
    tmp = Path(tempfile.mkdtemp(prefix=f"yingji-{prefix}-"))
    env = BenchEnv(tmp, keep)
    external_db = os.environ.get("DATABASE_URL", "")
    os.environ["YINGJI_VAR_DIR"] = str(tmp / "var")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-" + "x" * 40)
    hosts = [h for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]
    os.environ["ALLOWED_HOSTS"] = ",".join(dict.fromkeys([*hosts, "testserver", "localhost", "127.0.0.1"]))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if not external_db:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if external_db:
        # Never touch the real database: Django's test machinery creates test_<name> and drops it later.
        old_name = connection.settings_dict["NAME"]
        test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        env._test_db_teardown = lambda: connection.creation.destroy_test_db(old_name, verbosity=0)
        env.server_env["DATABASE_URL"] = _url_with_db(external_db, test_name)
    else:
        call_command("migrate", verbosity=0, interactive=False)
        env.server_env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    env.server_env.update({k: os.environ[k] for k in ("YINGJI_VAR_DIR", "SECRET_KEY", "ALLOWED_HOSTS")})
    atexit.register(env.cleanup)

    from yingji.core.areas import load_panshan_areas

    load_panshan_areas()
    return env


def _url_with_db(url: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def county_admin() -> Any:
    """A county administrator in the emergency-management department (created once)."""
    from yingji.core.models import Department, User
    from yingji.core.roles import Role

    dept, _ = Department.objects.get_or_create(code="yjj", defaults={"name": "应急管理局"})
    user = User.objects.filter(username=ADMIN_USERNAME).first()
    if user is None:
        user = User.objects.create_user(
            ADMIN_USERNAME, password=ADMIN_PASSWORD, role=Role.COUNTY_ADMIN, full_name="压测管理员", department=dept
        )
    return user


def db_label() -> str:
    from django.db import connection

    return f"{connection.vendor} ({connection.settings_dict['NAME']})"


def maxrss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile; fine for a handful of runs."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values)


def verdict(ok: bool) -> str:
    return "OK" if ok else "BELOW TARGET"
