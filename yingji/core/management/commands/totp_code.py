"""`yingji totp_code USER`: print a user's current two-factor code (for the demo accounts)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yingji.core import services
from yingji.core.models import User


class Command(BaseCommand):
    help = "显示某用户当前的两步验证码（仅用于演示环境）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None or not user.totp_secret:
            raise CommandError(f"用户 {options['username']} 不存在或未设置两步验证")
        self.stdout.write(services.totp_for(user).now())
