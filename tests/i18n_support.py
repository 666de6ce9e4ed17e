"""Helpers for the translation tests: a .po reader and the visible text of a page, minus the data in it."""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from django.apps import apps
from django.db import models

# Han ideographs (CJK Unified Ideographs and Extension A). Full-width punctuation is not counted.
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
VISIBLE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
SKIPPED_ELEMENTS = {"script", "style", "template"}
# The language switch names Chinese in Chinese on purpose; the brand mark is the logo glyph 应.
ALLOWED_RUNS = {"中文", "应"}


@dataclass
class PoEntry:
    msgid: str
    msgid_plural: str | None
    msgstrs: list[str]
    fuzzy: bool
    line: int


def _unquote(parts: list[str]) -> str:
    return "".join(ast.literal_eval(part) for part in parts)


def read_po(path: Path) -> list[PoEntry]:
    """The entries of a .po file (obsolete `#~` entries skipped); the header entry is not returned."""
    entries: list[PoEntry] = []
    blocks = re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))
    line = 1
    for block in blocks:
        fields: dict[str, list[str]] = {}
        fuzzy, current = False, ""
        for raw in block.splitlines():
            if raw.startswith("#,") and "fuzzy" in raw:
                fuzzy = True
            elif raw.startswith("#"):
                continue
            elif raw.startswith('"'):
                fields[current].append(raw)
            elif raw.strip():
                keyword, _, rest = raw.partition(" ")
                current = keyword
                fields[current] = [rest]
        if fields.get("msgid") and _unquote(fields["msgid"]):
            strs = [_unquote(v) for k, v in sorted(fields.items()) if k.startswith("msgstr")]
            plural = _unquote(fields["msgid_plural"]) if "msgid_plural" in fields else None
            entries.append(PoEntry(_unquote(fields["msgid"]), plural, strs, fuzzy, line))
        line += block.count("\n") + 2
    return entries


@dataclass
class _VisibleText(HTMLParser):
    texts: list[str] = field(default_factory=list)
    json_blocks: list[str] = field(default_factory=list)
    _skip: int = 0
    _json: bool = False

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in VISIBLE_ATTRIBUTES:
            if values.get(name):
                self.texts.append(values[name] or "")
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.texts.append(values["value"] or "")
        if tag in SKIPPED_ELEMENTS:
            self._skip += 1
            # The pages hand their JavaScript its UI strings as <script type="application/json" id="…-i18n">.
            self._json = tag == "script" and (values.get("id") or "").endswith("i18n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_ELEMENTS and self._skip:
            self._skip -= 1
            self._json = False

    def handle_data(self, data: str) -> None:
        if self._json:
            self.json_blocks.append(data)
        elif not self._skip and data.strip():
            self.texts.append(data.strip())


def visible_texts(html: str) -> list[str]:
    """Text nodes, visible attributes and the strings of the page's JavaScript i18n blocks."""
    parser = _VisibleText()
    parser.feed(html)
    texts = list(parser.texts)
    for block in parser.json_blocks:
        texts.extend(_json_strings(json.loads(block)))
    return texts


def _json_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _json_strings(v)]
    return []


def data_runs(*, skip: tuple[str, ...] = ("auth.Permission", "core.AuditEvent")) -> set[str]:
    """Every run of Han characters stored in a text column of the database: names, addresses, notes…

    Permissions are named after model labels and audit rows quote labels in their summaries; both would hide
    untranslated labels, so they count as data only where asked (the audit log page).
    """
    runs: set[str] = set()
    for model in apps.get_models():
        if model._meta.label in skip:
            continue
        columns = [f.attname for f in model._meta.concrete_fields
                   if isinstance(f, models.CharField | models.TextField | models.JSONField)]
        for row in model._default_manager.values_list(*columns) if columns else ():
            for value in row:
                if value:
                    runs.update(HAN_RUN.findall(value if isinstance(value, str) else json.dumps(value,
                                                                                             ensure_ascii=False)))
    return runs


def untranslated(html: str, data: set[str]) -> list[str]:
    """Visible texts that still hold a Han run which is neither data nor allowed."""
    leaks = []
    for text in visible_texts(html):
        runs = [run for run in HAN_RUN.findall(text) if run not in data and run not in ALLOWED_RUNS]
        if runs:
            leaks.append(text[:120])
    return leaks
