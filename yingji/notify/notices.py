"""The notice other domains hand to `notify.services.notify`: plain data, no Django."""

from __future__ import annotations

from dataclasses import dataclass

from .routing import NoticeFacts


@dataclass(frozen=True)
class Notice:
    """Something people must hear about, as its domain describes it.

    - domain: "monitoring", "hazmat", "command", "permits", … (routing rules match on it);
    - kind: what happened: "raised", "escalated", "closed", … (routing rules match on it);
    - level: severity on notify's scale, 1 一般 … 4 特别严重 (higher is worse; map your own grades);
    - area_code: the admin area code of where it happened (rules match on its prefix), or None;
    - department_id: the department it concerns (usually the owner department), or None;
    - title (≤ 200 characters), body, link (a path such as "/monitoring/alarms/12/" or a URL);
    - source_key: names the episode and the step, e.g. "monitoring.alarm:12:HH"; a second notice with the
      same key reaches nobody twice.
    """

    domain: str
    kind: str
    level: int
    title: str
    source_key: str
    body: str = ""
    link: str = ""
    area_code: str | None = None
    department_id: int | None = None

    def facts(self) -> NoticeFacts:
        return NoticeFacts(domain=self.domain, kind=self.kind, level=self.level, area_code=self.area_code,
                           department_id=self.department_id)
