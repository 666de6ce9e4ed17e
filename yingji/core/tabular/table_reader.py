"""The :class:`TableReader` base class and cell helpers shared by the concrete readers."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator, Sequence
from typing import Any, Literal

FileType = Literal["csv", "xlsx", "xls"]


def cell_str(v: Any) -> str:
    """Convert a spreadsheet cell value to the text the user sees in Excel."""
    if v is None:
        return ""
    t = type(v)
    if t is str:
        return v
    if t is float:
        # Excel stores integers as floats: 12.0 → "12"; 15 significant digits match Excel's display
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return format(v, ".15g")
    if t is int:
        return str(v)
    if t is bool:
        return "TRUE" if v else "FALSE"
    if t is _dt.datetime:
        if not (v.hour or v.minute or v.second or v.microsecond):
            return v.date().isoformat()  # date-only cells must not show 00:00:00
        return v.isoformat(sep=" ", timespec="seconds")
    if t is _dt.date or t is _dt.time:
        return v.isoformat()
    return str(v)


def is_blank(row: Sequence[str]) -> bool:
    """True if every cell is empty or whitespace."""
    # Explicit loop returns on the first non-blank cell; faster than all(<genexpr>) and called for every row
    for v in row:  # noqa: SIM110
        if v and not v.isspace():
            return False
    return True


class TableReader:
    """Streaming table reader (created by :func:`read_rows`).

    - ``headers``: the (stripped) header texts; ``header_row``: the row number of the header row.
    - Iterating yields ``(row_number, {header: text})``; fully blank rows are skipped (row numbers still
      follow the file).
    - Re-iterable: each iteration streams the file again from the start, so a "validate, then write" two-pass
      import works.
    - Call :meth:`close` when done (or use a ``with`` statement).
    """

    file_type: FileType
    headers: list[str]
    header_row: int
    sheet_name: str | None
    sheet_names: list[str]
    encoding: str | None

    def __init__(self) -> None:  # pragma: no cover - subclasses only
        raise TypeError("请使用 read_rows() 创建 TableReader")

    def iter_lists(self) -> Iterator[tuple[int, list[str]]]:
        """Yield ``(row_number, list of texts as long as headers)``; faster than dicts, used by validation."""
        raise NotImplementedError

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        headers = self.headers
        for row_number, values in self.iter_lists():
            yield row_number, dict(zip(headers, values, strict=True))

    def close(self) -> None:
        """Release underlying resources (never closes the file object passed in by the caller)."""

    def __enter__(self) -> TableReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
