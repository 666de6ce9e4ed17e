"""`yingji token issue USER NAME` / `yingji token revoke PREFIX`: API tokens for integrations."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yingji.core import services
from yingji.core.models import ApiToken, User


class Command(BaseCommand):
    help = "签发或吊销 API 令牌"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["issue", "revoke"])
        parser.add_argument("target", help="issue: 用户名；revoke: 令牌前缀")
        parser.add_argument("name", nargs="?", default="integration", help="令牌用途")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "issue":
            user = User.objects.filter(username=options["target"]).first()
            if user is None:
                raise CommandError(f"用户 {options['target']} 不存在")
            _, raw = services.issue_api_token(user, name=options["name"], actor=None)
            self.stdout.write(raw)
            return
        tokens = ApiToken.objects.filter(prefix=options["target"], revoked_at__isnull=True)
        if not tokens:
            raise CommandError(f"没有前缀为 {options['target']} 的有效令牌")
        for token in tokens:
            services.revoke_api_token(token, actor=None)
        self.stdout.write(self.style.SUCCESS(f"已吊销 {len(tokens)} 个令牌"))
