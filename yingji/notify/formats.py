"""What goes on the wire for each channel kind. Pure: no Django.

- generic webhook: our own JSON document, signed with HMAC-SHA256 over the body when a secret is set;
- DingTalk custom robot: ``{"msgtype": "markdown", "markdown": {"title", "text"}}``; with 加签 the URL
  carries ``timestamp`` (ms) and ``sign`` = urlencode(base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")));
- WeCom group robot: ``{"msgtype": "markdown", "markdown": {"content"}}`` (content ≤ 4096 bytes);
- SMS gateway: the operator's template, with ``{{name}}`` placeholders filled in.
Both robots answer HTTP 200 with ``{"errcode": 0, "errmsg": "ok"}``; another errcode is a failure.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .constants import BACKOFF_BASE_S, BACKOFF_CAP_S, DIGEST_LISTED, LEVELS

WECOM_MARKDOWN_MAX_BYTES = 4096
SMS_PLACEHOLDERS = frozenset({"title", "body", "text", "link", "level", "domain", "kind", "phone", "source_key",
                              "secret", "timestamp"})
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


@dataclass(frozen=True)
class Message:
    """One notice as the senders see it."""

    source_key: str
    domain: str
    kind: str
    level: int
    title: str
    body: str
    link: str = ""

    @property
    def level_label(self) -> str:
        return LEVELS.get(self.level, str(self.level))

    def plain_text(self) -> str:
        """Title, body and link on separate lines: for SMS and email."""
        return "\n".join(part for part in (f"【{self.level_label}】{self.title}", self.body, self.link) if part)


def backoff_seconds(attempts: int, base: float = BACKOFF_BASE_S, cap: float = BACKOFF_CAP_S) -> float:
    """Wait before the next attempt after `attempts` failed ones: base, 2·base, 4·base, … capped."""
    if attempts < 1:
        return 0.0
    return float(min(cap, base * 2 ** (attempts - 1)))


def absolute_link(link: str, base_url: str) -> str:
    """A link the robots can open: relative links are made absolute with the site's base URL."""
    if not link or urllib.parse.urlsplit(link).scheme or not base_url:
        return link
    return base_url.rstrip("/") + "/" + link.lstrip("/")


def digest(items: list[tuple[int, str]], listed: int = DIGEST_LISTED) -> tuple[str, str]:
    """Title and body of one message standing for the notices (level, title) a robot's limit held back.

    The title counts them by level, worst first ("另有 12 条告警（严重 2 条、较重 10 条）"); the body lists the
    first `listed` titles, worst first, and says how many more there are.
    """
    counts: dict[int, int] = {}
    for level, _ in items:
        counts[level] = counts.get(level, 0) + 1
    by_level = "、".join(f"{LEVELS.get(level, str(level))} {n} 条" for level, n in sorted(counts.items(), reverse=True))
    ranked = sorted(items, key=lambda item: -item[0])
    lines = [f"- 【{LEVELS.get(level, str(level))}】{title}" for level, title in ranked[:listed]]
    if len(items) > listed:
        lines.append(f"- ……其余 {len(items) - listed} 条见平台发送记录")
    title = f"另有 {len(items)} 条告警（{by_level}）"
    return title, "一分钟内通知超出该机器人的发送限额，以下合并为一条：\n" + "\n".join(lines)


# --- generic webhook ----------------------------------------------------------------------------------
def generic_body(message: Message, sent_at: str) -> bytes:
    document = {"source_key": message.source_key, "domain": message.domain, "kind": message.kind,
                "level": message.level, "level_label": message.level_label, "title": message.title,
                "body": message.body, "link": message.link, "sent_at": sent_at}
    return json.dumps(document, ensure_ascii=False).encode()


def body_signature(secret: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of the exact body, for the X-Yingji-Signature header."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# --- DingTalk -----------------------------------------------------------------------------------------
def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The robot's 加签 value before URL encoding: base64(HMAC-SHA256(secret, "timestamp\\nsecret"))."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def dingtalk_url(url: str, secret: str, timestamp_ms: int) -> str:
    """The webhook URL with ``timestamp`` and ``sign`` appended (unchanged without a secret)."""
    if not secret:
        return url
    query = urllib.parse.urlencode({"timestamp": timestamp_ms, "sign": dingtalk_sign(secret, timestamp_ms)})
    return f"{url}{'&' if '?' in url else '?'}{query}"


def _markdown(message: Message) -> str:
    lines = [f"### 【{message.level_label}】{message.title}", "", message.body]
    if message.link:
        lines += ["", f"[查看详情]({message.link})"]
    return "\n".join(lines)


def dingtalk_body(message: Message) -> bytes:
    document = {"msgtype": "markdown", "markdown": {"title": message.title, "text": _markdown(message)}}
    return json.dumps(document, ensure_ascii=False).encode()


# --- WeCom --------------------------------------------------------------------------------------------
def wecom_body(message: Message) -> bytes:
    content = _markdown(message).encode()[:WECOM_MARKDOWN_MAX_BYTES].decode(errors="ignore")
    return json.dumps({"msgtype": "markdown", "markdown": {"content": content}}, ensure_ascii=False).encode()


def robot_error(body: bytes) -> str | None:
    """The robot's complaint in an HTTP 200 answer (errcode ≠ 0), or None when it accepted the message."""
    try:
        answer: Any = json.loads(body or b"{}")
    except ValueError:
        return f"应答不是 JSON：{body[:200].decode(errors='replace')}"
    if isinstance(answer, dict) and answer.get("errcode", 0) not in (0, "0"):
        return f"errcode {answer.get('errcode')}：{answer.get('errmsg', '')}"
    return None


# --- SMS gateway templates ----------------------------------------------------------------------------
def placeholders(template: str) -> set[str]:
    return set(_PLACEHOLDER.findall(template))


def unknown_placeholders(template: str) -> list[str]:
    """Placeholders a template uses that we cannot fill, sorted; empty when the template is good."""
    return sorted(placeholders(template) - SMS_PLACEHOLDERS)


def _escape(value: str, escape: str) -> str:
    if escape == "json":
        return json.dumps(value, ensure_ascii=False)[1:-1]
    if escape == "url":
        return urllib.parse.quote(value, safe="")
    return value


def render(template: str, values: Mapping[str, str], escape: str = "") -> str:
    """Fill ``{{name}}`` placeholders; escape is "json" (inside a JSON string), "url" or "" (as is).

    :raises KeyError: a placeholder without a value (templates are checked with unknown_placeholders on save).
    """
    return _PLACEHOLDER.sub(lambda m: _escape(values[m.group(1)], escape), template)


def escape_for(content_type: str) -> str:
    """How to escape values for a body of this content type."""
    content_type = content_type.lower()
    if "json" in content_type:
        return "json"
    if "x-www-form-urlencoded" in content_type:
        return "url"
    return ""


def sms_values(message: Message, phone: str, secret: str, timestamp_ms: int) -> dict[str, str]:
    return {"title": message.title, "body": message.body, "text": message.plain_text(), "link": message.link,
            "level": message.level_label, "domain": message.domain, "kind": message.kind, "phone": phone,
            "source_key": message.source_key, "secret": secret, "timestamp": str(timestamp_ms)}
