"""Registry API: the same CRUD, export and import endpoints for every ResourceSpec, generated once."""



from typing import Any, BinaryIO, cast

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.orm import create_schema
from pydantic import ConfigDict

from . import exporting, importing, queries, services
from .resources import SPECS, ResourceSpec

router = Router(tags=["registry"])


class ImportReportOut(Schema):
    """The row-by-row outcome of an import, dry run or not."""

    dry_run: bool
    total_rows: int
    valid_rows: int
    error_count: int
    written: int
    errors: list[dict[str, Any]]
    message: str


class _InputSchema(Schema):
    """Relations are read back as `admin_area`, so they are accepted under that name as well as `admin_area_id`."""

    model_config = ConfigDict(populate_by_name=True)


def _schemas(spec: ResourceSpec) -> tuple[type[Schema], type[Schema], type[Schema]]:
    model = spec.model
    name = model.__name__
    out = create_schema(model, name=f"{name}Out", exclude=["is_demo"])
    create_in = create_schema(model, name=f"{name}In", fields=list(spec.form_fields), base_class=_InputSchema)
    patch_in = create_schema(model, name=f"{name}Patch", fields=list(spec.form_fields),
                             optional_fields="__all__", base_class=_InputSchema)  # type: ignore[arg-type]
    return out, create_in, patch_in


def _page_schema(spec: ResourceSpec, out: type[Schema]) -> type[Schema]:
    return type(f"{spec.model.__name__}Page", (Schema,), {"__annotations__": {"count": int, "items": list[out]}})  # type: ignore[valid-type]


def _register(spec: ResourceSpec) -> None:
    out, create_in, patch_in = _schemas(spec)
    page = _page_schema(spec, out)
    base = f"/{spec.slug}"
    op = spec.slug.replace("-", "_")

    @router.get(base, response=page, operation_id=f"list_{op}", summary=f"{spec.label_plural}列表")
    def list_records(request: HttpRequest, limit: int = 50, offset: int = 0) -> dict[str, Any]:
        records = queries.visible(spec, request.user, request.GET)
        limit = max(1, min(limit, 1000))
        return {"count": records.count(), "items": list(records[max(offset, 0) : max(offset, 0) + limit])}

    @router.get(f"{base}/export", operation_id=f"export_{op}", summary=f"导出{spec.label_plural}")
    def export_records(request: HttpRequest, format: str = "xlsx") -> HttpResponseBase:  # noqa: A002 - API field name
        return exporting.export(spec, request.user, request.GET, format)

    @router.post(f"{base}/import", response=ImportReportOut, operation_id=f"import_{op}",
                 summary=f"导入{spec.label_plural}（CSV/Excel，可先试运行）")
    def import_records(
        request: HttpRequest,
        file: File[UploadedFile],
        dry_run: Form[bool] = True,
        valid_rows_only: Form[bool] = False,
        sheet: Form[str] = "",
        crs: Form[str] = "wgs84",
    ) -> importing.ImportOutcome:
        return importing.import_file(
            spec, cast(BinaryIO, file), file.name or "upload", actor=request.user, dry_run=dry_run,
            valid_rows_only=valid_rows_only, sheet=sheet or None, crs=crs,
        )

    @router.get(f"{base}/{{pk}}", response=out, operation_id=f"get_{op}", summary=f"{spec.label}详情")
    def get_record(request: HttpRequest, pk: int) -> Any:
        return queries.visible_record(spec, request.user, pk)

    @router.post(base, response={201: out}, operation_id=f"create_{op}", summary=f"新增{spec.label}")
    def create_record(request: HttpRequest, payload: create_in) -> Status[Any]:  # type: ignore[valid-type]
        data = payload.dict()  # type: ignore[attr-defined]
        return Status(201, services.create_record(spec.model, data, actor=request.user))

    @router.patch(f"{base}/{{pk}}", response=out, operation_id=f"update_{op}", summary=f"修改{spec.label}")
    def update_record(request: HttpRequest, pk: int, payload: patch_in) -> Any:  # type: ignore[valid-type]
        record = queries.writable_record(spec, request.user, pk)
        data = payload.dict(exclude_unset=True)  # type: ignore[attr-defined]
        return services.update_record(record, data, actor=request.user)

    @router.delete(f"{base}/{{pk}}", response={204: None}, operation_id=f"delete_{op}", summary=f"删除{spec.label}")
    def delete_record(request: HttpRequest, pk: int) -> Status[None]:
        services.delete_record(queries.writable_record(spec, request.user, pk), actor=request.user)
        return Status(204, None)


for _spec in SPECS:
    _register(_spec)
