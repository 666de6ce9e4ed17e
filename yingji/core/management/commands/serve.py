"""`yingji serve`: run the ASGI app under uvicorn (the event stream needs ASGI)."""

from typing import Any

import uvicorn
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "启动 Web 服务（uvicorn）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        uvicorn.run("yingji.asgi:application", host=options["host"], port=options["port"],
                    workers=options["workers"], log_level="info", timeout_graceful_shutdown=2, lifespan="off")
