"""Streaming table import / export engine (CSV, XLSX, XLS); pure Python, no Django.

Import flow::

    with read_rows(upload, upload.name, sheet="企业名单") as reader:
        report = validate_table(reader, COLUMNS, keep_rows=False)   # pass 1: validate only
        if report.ok:
            for row_number, values in iter_valid_rows(reader, COLUMNS):  # pass 2: write to the database
                ...

- :func:`read_rows` reads row by row (CSV encoding auto-detected: UTF-8 / UTF-8 with BOM / GBK (GB18030);
  XLSX via openpyxl's streaming read-only mode or calamine); structural problems raise :class:`TabularError`.
- :class:`Column` declares a column; common parsers are provided (:func:`text`, :func:`integer`,
  :func:`decimal`, :func:`date`, ...) and raise ``ValueError`` with a Chinese reason on failure.
- :func:`validate_table` validates in a single streaming pass and returns a :class:`ValidationReport`.
- :func:`write_csv`, :func:`write_xlsx`, :func:`write_geojson` export in a streaming fashion.

Row numbers match what users see in Excel: the header is usually row 1 and the first record row 2.

Modules: ``errors`` (exceptions), ``reading`` (:func:`read_rows`), ``table_reader`` / ``csv_reader`` /
``excel_reader`` (reader implementations), ``headers`` (header normalisation), ``parsers`` (columns and
parsers), ``validation``, ``writing``.
"""

from .errors import RowError, TabularError
from .parsers import CHINA_LAT as CHINA_LAT
from .parsers import CHINA_LON as CHINA_LON
from .parsers import (
    Column,
    choice,
    credit_code,
    date,
    decimal,
    floating,
    integer,
    latitude,
    longitude,
    non_negative,
    phone,
    text,
    yes_no,
)
from .parsers import Parser as Parser
from .reading import CALAMINE_MAX_BYTES, DEFAULT_MAX_BYTES, read_rows
from .table_reader import FileType as FileType
from .table_reader import TableReader
from .validation import RowValidator as RowValidator
from .validation import ValidationReport, iter_valid_rows, resolve_columns, validate_table
from .writing import write_csv, write_error_report, write_geojson, write_xlsx

__all__ = [
    # Reading
    "read_rows",
    "TableReader",
    "TabularError",
    "DEFAULT_MAX_BYTES",
    "CALAMINE_MAX_BYTES",
    # Column declarations and parsers
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
    # Validation
    "validate_table",
    "iter_valid_rows",
    "resolve_columns",
    "RowError",
    "ValidationReport",
    # Export
    "write_csv",
    "write_xlsx",
    "write_geojson",
    "write_error_report",
]
