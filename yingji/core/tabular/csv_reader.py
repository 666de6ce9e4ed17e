"""CSV reading with encoding detection (UTF-8, UTF-8 with BOM, UTF-16, GBK/GB18030)."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Generator, Iterator
from typing import IO, Final

from .errors import TabularError
from .headers import check_headers
from .table_reader import TableReader, is_blank

_SNIFF_BYTES: Final[int] = 64 * 1024


def detect_encoding(file: IO[bytes], start: int) -> str:
    """Detect a CSV file's encoding: BOM → utf-8-sig; first non-ASCII block decodes as UTF-8 → utf-8;
    otherwise gb18030.

    Pure-ASCII blocks cannot tell encodings apart, so skip ahead to the first block containing non-ASCII
    bytes (``isascii`` is fast, the cost is negligible).
    """
    file.seek(start)
    head = file.read(_SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text" export is UTF-16; TextIOWrapper decodes it for the csv module
        return "utf-16"
    chunk = head
    while chunk and chunk.isascii():
        chunk = file.read(_SNIFF_BYTES)
    encoding = "utf-8"
    if chunk:
        # Include the start of the next block so a multi-byte character cut at the boundary is not misjudged
        tail = file.read(4)
        dec = codecs.getincrementaldecoder("utf-8")()
        try:
            dec.decode(chunk + tail, final=not tail)
        except UnicodeDecodeError:
            encoding = "gb18030"  # superset of GBK; what Chinese Excel's "CSV (Comma delimited)" writes
    file.seek(start)
    return encoding


class CsvReader(TableReader):
    """Streaming CSV reader; also accepts tab-separated text exported by Excel."""

    def __init__(self, file: IO[bytes], encoding: str | None) -> None:
        self.file_type = "csv"
        self.sheet_name = None
        self.sheet_names = []
        self._file = file
        self._start = file.tell()
        self.encoding = encoding or detect_encoding(file, self._start)
        self._delimiter = ","
        it = self._records()
        try:
            for row_number, rec in it:
                if not is_blank(rec):
                    if len(rec) == 1 and "\t" in rec[0]:
                        # Tabs but no commas: Excel's "Text (Tab delimited)" export
                        self._delimiter = "\t"
                        rec = rec[0].split("\t")
                    self.header_row = row_number
                    self.headers = check_headers(rec, row_number)
                    break
            else:
                raise TabularError(None, None, None, "文件为空：没有找到表头行")
        finally:
            it.close()
        if not self.headers:
            raise TabularError(self.header_row, None, None, "表头行为空")

    def _records(self) -> Generator[tuple[int, list[str]], None, None]:
        self._file.seek(self._start)
        text = io.TextIOWrapper(
            self._file, encoding=self.encoding, errors="strict", newline=""  # type: ignore[arg-type]
        )
        row_number = 0
        try:
            reader = csv.reader(text, delimiter=self._delimiter)
            try:
                for row_number, rec in enumerate(reader, 1):
                    yield row_number, rec
            except UnicodeDecodeError:
                raise TabularError(
                    row_number + 1, None, None,
                    f"文件编码无法识别（按 {self.encoding} 解码失败），请在 Excel 中另存为“CSV UTF-8”",
                ) from None
            except csv.Error as exc:
                raise TabularError(row_number + 1, None, None, f"CSV 格式错误：{exc}") from None
        finally:
            text.detach()  # otherwise the TextIOWrapper closes the caller's file when garbage-collected

    def iter_lists(self) -> Iterator[tuple[int, list[str]]]:
        width = len(self.headers)
        header_row = self.header_row
        it = self._records()
        try:
            for row_number, rec in it:
                if row_number <= header_row:
                    continue
                if len(rec) != width:
                    if len(rec) < width:
                        rec.extend([""] * (width - len(rec)))
                    else:
                        del rec[width:]  # extra columns on the right have no header: ignore them
                if is_blank(rec):
                    continue
                yield row_number, rec
        finally:
            it.close()
