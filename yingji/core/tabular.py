"""流式表格导入 / 导出引擎（CSV、XLSX），纯 Python，不依赖 Django。

导入流程::

    with read_rows(upload, upload.name, sheet="企业名单") as reader:
        report = validate_table(reader, COLUMNS, keep_rows=False)   # 第一遍：只校验
        if report.ok:
            for row_number, values in iter_valid_rows(reader, COLUMNS):  # 第二遍：写库
                ...

- :func:`read_rows` 逐行读取（CSV 自动识别 UTF-8 / UTF-8-BOM / GBK(GB18030) 编码；
  XLSX 用 openpyxl 只读流式模式），结构性问题抛出 :class:`TabularError`。
- :class:`Column` 以声明方式描述列；本模块提供常用解析器（:func:`text`、:func:`integer`、
  :func:`decimal`、:func:`date` 等），解析失败抛出带中文说明的 ``ValueError``。
- :func:`validate_table` 单遍流式校验，生成 :class:`ValidationReport`。
- :func:`write_csv`、:func:`write_xlsx`、:func:`write_geojson` 流式导出。

行号与 Excel 中看到的一致：表头通常是第 1 行，第一条数据是第 2 行。
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import io
import json
import math
import posixpath
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field as dc_field
from decimal import Decimal, InvalidOperation
from typing import IO, Any, BinaryIO, Final, Literal, NamedTuple
from xml.etree import ElementTree

from .credit_code import normalize_credit_code, validate_credit_code

__all__ = [
    # 读取
    "read_rows",
    "TableReader",
    "TabularError",
    "DEFAULT_MAX_BYTES",
    # 列定义与解析器
    "Column",
    "text",
    "integer",
    "decimal",
    "floating",
    "non_negative",
    "choice",
    "yes_no",
    "date",
    "phone",
    "longitude",
    "latitude",
    "credit_code",
    # 校验
    "validate_table",
    "iter_valid_rows",
    "resolve_columns",
    "RowError",
    "ValidationReport",
    # 导出
    "write_csv",
    "write_xlsx",
    "write_geojson",
    "write_error_report",
]

DEFAULT_MAX_BYTES: Final[int] = 50 * 1024 * 1024
# 解压后体积上限 = max_bytes × 该倍数，防御 zip 炸弹（正常 xlsx 压缩比约 5–10 倍）
_MAX_UNPACK_RATIO: Final[int] = 30
_SNIFF_BYTES: Final[int] = 64 * 1024
_PROGRESS_EVERY: Final[int] = 1000


# ---------------------------------------------------------------------------
# 错误类型
# ---------------------------------------------------------------------------


def _location(row: int | None, column: str | None) -> str:
    parts = []
    if row is not None:
        parts.append(f"第 {row} 行")
    if column:
        parts.append(f"“{column}”列")
    return "".join(parts)


class TabularError(Exception):
    """文件结构性问题（文件类型、编码、工作表、表头等），导致整个文件无法导入。

    ``row``/``column`` 可能为 ``None``（如文件类型错误）；``column`` 是表头文字或列字母。
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
        """带位置的完整中文说明。"""
        loc = _location(self.row, self.column)
        return f"{loc}：{self.reason}" if loc else self.reason

    def __repr__(self) -> str:
        return (
            f"TabularError(row={self.row!r}, column={self.column!r}, "
            f"value={self.value!r}, reason={self.reason!r})"
        )


class RowError(NamedTuple):
    """单元格 / 行级校验错误（NamedTuple：每行可能产生错误，需要轻量）。"""

    row: int
    column: str | None  # 文件中的表头文字（行级错误可为 None）
    value: str | None  # 原始单元格文本
    reason: str
    field: str | None = None  # 对应的 Column.field

    @property
    def message(self) -> str:
        loc = _location(self.row, self.column)
        return f"{loc}：{self.reason}" if loc else self.reason


# ---------------------------------------------------------------------------
# 读取
# ---------------------------------------------------------------------------

FileType = Literal["csv", "xlsx", "xls"]
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


def _cell_str(v: Any) -> str:
    """把 Excel 单元格值转成与用户看到的一致的文本。"""
    if v is None:
        return ""
    t = type(v)
    if t is str:
        return v
    if t is float:
        # Excel 里整数也以浮点存储：12.0 → "12"；15 位有效数字与 Excel 显示一致
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return format(v, ".15g")
    if t is int:
        return str(v)
    if t is bool:
        return "TRUE" if v else "FALSE"
    if t is _dt.datetime:
        if not (v.hour or v.minute or v.second or v.microsecond):
            return v.date().isoformat()  # 纯日期单元格不带 00:00:00
        return v.isoformat(sep=" ", timespec="seconds")
    if t is _dt.date or t is _dt.time:
        return v.isoformat()
    return str(v)


def _is_blank(row: Sequence[str]) -> bool:
    for v in row:
        if v and not v.isspace():
            return False
    return True


def _col_letter(idx: int) -> str:
    """0 起列下标 → Excel 列字母。"""
    s = ""
    n = idx + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _check_headers(raw: Sequence[str], header_row: int, col_offset: int = 0) -> list[str]:
    """去空白、去掉尾部空列，检查空表头和重复表头。``col_offset``：首列之前被省略的列数。"""
    headers = [h.strip() for h in raw]
    while headers and not headers[-1]:
        headers.pop()  # Excel 常在右侧留下带格式的空列，忽略
    seen: dict[str, int] = {}
    for i, h in enumerate(headers):
        if not h:
            letter = _col_letter(i + col_offset)
            raise TabularError(
                header_row, letter, "",
                f"第 {i + col_offset + 1} 列（{letter} 列）表头为空，请填写列名或删除该列",
            )
        key = _norm_header(h)
        if key in seen:
            j = seen[key]
            raise TabularError(
                header_row, h, h,
                f"表头“{h}”重复（{_col_letter(j + col_offset)} 列与 "
                f"{_col_letter(i + col_offset)} 列），每列表头必须唯一",
            )
        seen[key] = i
    return headers


def _size_of(file: IO[bytes]) -> int | None:
    size = getattr(file, "size", None)  # Django UploadedFile 直接给出大小
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
    """不可 seek 的流（如管道）复制到临时文件，同时限制大小。"""
    try:
        if file.seekable():
            return file
    except (AttributeError, ValueError):
        pass
    tmp = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    total = 0
    while chunk := file.read(1024 * 1024):
        total += len(chunk)
        if max_bytes is not None and total > max_bytes:
            tmp.close()
            raise _too_large(max_bytes)
        tmp.write(chunk)
    tmp.seek(0)
    return tmp  # type: ignore[return-value]


def _detect_encoding(file: IO[bytes], start: int) -> str:
    """识别 CSV 编码：BOM → utf-8-sig；首个含非 ASCII 字节的块能按 UTF-8 解码 → utf-8；否则 gb18030。

    纯 ASCII 的块不能区分编码，因此向后找第一个含中文的块（isascii 很快，代价可忽略）。
    """
    file.seek(start)
    head = file.read(_SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel“Unicode 文本”导出为 UTF-16，csv 模块可处理（TextIOWrapper 解码）
        return "utf-16"
    chunk = head
    while chunk and chunk.isascii():
        chunk = file.read(_SNIFF_BYTES)
    encoding = "utf-8"
    if chunk:
        # 把下一块的开头也带上，避免多字节字符被块边界截断时误判
        tail = file.read(4)
        dec = codecs.getincrementaldecoder("utf-8")()
        try:
            dec.decode(chunk + tail, final=not tail)
        except UnicodeDecodeError:
            encoding = "gb18030"  # GBK 的超集，Excel 中文版“CSV（逗号分隔）”即此编码
    file.seek(start)
    return encoding


class TableReader:
    """流式表格读取器（由 :func:`read_rows` 创建）。

    - ``headers``：表头（已去空白）；``header_row``：表头所在行号。
    - 迭代得到 ``(行号, {表头: 文本})``，全空行自动跳过（行号仍按文件计）。
    - 可重复迭代：每次迭代都从头重新流式读取，便于“先校验、再写库”两遍处理。
    - 使用完请 :meth:`close`（或 ``with`` 语句）。
    """

    file_type: FileType
    headers: list[str]
    header_row: int
    sheet_name: str | None
    sheet_names: list[str]
    encoding: str | None

    def __init__(self) -> None:  # pragma: no cover - 仅供子类
        raise TypeError("请使用 read_rows() 创建 TableReader")

    def iter_lists(self) -> Iterator[tuple[int, list[str]]]:
        """逐行产出 ``(行号, 与 headers 等长的文本列表)``；比字典更快，供校验内部使用。"""
        raise NotImplementedError

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        headers = self.headers
        for row_number, values in self.iter_lists():
            yield row_number, dict(zip(headers, values))

    def close(self) -> None:
        """释放底层资源（不关闭调用方传入的文件对象）。"""

    def __enter__(self) -> TableReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _CsvReader(TableReader):
    def __init__(self, file: IO[bytes], encoding: str | None) -> None:
        self.file_type = "csv"
        self.sheet_name = None
        self.sheet_names = []
        self._file = file
        self._start = file.tell()
        self.encoding = encoding or _detect_encoding(file, self._start)
        self._delimiter = ","
        it = self._records()
        try:
            for row_number, rec in it:
                if not _is_blank(rec):
                    if len(rec) == 1 and "\t" in rec[0]:
                        # 没有逗号却有制表符：Excel“文本文件（制表符分隔）”
                        self._delimiter = "\t"
                        rec = rec[0].split("\t")
                    self.header_row = row_number
                    self.headers = _check_headers(rec, row_number)
                    break
            else:
                raise TabularError(None, None, None, "文件为空：没有找到表头行")
        finally:
            it.close()
        if not self.headers:
            raise TabularError(self.header_row, None, None, "表头行为空")

    def _records(self) -> Iterator[tuple[int, list[str]]]:
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
            text.detach()  # 防止 TextIOWrapper 被回收时关闭调用方的文件

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
                        del rec[width:]  # 右侧多余的列（无表头）忽略
                if _is_blank(rec):
                    continue
                yield row_number, rec
        finally:
            it.close()


# --- XLSX ---------------------------------------------------------------

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
_ROW_RE = re.compile(r"^([A-Z]+)(\d+)$")


def _sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """工作表名称 → 包内 XML 路径（解析 workbook.xml 与其 rels，两个文件都很小）。"""
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
    """扫描工作表 XML 中的 <mergeCell ref=...>，返回覆盖指定行的合并区域。

    openpyxl 只读模式不提供合并单元格，这里分块解压并做字节查找，不解析 XML 树。
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
            tail = buf[-256:]  # 保留重叠部分，防止标签被块边界截断
    return found


def _merged_error(row: int, refs: list[str]) -> TabularError:
    return TabularError(
        row, None, None,
        f"表头行存在合并单元格（{'、'.join(refs)}），请取消合并，保证每列只有一个表头",
    )


def _pick_sheet(names: list[str], sheet: str | None) -> str:
    if not names:
        raise TabularError(None, None, None, "工作簿中没有工作表")
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    wanted = _norm_header(sheet)
    for n in names:
        if _norm_header(n) == wanted:
            return n
    raise TabularError(
        None, None, sheet,
        f"工作表“{sheet}”不存在，可用的工作表：{'、'.join(names)}",
    )


class _XlsxReader(TableReader):
    """openpyxl read_only 流式读取（内存与行数无关）。"""

    def __init__(self, file: IO[bytes], sheet: str | None, max_bytes: int | None) -> None:
        self.file_type = "xlsx"
        self.encoding = None
        start = file.tell()
        try:
            zf = zipfile.ZipFile(file)  # 不会关闭调用方的文件对象
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
                unpacked = sum(i.file_size for i in zf.infolist())
                if unpacked > max_bytes * _MAX_UNPACK_RATIO:
                    raise _too_large(max_bytes)
            self.sheet_names = list(paths)
            self.sheet_name = _pick_sheet(self.sheet_names, sheet)
            self._open_sheet(file, start)
            try:
                self._read_header(zf, paths[self.sheet_name])
            except BaseException:
                self.close()
                raise

    def _open_sheet(self, file: IO[bytes], start: int) -> None:
        import openpyxl  # 延迟导入：只处理 CSV 时不付出导入开销

        file.seek(start)
        try:
            self._wb = openpyxl.load_workbook(
                file, read_only=True, data_only=True, keep_links=False
            )  # data_only：公式单元格取缓存的计算结果而非公式文本
        except Exception as exc:  # openpyxl 对损坏文件抛出多种异常
            raise TabularError(None, None, None, f"无法读取 .xlsx 文件：{exc}") from None
        self._ws = self._wb[self.sheet_name]
        self._ws.reset_dimensions()  # 不信任文件自带的 dimension（部分软件写错会截断数据）

    def _read_header(self, zf: zipfile.ZipFile, sheet_path: str) -> None:
        it = self._records(1)
        try:
            for row_number, rec in it:
                if not _is_blank(rec):
                    self.header_row = row_number
                    break
            else:
                raise TabularError(
                    None, None, None, f"工作表“{self.sheet_name}”为空：没有找到表头行"
                )
        finally:
            it.close()  # 关闭 openpyxl 打开的工作表 XML 流
        merged = _merged_ranges_touching(zf, sheet_path, self.header_row)
        if merged:
            raise _merged_error(self.header_row, merged)
        self.headers = _check_headers(rec, self.header_row)

    def _records(self, min_row: int) -> Iterator[tuple[int, list[str]]]:
        cs = _cell_str
        rows = self._ws.iter_rows(min_row=min_row, values_only=True)
        for row_number, row in enumerate(rows, min_row):
            yield row_number, [v if type(v) is str else cs(v) for v in row]

    def iter_lists(self) -> Iterator[tuple[int, list[str]]]:
        width = len(self.headers)
        cs = _cell_str
        rows = self._ws.iter_rows(min_row=self.header_row + 1, values_only=True)
        for row_number, row in enumerate(rows, self.header_row + 1):
            rec = [v if type(v) is str else cs(v) for v in row[:width]]
            if len(rec) < width:
                rec.extend([""] * (width - len(rec)))
            if _is_blank(rec):
                continue
            yield row_number, rec

    def close(self) -> None:
        wb = getattr(self, "_wb", None)
        if wb is not None:
            wb.close()
            self._wb = None


class _CalamineReader(TableReader):
    """python-calamine 读取（.xls 必须用它；整张表载入内存，Rust 实现速度快）。"""

    def __init__(self, file: IO[bytes], sheet: str | None, file_type: FileType) -> None:
        import python_calamine

        self.file_type = file_type
        self.encoding = None
        try:
            self._wb = python_calamine.CalamineWorkbook.from_filelike(file)
        except Exception:  # calamine 对损坏 / 加密文件抛出多种异常
            raise TabularError(
                None, None, None, f"不是有效的 .{file_type} 文件（文件可能已损坏或已加密）"
            ) from None
        self.sheet_names = list(self._wb.sheet_names)
        self.sheet_name = _pick_sheet(self.sheet_names, sheet)
        self._ws = self._wb.get_sheet_by_name(self.sheet_name)
        start = self._ws.start
        self._col0 = start[1] if start else 0  # iter_rows 从数据区首列开始，需换算列字母
        for row_number, rec in self._records():
            if not _is_blank(rec):
                self.header_row = row_number
                break
        else:
            raise TabularError(None, None, None, f"工作表“{self.sheet_name}”为空：没有找到表头行")
        merged = [
            f"{_col_letter(c1)}{r1 + 1}:{_col_letter(c2)}{r2 + 1}"
            for (r1, c1), (r2, c2) in (self._ws.merged_cell_ranges or [])
            if r1 + 1 <= self.header_row <= r2 + 1
        ]
        if merged:
            raise _merged_error(self.header_row, merged)
        self.headers = _check_headers(rec, self.header_row, self._col0)

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        cs = _cell_str
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
            if _is_blank(rec):
                continue
            yield row_number, rec

    def close(self) -> None:
        wb = getattr(self, "_wb", None)
        if wb is not None:
            wb.close()
            self._wb = None


def read_rows(
    file: BinaryIO,
    filename: str,
    *,
    sheet: str | None = None,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
    engine: Literal["openpyxl", "calamine"] = "openpyxl",
) -> TableReader:
    """打开上传的表格文件，读取并检查表头，返回可流式迭代的 :class:`TableReader`。

    :param file: 二进制文件对象（从当前位置开始读取；不会被关闭）。
    :param filename: 原始文件名，仅用扩展名判断类型（.csv/.txt/.xlsx/.xlsm/.xls）。
    :param sheet: 工作表名称，默认第一个工作表（CSV 忽略）。
    :param max_bytes: 文件大小上限，``None`` 表示不限制。
    :param encoding: 强制指定 CSV 编码，默认自动识别。
    :param engine: xlsx 读取引擎。``openpyxl`` 流式、内存恒定（默认）；
        ``calamine`` 更快但整表载入内存。.xls 总是使用 calamine。
    :raises TabularError: 文件类型 / 大小 / 编码 / 工作表 / 表头有问题。
    """
    ftype = _file_type(filename)
    size = _size_of(file)
    if size is not None and max_bytes is not None and size > max_bytes:
        raise _too_large(max_bytes)
    if size == 0:
        raise TabularError(None, None, None, "文件为空")
    file = _seekable_copy(file, max_bytes)  # type: ignore[assignment]
    if ftype == "csv":
        return _CsvReader(file, encoding)
    if ftype == "xls" or engine == "calamine":
        return _CalamineReader(file, sheet, ftype)
    return _XlsxReader(file, sheet, max_bytes)


# ---------------------------------------------------------------------------
# 列定义与解析器
# ---------------------------------------------------------------------------

Parser = Callable[[str], Any]


def _norm_header(h: str) -> str:
    """表头匹配用的规范形式：全角转半角、去空白、去必填标记“*”、忽略大小写。"""
    h = unicodedata.normalize("NFKC", h)
    return "".join(h.split()).strip("*").casefold()


@dataclass(frozen=True, slots=True)
class Column:
    """一列的声明。

    :param header: 中文表头（模板中显示的名称），如 ``"统一社会信用代码"``。
    :param field: 解析后字典中的键（通常是模型字段名）。
    :param parse: 解析函数 ``str -> Any``，失败时抛出带中文说明的 ``ValueError``；
        收到的文本已去除首尾空白且非空。
    :param required: 必填：文件必须有这一列，且每行都不能为空。
        非必填列可以缺失或留空，此时取 ``default``。
    :param aliases: 其他可接受的表头（如英文字段名）。``field`` 本身也总被接受。
    :param help: 填写说明（用于模板、帮助文档）。
    :param default: 非必填且为空时的取值。
    """

    header: str
    field: str
    parse: Parser = str
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""
    default: Any = None

    def names(self) -> tuple[str, ...]:
        """可匹配此列的所有表头。"""
        return (self.header, *self.aliases, self.field)


def _num_str(v: Decimal | int | float) -> str:
    if isinstance(v, Decimal):
        return format(v.normalize(), "f") if v == v.to_integral_value() else format(v, "f")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _range_check(
    v: Any,
    min_value: Any,
    max_value: Any,
    what: str = "数值",
) -> None:
    if min_value is not None and v < min_value or max_value is not None and v > max_value:
        sv = _num_str(v)
        if min_value == 0 and v < 0:
            raise ValueError(f"{what}不能为负数（当前为 {sv}）")
        if min_value is not None and max_value is not None:
            raise ValueError(
                f"{what} {sv} 超出范围，应在 {_num_str(min_value)} 到 {_num_str(max_value)} 之间"
            )
        if min_value is not None:
            raise ValueError(f"{what} {sv} 不能小于 {_num_str(min_value)}")
        raise ValueError(f"{what} {sv} 不能大于 {_num_str(max_value)}")


def text(max_len: int | None = None, *, min_len: int = 0) -> Parser:
    """文本：去首尾空白，检查长度（按字符计，一个汉字算 1 个）。"""

    def parse(s: str) -> str:
        s = s.strip()
        n = len(s)
        if max_len is not None and n > max_len:
            raise ValueError(f"长度不能超过 {max_len} 个字符（当前 {n} 个）")
        if n < min_len:
            raise ValueError(f"长度不能少于 {min_len} 个字符（当前 {n} 个）")
        return s

    return parse


def _to_decimal(s: str, kind: str) -> Decimal:
    try:
        d = Decimal(s.replace(",", "").replace("，", ""))  # 允许千分位
    except InvalidOperation:
        raise ValueError(f"“{s}”不是有效的{kind}") from None
    if not d.is_finite():
        raise ValueError(f"“{s}”不是有效的{kind}")
    return d


def integer(min_value: int | None = None, max_value: int | None = None) -> Parser:
    """整数。接受 ``12``、``12.0``（Excel 数字）与千分位 ``1,200``。"""

    def parse(s: str) -> int:
        try:
            v = int(s)  # 快速路径：绝大多数单元格是纯数字
        except ValueError:
            d = _to_decimal(s.strip(), "整数")
            if d != d.to_integral_value():
                raise ValueError(f"“{s.strip()}”不是整数") from None
            v = int(d)
        _range_check(v, min_value, max_value)
        return v

    return parse


def decimal(
    min_value: Decimal | int | str | None = None,
    max_value: Decimal | int | str | None = None,
    *,
    max_places: int | None = None,
) -> Parser:
    """精确小数（``Decimal``），可限制小数位数，适合金额、数量。"""
    lo = Decimal(min_value) if min_value is not None else None
    hi = Decimal(max_value) if max_value is not None else None

    def parse(s: str) -> Decimal:
        d = _to_decimal(s.strip(), "数字")
        _range_check(d, lo, hi)
        if max_places is not None:
            exp = d.as_tuple().exponent
            if isinstance(exp, int) and -exp > max_places:
                raise ValueError(f"小数位数不能超过 {max_places} 位")
        return d

    return parse


def floating(min_value: float | None = None, max_value: float | None = None) -> Parser:
    """浮点数（``float``），比 :func:`decimal` 快，适合坐标、测量值。"""

    def parse(s: str) -> float:
        try:
            v = float(s)
        except ValueError:
            v = float(_to_decimal(s.strip(), "数字"))
        if not math.isfinite(v):
            raise ValueError(f"“{s.strip()}”不是有效的数字")
        _range_check(v, min_value, max_value)
        return v

    return parse


def non_negative(
    max_value: int | float | Decimal | None = None, *, integer_only: bool = False
) -> Parser:
    """非负数：``integer_only=True`` 返回 int（如人数），否则返回 Decimal（如储量）。"""
    if integer_only:
        return integer(0, int(max_value) if max_value is not None else None)
    return decimal(0, max_value)


def choice(mapping: Mapping[str, Any], *, what: str = "选项") -> Parser:
    """枚举：``mapping`` 把中文名称或代码映射为存储值，如 ``{"一级": 1, "1": 1}``。

    匹配时忽略首尾空白、全角/半角与大小写。
    """
    table = {_norm_header(str(k)): v for k, v in mapping.items()}
    labels = list(dict.fromkeys(str(k) for k in mapping))
    shown = "、".join(labels[:20]) + (f" 等 {len(labels)} 项" if len(labels) > 20 else "")

    def parse(s: str) -> Any:
        try:
            return table[_norm_header(s)]
        except KeyError:
            raise ValueError(f"“{s.strip()}”不是有效的{what}，可选：{shown}") from None

    return parse


def yes_no() -> Parser:
    """是 / 否 → bool。"""
    return choice(
        {"是": True, "否": False, "Y": True, "N": False, "1": True, "0": False,
         "TRUE": True, "FALSE": False},
        what="取值",
    )


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL_RE = re.compile(r"^\d{4,7}(?:\.\d+)?$")
# 只把 1920-01-01 以后的序列号当日期，避免把年份“2024”误认为 1905 年的某天
_SERIAL_MIN: Final[int] = 7306
_SERIAL_MAX: Final[int] = 2958465  # 9999-12-31
_EXCEL_EPOCH: Final[_dt.date] = _dt.date(1899, 12, 30)


def date(
    min_date: _dt.date | None = None, max_date: _dt.date | None = None
) -> Parser:
    """日期 → ``datetime.date``。

    接受 ``YYYY-MM-DD``、``YYYY/MM/DD``、``YYYY.MM.DD``、``YYYY年M月D日``、``YYYYMMDD``、
    带时间的日期（时间被忽略）、Excel 日期序列号（如 ``45292``）。
    """

    def parse(s: str) -> _dt.date:
        s = s.strip()
        m = _DATE_RE.match(s) or _COMPACT_DATE_RE.match(s)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            try:
                v = _dt.date(y, mo, d)
            except ValueError:
                raise ValueError(f"日期“{s}”不存在") from None
        elif _SERIAL_RE.match(s) and _SERIAL_MIN <= float(s) <= _SERIAL_MAX:
            v = _EXCEL_EPOCH + _dt.timedelta(days=int(float(s)))
        else:
            raise ValueError(f"“{s}”不是有效日期，应为 YYYY-MM-DD 或 YYYY/MM/DD 格式")
        if min_date is not None and v < min_date:
            raise ValueError(f"日期 {v.isoformat()} 不能早于 {min_date.isoformat()}")
        if max_date is not None and v > max_date:
            raise ValueError(f"日期 {v.isoformat()} 不能晚于 {max_date.isoformat()}")
        return v

    return parse


_PHONE_STRIP_RE = re.compile(r"[\s\u3000]+")
_MOBILE_RE = re.compile(r"^(?:\+?86|0086)?-?(1[3-9]\d{9})$")
_LANDLINE_RE = re.compile(
    # 区号：010、02X 为 3 位，其余 0[3-9]XX 为 4 位；本地号码不以 0 开头
    r"^[(（]?(010|02\d|0[3-9]\d\d)[)）]?-?([1-9]\d{6,7})(?:(?:-|转|#|分机|ext\.?)(\d{1,6}))?$",
    re.I,
)
_SERVICE_RE = re.compile(r"^([48]00)-?(\d{3})-?(\d{4})$")


def phone() -> Parser:
    """电话：11 位手机号（1[3-9] 开头，可带 +86），带区号的固定电话（可带分机），或 400/800 号码。

    返回规范形式：手机 ``13800138000``、固话 ``010-12345678``（分机 ``010-12345678-123``）、
    ``400-123-4567``。
    """

    def parse(s: str) -> str:
        raw = s.strip()
        t = _PHONE_STRIP_RE.sub("", raw)
        m = _MOBILE_RE.match(t)
        if m:
            return m.group(1)
        m = _LANDLINE_RE.match(t)
        if m:
            area, num, ext = m.groups()
            # 010、02X 为 3 位区号 + 8 位号码；其余为 4 位区号 + 7/8 位号码
            if len(area) == 4 or len(num) == 8:
                return f"{area}-{num}" + (f"-{ext}" if ext else "")
        m = _SERVICE_RE.match(t)
        if m:
            return "-".join(m.groups())
        raise ValueError(
            f"电话“{raw}”格式无效，应为 11 位手机号或带区号的固定电话（如 010-12345678）"
        )

    return parse


# 中国陆地与海域大致经纬度范围（可按部署地区收窄）
CHINA_LON: Final[tuple[float, float]] = (73.4, 135.1)
CHINA_LAT: Final[tuple[float, float]] = (3.8, 53.6)


def _coord(kind: str, lo: float, hi: float, other: tuple[float, float], other_kind: str) -> Parser:
    def parse(s: str) -> float:
        t = s.strip().rstrip("°")
        try:
            v = float(t)
        except ValueError:
            raise ValueError(f"{kind}“{s.strip()}”不是有效数字（应为十进制度数，如 116.397）") from None
        if not math.isfinite(v):
            raise ValueError(f"{kind}“{s.strip()}”不是有效数字")
        if not lo <= v <= hi:
            hint = f"（疑似与{other_kind}填反）" if other[0] <= v <= other[1] else ""
            raise ValueError(f"{kind} {_num_str(v)} 超出中国范围（{lo}–{hi}）{hint}")
        return v

    return parse


def longitude(min_value: float = CHINA_LON[0], max_value: float = CHINA_LON[1]) -> Parser:
    """经度（十进制度，WGS-84/GCJ-02 由调用方约定），默认中国范围。"""
    return _coord("经度", min_value, max_value, CHINA_LAT, "纬度")


def latitude(min_value: float = CHINA_LAT[0], max_value: float = CHINA_LAT[1]) -> Parser:
    """纬度（十进制度），默认中国范围。"""
    return _coord("纬度", min_value, max_value, CHINA_LON, "经度")


def credit_code() -> Parser:
    """统一社会信用代码（GB 32100-2015），返回规范化（大写）后的 18 位代码。"""

    def parse(s: str) -> str:
        reason = validate_credit_code(s)
        if reason is not None:
            raise ValueError(reason)
        return normalize_credit_code(s)

    return parse


# ---------------------------------------------------------------------------
# 校验
# ---------------------------------------------------------------------------

RowValidator = Callable[[dict[str, Any]], "list[tuple[Column | str | None, str]]"]


@dataclass(slots=True)
class ValidationReport:
    """校验结果。``errors`` 最多保存 ``max_errors`` 条，其余只计数（``omitted_errors``）。"""

    headers: list[str]
    matched: dict[str, str]  # field → 文件中的表头
    unknown_headers: list[str]  # 文件中未被任何列使用的表头（被忽略）
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
        """一句话中文摘要，适合显示在导入结果页。"""
        s = f"共 {self.total_rows} 行，有效 {self.valid_rows} 行"
        if self.error_count:
            s += f"，{self.invalid_rows} 行有错误，共 {self.error_count} 处"
            if self.omitted_errors:
                s += f"（仅列出前 {len(self.errors)} 处）"
        return s


def resolve_columns(headers: Sequence[str], columns: Sequence[Column]) -> dict[str, int]:
    """把列声明对应到文件表头，返回 ``field → 表头下标``。

    :raises TabularError: 缺少必填列，或两个表头对应同一列。
    """
    index = {_norm_header(h): i for i, h in enumerate(headers)}
    found: dict[str, int] = {}
    missing: list[str] = []
    for col in columns:
        hits = []
        for name in col.names():
            i = index.get(_norm_header(name))
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
    """核心循环：逐行产出 (行号, 解析值, 错误列表或 None)。保持每行开销最小。"""
    headers = reader.headers
    specs = [
        (found[c.field], c.field, c.parse, c.required, headers[found[c.field]], c.default)
        for c in columns
        if c.field in found
    ]
    absent = {c.field: c.default for c in columns if c.field not in found}
    # 行级校验器返回的列可以是 Column、field 或表头，统一换算成文件表头
    col_header: dict[str | None, str | None] = {None: None}
    for c in columns:
        shown = headers[found[c.field]] if c.field in found else c.header
        col_header[c.field] = col_header[c.header] = shown
    field_of = {h: f for f, h in ((c.field, col_header[c.field]) for c in columns)}

    for row_number, rec in reader.iter_lists():
        values = absent.copy() if absent else {}
        errors: list[RowError] | None = None
        for idx, fname, parse, required, header, default in specs:
            raw = rec[idx]
            s = raw.strip()
            if not s:
                if required:
                    err = RowError(row_number, header, raw, "不能为空（必填）", fname)
                    errors = [err] if errors is None else errors + [err]
                else:
                    values[fname] = default
                continue
            try:
                values[fname] = parse(s)
            except ValueError as exc:
                err = RowError(row_number, header, raw, str(exc) or "格式无效", fname)
                errors = [err] if errors is None else errors + [err]
        if errors is None and row_validator is not None:
            problems = row_validator(values)
            if problems:
                errors = []
                for col, reason in problems:
                    key = col.field if isinstance(col, Column) else col
                    header = col_header.get(key, key)
                    idx = headers.index(header) if header in headers else -1
                    errors.append(
                        RowError(row_number, header, rec[idx] if idx >= 0 else None,
                                 reason, field_of.get(header))
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
    """单遍流式校验。

    :param row_validator: 跨列校验，参数为一行的解析结果（``field → 值``），返回
        ``[(列, 原因), ...]``，列可为 :class:`Column`、field、表头或 ``None``（整行）。
        仅在该行所有单元格都解析成功时调用。
    :param progress: 每处理 1000 行及结束时以已处理行数回调。
    :param keep_rows: 为 ``False`` 时不在内存中保存有效行（10 万行级导入请用此模式），
        内存占用与行数无关。
    :param on_valid_row: 每个有效行的回调 ``(行号, 值)``。
    :param max_errors: 最多保存的错误条数，其余只计数。
    :raises TabularError: 缺少必填列等结构性问题。
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
    """流式产出有效行 ``(行号, 值)``，跳过有错误的行。适合校验通过后第二遍分批写库。"""
    found = resolve_columns(reader.headers, columns)
    for row_number, values, errors in _iter_checked(reader, columns, row_validator, found):
        if errors is None:
            yield row_number, values


# ---------------------------------------------------------------------------
# 导出
# ---------------------------------------------------------------------------

_FORMULA_START: Final[tuple[str, ...]] = ("=", "+", "-", "@", "\t", "\r")
_FLUSH_CHARS: Final[int] = 64 * 1024


def _local_naive(v: _dt.datetime) -> _dt.datetime:
    # 带时区的时间转为本地时间（Django 会把 TZ 设为 TIME_ZONE），Excel 不支持时区
    return v.astimezone().replace(tzinfo=None) if v.tzinfo is not None else v


def _csv_value(v: Any, escape_formulas: bool) -> Any:
    t = type(v)
    if t is str:
        # 防 CSV 公式注入：以 = + - @ 开头的文本在 Excel 中会被当作公式执行
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
        return format(v, "f")  # 避免 1E+2 这样的科学计数法
    return v


def write_csv(
    rows: Iterable[Sequence[Any]],
    headers: Sequence[str],
    out: IO[bytes] | Any,
    *,
    escape_formulas: bool = True,
) -> int:
    """流式写出 UTF-8（带 BOM，Excel 才能正确识别中文）CSV，返回写出的数据行数。

    ``out`` 只需有 ``write(bytes)`` 方法（文件、BytesIO、Django HttpResponse 均可）。
    ``None`` 写为空，布尔写为“是/否”，带时区时间转为本地时间。
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")  # Excel 习惯 CRLF
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


_SHEET_BAD_CHARS = re.compile(r"[\[\]:*?/\\]")


def write_xlsx(
    rows: Iterable[Sequence[Any]],
    headers: Sequence[str],
    out: IO[bytes] | str,
    sheet_title: str = "Sheet1",
) -> int:
    """用 openpyxl write_only 模式流式写出 xlsx（内存与行数无关），返回数据行数。

    表头加粗并冻结首行；以“=”开头的文本按文本写入（不会变成公式）。
    ``out`` 需为可写的二进制文件或路径（zip 格式需要 seek，HttpResponse 请先写入临时文件）。
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    title = _SHEET_BAD_CHARS.sub("_", sheet_title).strip("'")[:31] or "Sheet1"  # Excel 限制
    ws = wb.create_sheet(title)
    for i, h in enumerate(headers, 1):
        # 中文字符约占两个英文字符宽度
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
                    v = illegal.sub("", v)  # 控制字符会导致 openpyxl 报错 / 文件损坏
                if v.startswith("="):
                    c = WriteOnlyCell(ws, value=v)
                    c.data_type = "s"  # 强制为文本，防止公式注入
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
    """流式写出 GeoJSON FeatureCollection（点要素），返回要素数。

    ``features`` 为 ``(属性字典, 经度, 纬度)``；经纬度缺失时 geometry 写为 ``null``。
    ``out`` 只需有 ``write(bytes)`` 方法。
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
            geom = '{"type":"Point","coordinates":[%s,%s]}' % (
                repr(float(lon)), repr(float(lat)))
        s = (",\n" if n else "") + '{"type":"Feature","geometry":%s,"properties":%s}' % (
            geom, dumps(props, ensure_ascii=False, default=_json_default, separators=(",", ":")))
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
    """把校验错误写成 CSV（行号、列、原值、原因），供用户下载后对照修改。"""
    return write_csv(
        ((e.row, e.column or "", e.value or "", e.reason) for e in report.errors),
        ["行号", "列", "原值", "错误原因"],
        out,
    )
