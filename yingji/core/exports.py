"""Turning any scoped list into a downloadable xlsx, csv or GeoJSON file."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import FileResponse, Http404
from django.utils import timezone

from . import tabular

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
}


def stream_export(
    fmt: str,
    basename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    features: Iterable[tuple[dict[str, Any], float | None, float | None]] | None = None,
) -> FileResponse:
    """Write rows (or point features for GeoJSON) to a spooled file and send it as an attachment."""
    if fmt not in CONTENT_TYPES:
        raise Http404(f"不支持的导出格式：{fmt}")
    # Spooled: small exports stay in memory, big ones go to disk instead of growing the process.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    if fmt == "csv":
        tabular.write_csv(rows, headers, out)
    elif fmt == "xlsx":
        tabular.write_xlsx(rows, headers, out, sheet_title=basename[:31])
    else:
        if features is None:
            raise Http404("此列表没有位置信息，不能导出 GeoJSON")
        tabular.write_geojson(features, out)
    out.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = FileResponse(out, as_attachment=True, filename=f"{basename}-{stamp}.{fmt}")
    response["Content-Type"] = CONTENT_TYPES[fmt]
    return response
