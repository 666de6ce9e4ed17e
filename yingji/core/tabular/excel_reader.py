"""Excel readers: openpyxl (streaming .xlsx) and python-calamine (.xls, and small .xlsx files).

Also detects merged cells in the header row and guards against zip bombs.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Generator, Iterator
from typing import IO, Any, Final
from xml.etree import ElementTree

from .errors import TabularError
from .headers import check_headers, col_letter, norm_header
from .table_reader import FileType, TableReader, cell_str, is_blank

# Unpacked size limit = max_bytes × this ratio, against zip bombs (normal xlsx files compress 5–10×)
_MAX_UNPACK_RATIO: Final[int] = 30

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")


def _sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → XML path inside the package (parses workbook.xml and its rels; both are small)."""
    wb = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG}Relationship")}
    out: dict[str, str] = {}
    for sh in wb.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sh.get(f"{_NS_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        out[sh.get("name", "")] = path
    return out


def _merged_ranges_touching(zf: zipfile.ZipFile, path: str, row: int) -> list[str]:
    """Scan the sheet XML for <mergeCell ref=...> and return the merged ranges that cover ``row``.

    openpyxl's read-only mode does not expose merged cells, so decompress in chunks and search the bytes
    instead of building an XML tree.
    """
    found: list[str] = []
    tail = b""
    with zf.open(path) as fh:
        while chunk := fh.read(1024 * 1024):
            buf = tail + chunk
            if b"mergeCell" in buf:
                for m in _MERGE_RE.finditer(buf):
                    c1, r1, c2, r2 = m.groups()
                    lo, hi = int(r1), int(r2 or r1)
                    ref = f"{c1.decode()}{r1.decode()}" + (f":{c2.decode()}{r2.decode()}" if c2 else "")
                    if lo <= row <= hi and ref not in found:
                        found.append(ref)
            tail = buf[-256:]  # keep an overlap so a tag split across chunks is still found
    return found


def check_unpacked(zf: zipfile.ZipFile, max_bytes: int) -> None:
    """Reject archives whose total unpacked size is too large (reads only the zip directory), against zip bombs."""
    if sum(i.file_size for i in zf.infolist()) > max_bytes * _MAX_UNPACK_RATIO:
        raise TabularError(None, None, None, "文件解压后过大，请拆分后分批导入")


def _merged_error(row: int, refs: list[str]) -> TabularError:
    return TabularError(
        row, None, None,
        f"表头行存在合并单元格（{'、'.join(refs)}），请取消合并，保证每列只有一个表头",
    )


def _pick_sheet(names: list[str], sheet: str | None) -> str:
    """Resolve the requested sheet name (exact first, then normalised); default to the first sheet."""
    if not names:
        raise TabularError(None, None, None, "工作簿中没有工作表")
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    wanted = norm_header(sheet)
    for n in names:
        if norm_header(n) == wanted:
            return n
    raise TabularError(
        None, None, sheet,
        f"工作表“{sheet}”不存在，可用的工作表：{'、'.join(names)}",
    )


class _WorkbookReader(TableReader):
    """A reader holding an open workbook in `_wb`, closed with the reader."""

    _wb: Any = None

    def close(self) -> None:
        if self._wb is not None:
            self._wb.close()
            self._wb = None


class XlsxReader(_WorkbookReader):
    """Streaming .xlsx reader using openpyxl's read-only mode (memory does not grow with the row count)."""

    def __init__(self, file: IO[bytes], sheet: str | None, max_bytes: int | None) -> None:
        self.file_type = "xlsx"
        self.encoding = None
        start = file.tell()
        try:
            zf = zipfile.ZipFile(file)  # does not close the caller's file object
        except zipfile.BadZipFile:
            raise TabularError(
                None, None, None, "不是有效的 .xlsx 文件（文件可能已损坏或已加密）"
            ) from None
        with zf:
            try:
                paths = _sheet_paths(zf)
            except (KeyError, ElementTree.ParseError):
                raise TabularError(None, None, None, "不是有效的 .xlsx 文件（缺少工作簿结构）") from None
            if max_bytes is not None:
                check_unpacked(zf, max_bytes)
            self.sheet_names = list(paths)
            self.sheet_name = _pick_sheet(self.sheet_names, sheet)
            self._open_sheet(file, start)
            try:
                self._read_header(zf, paths[self.sheet_name])
            except BaseException:
                self.close()
                raise

    def _open_sheet(self, file: IO[bytes], start: int) -> None:
        import openpyxl  # lazy import: CSV-only imports don't pay for it

        file.seek(start)
        self._wb: Any = None  # openpyxl ships no type stubs
        try:
            self._wb = openpyxl.load_workbook(
                file, read_only=True, data_only=True, keep_links=False
            )  # data_only: formula cells yield their cached result, not the formula text
        except (KeyError, ValueError, TypeError, IndexError, OSError, zipfile.BadZipFile,
                ElementTree.ParseError) as exc:  # what openpyxl raises for corrupt files
            raise TabularError(None, None, None, f"无法读取 .xlsx 文件：{exc}") from None
        self._ws = self._wb[self.sheet_name]
        self._ws.reset_dimensions()  # don't trust the stored dimension: some writers get it wrong and truncate data

    def _read_header(self, zf: zipfile.ZipFile, sheet_path: str) -> None:
        it = self._records(1)
        try:
            for row_number, rec in it:
                if not is_blank(rec):
                    self.header_row = row_number
                    break
            else:
                raise TabularError(
                    None, None, None, f"工作表“{self.sheet_name}”为空：没有找到表头行"
                )
        finally:
            it.close()  # closes the sheet XML stream openpyxl opened
        merged = _merged_ranges_touching(zf, sheet_path, self.header_row)
        if merged:
            raise _merged_error(self.header_row, merged)
        self.headers = check_headers(rec, self.header_row)

    def _records(self, min_row: int) -> Generator[tuple[int, list[str]], None, None]:
        cs = cell_str
        rows = self._ws.iter_rows(min_row=min_row, values_only=True)
        for row_number, row in enumerate(rows, min_row):
            yield row_number, [v if type(v) is str else cs(v) for v in row]

    def iter_lists(self) -> Iterator[tuple[int, list[str]]]:
        width = len(self.headers)
        cs = cell_str
        rows = self._ws.iter_rows(min_row=self.header_row + 1, values_only=True)
        for row_number, row in enumerate(rows, self.header_row + 1):
            rec = [v if type(v) is str else cs(v) for v in row[:width]]
            if len(rec) < width:
                rec.extend([""] * (width - len(rec)))
            if is_blank(rec):
                continue
            yield row_number, rec



class CalamineReader(_WorkbookReader):
    """python-calamine reader (required for .xls; loads the whole sheet into memory, but is fast Rust code)."""

    def __init__(self, file: IO[bytes], sheet: str | None, file_type: FileType) -> None:
        import python_calamine

        self.file_type = file_type
        self.encoding = None
        try:
            self._wb = python_calamine.CalamineWorkbook.from_filelike(file)  # type: ignore[arg-type]
        except python_calamine.CalamineError:  # base of PasswordError, XmlError, ZipError
            raise TabularError(
                None, None, None, f"不是有效的 .{file_type} 文件（文件可能已损坏或已加密）"
            ) from None
        self.sheet_names = list(self._wb.sheet_names)
        self.sheet_name = _pick_sheet(self.sheet_names, sheet)
        try:
            self._ws = self._wb.get_sheet_by_name(self.sheet_name)
        except python_calamine.CalamineError as exc:
            raise TabularError(None, None, None, f"无法读取工作表“{self.sheet_name}”：{exc}") from None
        start = self._ws.start
        self._col0 = start[1] if start else 0  # iter_rows starts at the data's first column; needed for letters
        for row_number, rec in self._records():
            if not is_blank(rec):
                self.header_row = row_number
                break
        else:
            raise TabularError(None, None, None, f"工作表“{self.sheet_name}”为空：没有找到表头行")
        merged = [
            f"{col_letter(c1)}{r1 + 1}:{col_letter(c2)}{r2 + 1}"
            for (r1, c1), (r2, c2) in (self._ws.merged_cell_ranges or [])
            if r1 + 1 <= self.header_row <= r2 + 1
        ]
        if merged:
            raise _merged_error(self.header_row, merged)
        self.headers = check_headers(rec, self.header_row, self._col0)

    def _records(self) -> Generator[tuple[int, list[str]], None, None]:
        cs = cell_str
        for row_number, row in enumerate(self._ws.iter_rows(), 1):
            yield row_number, [v if type(v) is str else cs(v) for v in row]

    def iter_lists(self) -> Iterator[tuple[int, list[str]]]:
        width = len(self.headers)
        for row_number, rec in self._records():
            if row_number <= self.header_row:
                continue
            if len(rec) != width:
                if len(rec) < width:
                    rec.extend([""] * (width - len(rec)))
                else:
                    del rec[width:]
            if is_blank(rec):
                continue
            yield row_number, rec

