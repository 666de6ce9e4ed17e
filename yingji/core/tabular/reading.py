"""Entry point for reading uploads: file type detection, size limits and engine selection."""

from __future__ import annotations

import io
import posixpath
import tempfile
import zipfile
from typing import IO, BinaryIO, Final, Literal

from .csv_reader import CsvReader
from .errors import TabularError
from .excel_reader import CalamineReader, XlsxReader, check_unpacked
from .table_reader import FileType, TableReader

DEFAULT_MAX_BYTES: Final[int] = 50 * 1024 * 1024
# Largest xlsx read with calamine under the "auto" engine (≈100k rows × 10 columns, peak memory ≈100–150 MB)
CALAMINE_MAX_BYTES: Final[int] = 8 * 1024 * 1024

_EXT_TYPES: Final[dict[str, FileType]] = {
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
}


def _file_type(filename: str) -> FileType:
    ext = posixpath.splitext(filename.replace("\\", "/").lower())[1]
    ftype = _EXT_TYPES.get(ext)
    if ftype is None:
        shown = ext or "（无扩展名）"
        raise TabularError(
            None, None, filename,
            f"不支持的文件类型 {shown}，请上传 .xlsx 或 .csv 文件",
        )
    return ftype


def _size_of(file: IO[bytes]) -> int | None:
    """Bytes remaining from the current position, or None if unknown."""
    size = getattr(file, "size", None)  # Django's UploadedFile knows its size
    if isinstance(size, int):
        return size
    try:
        pos = file.tell()
        end = file.seek(0, io.SEEK_END)
        file.seek(pos)
        return end - pos
    except (OSError, AttributeError, ValueError):
        return None


def _too_large(max_bytes: int) -> TabularError:
    mb = max_bytes / 1024 / 1024
    return TabularError(None, None, None, f"文件过大，最大允许 {mb:.0f} MB，请拆分后分批导入")


def _seekable_copy(file: IO[bytes], max_bytes: int | None) -> IO[bytes]:
    """Copy a non-seekable stream (e.g. a pipe) to a temporary file, enforcing the size limit."""
    try:
        if file.seekable():
            return file
    except (AttributeError, ValueError):
        pass
    tmp = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - returned to the caller
    total = 0
    while chunk := file.read(1024 * 1024):
        total += len(chunk)
        if max_bytes is not None and total > max_bytes:
            tmp.close()
            raise _too_large(max_bytes)
        tmp.write(chunk)
    tmp.seek(0)
    return tmp  # type: ignore[return-value]


def read_rows(
    file: BinaryIO,
    filename: str,
    *,
    sheet: str | None = None,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
    engine: Literal["auto", "openpyxl", "calamine"] = "auto",
    calamine_max_bytes: int = CALAMINE_MAX_BYTES,
) -> TableReader:
    """Open an uploaded table file, read and check its header row, and return a streaming :class:`TableReader`.

    :param file: binary file object, read from its current position; never closed.
    :param filename: original file name; only its extension is used (.csv/.txt/.xlsx/.xlsm/.xls).
    :param sheet: sheet name; defaults to the first sheet (ignored for CSV).
    :param max_bytes: file size limit; ``None`` means unlimited.
    :param encoding: force the CSV encoding instead of detecting it.
    :param engine: xlsx engine. ``calamine`` (Rust) is ~7× faster than openpyxl but loads the whole sheet
        into memory (~100 MB for 100k rows × 10 columns); ``openpyxl`` read-only mode truly streams with
        constant memory but is slow. ``auto`` (default) uses calamine for files up to ``calamine_max_bytes``
        and openpyxl otherwise. .xls always uses calamine.
    :raises TabularError: problems with the file type, size, encoding, sheet or headers.
    """
    ftype = _file_type(filename)
    size = _size_of(file)
    if size is not None and max_bytes is not None and size > max_bytes:
        raise _too_large(max_bytes)
    if size == 0:
        raise TabularError(None, None, None, "文件为空")
    file = _seekable_copy(file, max_bytes)  # type: ignore[assignment]
    if ftype == "csv":
        return CsvReader(file, encoding)
    if size is None:
        size = _size_of(file)
    if engine == "auto":
        engine = "calamine" if size is not None and size <= calamine_max_bytes else "openpyxl"
    if ftype == "xls":
        return CalamineReader(file, sheet, ftype)
    if engine == "calamine":
        # zip-bomb check before calamine unpacks the whole sheet into memory
        start = file.tell()
        try:
            with zipfile.ZipFile(file) as zf:
                if max_bytes is not None:
                    check_unpacked(zf, max_bytes)
        except zipfile.BadZipFile:
            raise TabularError(
                None, None, None, "不是有效的 .xlsx 文件（文件可能已损坏或已加密）"
            ) from None
        file.seek(start)
        return CalamineReader(file, sheet, ftype)
    return XlsxReader(file, sheet, max_bytes)
