"""Streaming exports: CSV, XLSX, GeoJSON, and the downloadable validation error report."""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import IO, Any, Final

from .validation import ValidationReport

_FORMULA_START: Final[tuple[str, ...]] = ("=", "+", "-", "@", "\t", "\r")
_FLUSH_CHARS: Final[int] = 64 * 1024
_SHEET_BAD_CHARS = re.compile(r"[\[\]:*?/\\]")


def _local_naive(v: _dt.datetime) -> _dt.datetime:
    # Excel has no time zones: convert aware datetimes to local time (Django sets TZ to TIME_ZONE)
    return v.astimezone().replace(tzinfo=None) if v.tzinfo is not None else v


def _csv_value(v: Any, escape_formulas: bool) -> Any:
    t = type(v)
    if t is str:
        # CSV formula injection: Excel evaluates text starting with = + - @ as a formula
        if escape_formulas and v and v.startswith(_FORMULA_START):
            return "'" + v
        return v
    if v is None:
        return ""
    if t is bool:
        return "是" if v else "否"
    if t is _dt.datetime:
        return _local_naive(v).isoformat(sep=" ", timespec="seconds")
    if t is Decimal:
        return format(v, "f")  # avoid scientific notation such as 1E+2
    return v


def write_csv(
    rows: Iterable[Sequence[Any]],
    headers: Sequence[str],
    out: IO[bytes] | Any,
    *,
    escape_formulas: bool = True,
) -> int:
    """Stream a UTF-8 CSV with BOM (so Excel recognises Chinese text); returns the number of data rows.

    ``out`` only needs a ``write(bytes)`` method (file, BytesIO, Django HttpResponse).
    ``None`` is written as empty, booleans as "是"/"否", aware datetimes in local time.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")  # Excel expects CRLF
    out.write(codecs.BOM_UTF8)
    writer.writerow(headers)
    n = 0
    cv = _csv_value
    for row in rows:
        writer.writerow([cv(v, escape_formulas) for v in row])
        n += 1
        if buf.tell() >= _FLUSH_CHARS:
            out.write(buf.getvalue().encode("utf-8"))
            buf.seek(0)
            buf.truncate()
    out.write(buf.getvalue().encode("utf-8"))
    return n


def write_xlsx(
    rows: Iterable[Sequence[Any]],
    headers: Sequence[str],
    out: IO[bytes] | str,
    sheet_title: str = "Sheet1",
) -> int:
    """Stream an xlsx with openpyxl's write-only mode (memory does not grow with the row count);
    returns the number of data rows.

    The header row is bold and frozen; text starting with "=" is written as text, never as a formula.
    ``out`` must be a writable binary file or a path (the zip format needs seek; write an HttpResponse via a
    temporary file).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    title = _SHEET_BAD_CHARS.sub("_", sheet_title).strip("'")[:31] or "Sheet1"  # Excel's sheet name rules
    ws = wb.create_sheet(title)
    for i, h in enumerate(headers, 1):
        # A CJK character is about as wide as two Latin characters
        width = sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(h)) + 4
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(width, 50))
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for h in headers:
        c = WriteOnlyCell(ws, value=str(h))
        c.font = bold
        header_cells.append(c)
    ws.append(header_cells)

    illegal = ILLEGAL_CHARACTERS_RE
    n = 0
    for row in rows:
        out_row: list[Any] = []
        for v in row:
            t = type(v)
            if t is str:
                if illegal.search(v):
                    v = illegal.sub("", v)  # control characters make openpyxl fail or corrupt the file
                if v.startswith("="):
                    c = WriteOnlyCell(ws, value=v)
                    c.data_type = "s"  # force text to prevent formula injection
                    v = c
            elif t is _dt.datetime:
                v = _local_naive(v)
            elif t is Decimal:
                v = float(v) if v.is_finite() else str(v)
            out_row.append(v)
        ws.append(out_row)
        n += 1
    wb.save(out)
    return n


def _json_default(v: Any) -> Any:
    if isinstance(v, _dt.datetime):
        return v.isoformat()
    if isinstance(v, (_dt.date, _dt.time)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return float(v)
    return str(v)


def write_geojson(
    features: Iterable[tuple[Mapping[str, Any], float | Decimal | None, float | Decimal | None]],
    out: IO[bytes] | Any,
) -> int:
    """Stream a GeoJSON FeatureCollection of points; returns the number of features.

    ``features`` are ``(properties, longitude, latitude)``; if a coordinate is missing the geometry is
    ``null``. ``out`` only needs a ``write(bytes)`` method.
    """
    dumps = json.dumps
    out.write(b'{"type":"FeatureCollection","features":[\n')
    parts: list[str] = []
    size = 0
    n = 0
    for props, lon, lat in features:
        if lon is None or lat is None:
            geom = "null"
        else:
            geom = f'{{"type":"Point","coordinates":[{float(lon)!r},{float(lat)!r}]}}'
        props_json = dumps(props, ensure_ascii=False, default=_json_default, separators=(",", ":"))
        s = (",\n" if n else "") + f'{{"type":"Feature","geometry":{geom},"properties":{props_json}}}'

        parts.append(s)
        size += len(s)
        n += 1
        if size >= _FLUSH_CHARS:
            out.write("".join(parts).encode("utf-8"))
            parts.clear()
            size = 0
    parts.append("\n]}\n")
    out.write("".join(parts).encode("utf-8"))
    return n


def write_error_report(report: ValidationReport, out: IO[bytes] | Any) -> int:
    """Write the validation errors as CSV (row, column, original value, reason) for the user to download."""
    return write_csv(
        ((e.row, e.column or "", e.value or "", e.reason) for e in report.errors),
        ["行号", "列", "原值", "错误原因"],
        out,
    )
