"""The `yingji` command: Django's management commands plus our own (demo, serve, import, audit …)."""

from __future__ import annotations

import os
import sys

from django.core.management import execute_from_command_line


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
    execute_from_command_line(["yingji", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
