"""Single-pass streaming validation of a :class:`TableReader` against :class:`Column` declarations."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, Final

from .errors import RowError, TabularError
from .headers import norm_header
from .parsers import Column
from .table_reader import TableReader

_PROGRESS_EVERY: Final[int] = 1000

RowValidator = Callable[[dict[str, Any]], "list[tuple[Column | str | None, str]]"]


@dataclass(slots=True)
class ValidationReport:
    """Validation result. ``errors`` keeps at most ``max_errors`` entries; the rest are only counted
    (``omitted_errors``)."""

    headers: list[str]
    matched: dict[str, str]  # field → header in the file
    unknown_headers: list[str]  # headers in the file not used by any column (ignored)
    total_rows: int = 0
    valid_rows: int = 0
    error_count: int = 0
    errors: list[RowError] = dc_field(default_factory=list)
    rows: list[tuple[int, dict[str, Any]]] = dc_field(default_factory=list)

    @property
    def invalid_rows(self) -> int:
        return self.total_rows - self.valid_rows

    @property
    def omitted_errors(self) -> int:
        return self.error_count - len(self.errors)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def summary(self) -> str:
        """One-sentence Chinese summary for the import result page."""
        s = f"共 {self.total_rows} 行，有效 {self.valid_rows} 行"
        if self.error_count:
            s += f"，{self.invalid_rows} 行有错误，共 {self.error_count} 处"
            if self.omitted_errors:
                s += f"（仅列出前 {len(self.errors)} 处）"
        return s


def resolve_columns(headers: Sequence[str], columns: Sequence[Column]) -> dict[str, int]:
    """Map column declarations to the file's headers; returns ``field → header index``.

    :raises TabularError: a required column is missing, or two headers map to the same column.
    """
    index = {norm_header(h): i for i, h in enumerate(headers)}
    found: dict[str, int] = {}
    missing: list[str] = []
    for col in columns:
        hits = []
        for name in col.names():
            i = index.get(norm_header(name))
            if i is not None and i not in hits:
                hits.append(i)
        if len(hits) > 1:
            names = "”与“".join(headers[i] for i in hits)
            raise TabularError(
                None, headers[hits[1]], None,
                f"表头“{names}”都对应“{col.header}”，请只保留一列",
            )
        if hits:
            found[col.field] = hits[0]
        elif col.required:
            missing.append(col.header)
    if missing:
        raise TabularError(None, None, None, f"缺少必填列：{'、'.join(missing)}")
    return found


def _iter_checked(
    reader: TableReader,
    columns: Sequence[Column],
    row_validator: RowValidator | None,
    found: dict[str, int],
) -> Iterator[tuple[int, dict[str, Any], list[RowError] | None]]:
    """Core loop: yield ``(row_number, parsed values, errors or None)`` per row, keeping per-row cost minimal."""
    headers = reader.headers
    specs = [
        (found[c.field], c.field, c.parse, c.required, headers[found[c.field]], c.default)
        for c in columns
        if c.field in found
    ]
    absent = {c.field: c.default for c in columns if c.field not in found}
    # Row validators may name a column by Column, field or header: map all of them to the file's header
    col_header: dict[str | None, str | None] = {None: None}
    for c in columns:
        shown = headers[found[c.field]] if c.field in found else c.header
        col_header[c.field] = col_header[c.header] = shown
    field_of: dict[str | None, str] = {col_header[c.field]: c.field for c in columns}

    for row_number, rec in reader.iter_lists():
        values = absent.copy() if absent else {}
        errors: list[RowError] | None = None
        for idx, fname, parse, required, header, default in specs:
            raw = rec[idx]
            s = raw.strip()
            if not s:
                if required:
                    err = RowError(row_number, header, raw, "不能为空（必填）", fname)
                    errors = [err] if errors is None else [*errors, err]
                else:
                    values[fname] = default
                continue
            try:
                values[fname] = parse(s)
            except ValueError as exc:
                err = RowError(row_number, header, raw, str(exc) or "格式无效", fname)
                errors = [err] if errors is None else [*errors, err]
        if errors is None and row_validator is not None:
            problems = row_validator(values)
            if problems:
                errors = []
                for col, reason in problems:
                    key: str | None = col.field if isinstance(col, Column) else col
                    where = col_header.get(key, key)
                    idx = headers.index(where) if where in headers else -1
                    errors.append(
                        RowError(row_number, where, rec[idx] if idx >= 0 else None,
                                 reason, field_of.get(where))
                    )
        yield row_number, values, errors


def validate_table(
    reader: TableReader,
    columns: Sequence[Column],
    *,
    row_validator: RowValidator | None = None,
    progress: Callable[[int], None] | None = None,
    keep_rows: bool = True,
    on_valid_row: Callable[[int, dict[str, Any]], None] | None = None,
    max_errors: int = 1000,
) -> ValidationReport:
    """Validate the whole table in a single streaming pass.

    :param row_validator: cross-column check. Receives one row's parsed values (``field → value``) and
        returns ``[(column, reason), ...]``, where column is a :class:`Column`, a field, a header or ``None``
        (whole row). Only called when every cell of the row parsed successfully.
    :param progress: called with the number of rows processed every 1000 rows and at the end.
    :param keep_rows: if ``False``, valid rows are not kept in memory, so memory does not grow with the
        row count (use this for imports of ~100k rows).
    :param on_valid_row: callback ``(row_number, values)`` for each valid row.
    :param max_errors: maximum number of errors kept; the rest are only counted.
    :raises TabularError: structural problems such as a missing required column.
    """
    found = resolve_columns(reader.headers, columns)
    used = set(found.values())
    report = ValidationReport(
        headers=list(reader.headers),
        matched={f: reader.headers[i] for f, i in found.items()},
        unknown_headers=[h for i, h in enumerate(reader.headers) if i not in used],
    )
    errors = report.errors
    kept = report.rows
    total = valid = n_errors = 0
    for row_number, values, row_errors in _iter_checked(reader, columns, row_validator, found):
        total += 1
        if row_errors is None:
            valid += 1
            if keep_rows:
                kept.append((row_number, values))
            if on_valid_row is not None:
                on_valid_row(row_number, values)
        else:
            n_errors += len(row_errors)
            room = max_errors - len(errors)
            if room > 0:
                errors.extend(row_errors[:room])
        if progress is not None and total % _PROGRESS_EVERY == 0:
            progress(total)
    report.total_rows, report.valid_rows, report.error_count = total, valid, n_errors
    if progress is not None and total % _PROGRESS_EVERY:
        progress(total)
    return report


def iter_valid_rows(
    reader: TableReader,
    columns: Sequence[Column],
    *,
    row_validator: RowValidator | None = None,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Stream the valid rows as ``(row_number, values)``, skipping rows with errors.

    Intended for the second pass that writes to the database in batches after validation passed.
    """
    found = resolve_columns(reader.headers, columns)
    for row_number, values, errors in _iter_checked(reader, columns, row_validator, found):
        if errors is None:
            yield row_number, values
