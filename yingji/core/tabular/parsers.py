"""Declarative column definitions (:class:`Column`) and the cell parser factories.

A parser takes the stripped, non-empty cell text and returns the parsed value, or raises ``ValueError``
with a user-facing Chinese reason.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from ..credit_code import normalize_credit_code, validate_normalized
from .headers import norm_header

Parser = Callable[[str], Any]


@dataclass(frozen=True, slots=True)
class Column:
    """Declaration of one column.

    :param header: Chinese header shown in the template, e.g. ``"统一社会信用代码"``.
    :param field: key in the parsed dict (usually the model field name).
    :param parse: parser ``str -> Any`` raising ``ValueError`` with a Chinese reason on failure;
        it receives text that is already stripped and non-empty.
    :param required: the file must contain this column and no row may leave it empty.
        Optional columns may be absent or empty, in which case ``default`` is used.
    :param aliases: other accepted headers (e.g. English field names). ``field`` itself is always accepted.
    :param help: filling instructions (for templates and help pages).
    :param default: value used when an optional cell is empty.
    """

    header: str
    field: str
    parse: Parser = str
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""
    default: Any = None

    def names(self) -> tuple[str, ...]:
        """All headers that match this column."""
        return (self.header, *self.aliases, self.field)


def _num_str(v: Decimal | int | float) -> str:
    """Format a number for messages without exponent or trailing ".0"."""
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
    if (min_value is not None and v < min_value) or (max_value is not None and v > max_value):
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
    """Text: strip, then check the length in characters (one Chinese character counts as 1)."""

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
        d = Decimal(s.replace(",", "").replace("，", ""))  # allow thousands separators
    except InvalidOperation:
        raise ValueError(f"“{s}”不是有效的{kind}") from None
    if not d.is_finite():
        raise ValueError(f"“{s}”不是有效的{kind}")
    return d


def integer(min_value: int | None = None, max_value: int | None = None) -> Parser:
    """Integer. Accepts ``12``, ``12.0`` (Excel numbers) and thousands separators (``1,200``)."""

    def parse(s: str) -> int:
        try:
            v = int(s)  # fast path: almost every cell is a plain number
        except ValueError:
            d = _to_decimal(s.strip(), "整数")
            if d != d.to_integral_value():
                raise ValueError(f"“{s.strip()}”不是整数") from None
            v = int(d)
        _range_check(v, min_value, max_value)
        return v

    return parse


def decimal(
    min_value: Decimal | int | float | str | None = None,
    max_value: Decimal | int | float | str | None = None,
    *,
    max_places: int | None = None,
) -> Parser:
    """Exact decimal (``Decimal``) with an optional limit on decimal places; for amounts and quantities."""
    # str() makes a float bound such as 0.1 compare by its literal value, not 0.1000000000000000055…
    lo = Decimal(str(min_value)) if min_value is not None else None
    hi = Decimal(str(max_value)) if max_value is not None else None

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
    """Float; faster than :func:`decimal`, for coordinates and measurements."""

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
    """Non-negative number: an int with ``integer_only=True`` (e.g. head counts), else a Decimal (e.g. stock)."""
    if integer_only:
        return integer(0, int(max_value) if max_value is not None else None)
    return decimal(0, max_value)


def choice(mapping: Mapping[str, Any], *, what: str = "选项") -> Parser:
    """Enumeration: ``mapping`` maps Chinese labels or codes to stored values, e.g. ``{"一级": 1, "1": 1}``.

    Matching ignores surrounding whitespace, full-width/half-width forms and case.
    """
    exact = {str(k): v for k, v in mapping.items()}
    table = {norm_header(k): v for k, v in exact.items()}
    labels = list(exact)
    shown = "、".join(labels[:20]) + (f" 等 {len(labels)} 项" if len(labels) > 20 else "")

    def parse(s: str) -> Any:
        if s in exact:
            return exact[s]  # fast path: exact match skips NFKC normalisation
        try:
            return table[norm_header(s)]
        except KeyError:
            raise ValueError(f"“{s.strip()}”不是有效的{what}，可选：{shown}") from None

    return parse


def yes_no() -> Parser:
    """是 / 否 (yes / no) → bool."""
    return choice(
        {"是": True, "否": False, "Y": True, "N": False, "1": True, "0": False,
         "TRUE": True, "FALSE": False},
        what="取值",
    )


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL_RE = re.compile(r"^\d{4,7}(?:\.\d+)?$")
# Only serial numbers from 1920-01-01 on count as dates, so a year like "2024" is not read as a day in 1905
_SERIAL_MIN: Final[int] = 7306
_SERIAL_MAX: Final[int] = 2958465  # 9999-12-31
_EXCEL_EPOCH: Final[_dt.date] = _dt.date(1899, 12, 30)


def _parse_date_text(s: str) -> _dt.date:
    if len(s) == 10 and s[4] == "-" and s[7] == "-":
        try:
            return _dt.date.fromisoformat(s)  # fast path (C implementation) for the common YYYY-MM-DD
        except ValueError:
            pass  # maybe 2020-1-5 or a nonexistent date: the code below gives the precise reason
    m = _DATE_RE.match(s) or _COMPACT_DATE_RE.match(s)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        try:
            return _dt.date(y, mo, d)
        except ValueError:
            raise ValueError(f"日期“{s}”不存在") from None
    if _SERIAL_RE.match(s) and _SERIAL_MIN <= float(s) <= _SERIAL_MAX:
        return _EXCEL_EPOCH + _dt.timedelta(days=int(float(s)))
    raise ValueError(f"“{s}”不是有效日期，应为 YYYY-MM-DD 或 YYYY/MM/DD 格式")


def date(
    min_date: _dt.date | None = None, max_date: _dt.date | None = None
) -> Parser:
    """Date → ``datetime.date``.

    Accepts ``YYYY-MM-DD``, ``YYYY/MM/DD``, ``YYYY.MM.DD``, ``YYYY年M月D日``, ``YYYYMMDD``,
    a date followed by a time (the time is ignored) and Excel serial numbers (e.g. ``45292``).
    """

    def parse(s: str) -> _dt.date:
        s = s.strip()
        v = _parse_date_text(s)
        if min_date is not None and v < min_date:
            raise ValueError(f"日期 {v.isoformat()} 不能早于 {min_date.isoformat()}")
        if max_date is not None and v > max_date:
            raise ValueError(f"日期 {v.isoformat()} 不能晚于 {max_date.isoformat()}")
        return v

    return parse


_PHONE_STRIP_RE = re.compile(r"[\s\u3000]+")
_PLAIN_MOBILE_RE = re.compile(r"1[3-9]\d{9}$")
_MOBILE_RE = re.compile(r"^(?:\+?86|0086)?-?(1[3-9]\d{9})$")
_LANDLINE_RE = re.compile(
    # Area codes: 010 and 02X have 3 digits, other 0[3-9]XX have 4; local numbers don't start with 0
    r"^[(（]?(010|02\d|0[3-9]\d\d)[)）]?-?([1-9]\d{6,7})(?:(?:-|转|#|分机|ext\.?)(\d{1,6}))?$",
    re.I,
)
_SERVICE_RE = re.compile(r"^([48]00)-?(\d{3})-?(\d{4})$")


def phone() -> Parser:
    """Phone: 11-digit mobile (starting 1[3-9], optional +86), landline with area code (optional extension),
    or a 400/800 number.

    Returns the canonical form: mobile ``13800138000``, landline ``010-12345678`` (with extension
    ``010-12345678-123``), ``400-123-4567``.
    """

    def parse(s: str) -> str:
        raw = s.strip()
        if len(raw) == 11 and _PLAIN_MOBILE_RE.match(raw):
            return raw  # fast path: a bare 11-digit mobile number
        t = _PHONE_STRIP_RE.sub("", raw)
        m = _MOBILE_RE.match(t)
        if m:
            return m.group(1)
        m = _LANDLINE_RE.match(t)
        if m:
            area, num, ext = m.groups()
            # 010/02X: 3-digit area code + 8-digit number; others: 4-digit area code + 7 or 8 digits
            if len(area) == 4 or len(num) == 8:
                return f"{area}-{num}" + (f"-{ext}" if ext else "")
        m = _SERVICE_RE.match(t)
        if m:
            return "-".join(m.groups())
        raise ValueError(
            f"电话“{raw}”格式无效，应为 11 位手机号或带区号的固定电话（如 010-12345678）"
        )

    return parse


# Rough longitude/latitude bounds of China's land and sea area (may be narrowed per deployment)
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
            # A value within the other axis' range suggests longitude and latitude were swapped
            hint = f"（疑似与{other_kind}填反）" if other[0] <= v <= other[1] else ""
            raise ValueError(f"{kind} {_num_str(v)} 超出中国范围（{lo}–{hi}）{hint}")
        return v

    return parse


def longitude(min_value: float = CHINA_LON[0], max_value: float = CHINA_LON[1]) -> Parser:
    """Longitude in decimal degrees (WGS-84 vs GCJ-02 is up to the caller); defaults to China's range."""
    return _coord("经度", min_value, max_value, CHINA_LAT, "纬度")


def latitude(min_value: float = CHINA_LAT[0], max_value: float = CHINA_LAT[1]) -> Parser:
    """Latitude in decimal degrees; defaults to China's range."""
    return _coord("纬度", min_value, max_value, CHINA_LON, "经度")


def credit_code() -> Parser:
    """Unified social credit code (GB 32100-2015); returns the normalised (upper-case) 18-character code."""

    def parse(s: str) -> str:
        norm = normalize_credit_code(s)
        reason = validate_normalized(norm)
        if reason is not None:
            raise ValueError(reason)
        return norm

    return parse
