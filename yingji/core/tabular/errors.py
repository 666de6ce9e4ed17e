"""Error types: structural file errors and per-cell / per-row validation errors."""

from __future__ import annotations

from typing import NamedTuple


def _location(row: int | None, column: str | None) -> str:
    """User-facing location prefix, e.g. "第 3 行“企业名称”列"."""
    parts = []
    if row is not None:
        parts.append(f"第 {row} 行")
    if column:
        parts.append(f"“{column}”列")
    return "".join(parts)


class TabularError(Exception):
    """A structural problem (file type, encoding, sheet, headers, ...) that makes the whole file unimportable.

    ``row``/``column`` may be ``None`` (e.g. wrong file type); ``column`` is a header text or a column letter.
    """

    def __init__(
        self,
        row: int | None,
        column: str | None,
        value: str | None,
        reason: str,
    ) -> None:
        self.row = row
        self.column = column
        self.value = value
        self.reason = reason
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """Full user-facing (Chinese) message, prefixed with the location."""
        loc = _location(self.row, self.column)
        return f"{loc}：{self.reason}" if loc else self.reason

    def __repr__(self) -> str:
        return (
            f"TabularError(row={self.row!r}, column={self.column!r}, "
            f"value={self.value!r}, reason={self.reason!r})"
        )


class RowError(NamedTuple):
    """A cell- or row-level validation error (a NamedTuple because one may be created per row)."""

    row: int
    column: str | None  # header text as it appears in the file (None for row-level errors)
    value: str | None  # raw cell text
    reason: str
    field: str | None = None  # the matching Column.field

    @property
    def message(self) -> str:
        """Full user-facing (Chinese) message, prefixed with the location."""
        loc = _location(self.row, self.column)
        return f"{loc}：{self.reason}" if loc else self.reason
