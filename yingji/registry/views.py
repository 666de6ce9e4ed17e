"""Registry pages (一张表): overview, list, detail, entry forms, delete and import, for every ResourceSpec.

Thin by rule: reads go through registry.queries (scoped), writes through registry.services, imports
through registry.importing (in a background job, see import_jobs).
"""

from __future__ import annotations

import os
import tempfile
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from yingji.core import tabular
from yingji.core.models import Department
from yingji.core.queries import townships
from yingji.core.scoping import Principal

from . import import_jobs, importing, queries, services
from .filters import sort_keys
from .forms import RecordForm
from .models import Warehouse
from .resources import SPECS, ResourceSpec, spec_for

PAGE_SIZE = 50
NUMERIC_FIELDS = ("PositiveIntegerField", "FloatField", "DecimalField", "IntegerField")
PARTS = (("command", "指挥中心 · 应急资源"), ("supervision", "智慧应用 · 监管对象"))


def _spec(slug: str) -> ResourceSpec:
    spec = spec_for(slug)
    if spec is None:
        raise Http404(f"没有名为 {slug} 的数据表")
    return spec


def _nav_part(spec: ResourceSpec) -> str:
    return "apps" if spec.part == "supervision" else "command"


def _may_write(user: Any) -> bool:
    return not Principal.of(user).read_only


def display_value(obj: models.Model, f: models.Field) -> Any:
    """A field's value as people read it: choice labels, related names, 是/否."""
    if f.choices:
        return _(getattr(obj, f"get_{f.name}_display")())
    value = getattr(obj, f.name)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return value


def _filter_options(spec: ResourceSpec, user: Any) -> list[dict[str, Any]]:
    """The select boxes above a list: one per filter field, with the options it offers."""
    out = []
    for name in spec.filter_fields:
        f = spec.field(name)
        if f.choices:
            options = [(str(v), str(label)) for v, label in f.choices]
        elif f.get_internal_type() == "BooleanField":
            options = [("true", _("是")), ("false", _("否"))]
        elif name == "owner_department":
            options = [(str(pk), label) for pk, label in Department.objects.values_list("pk", "name")]
        elif name == "warehouse":
            options = [(str(w.pk), w.name) for w in Warehouse.objects.for_user(user).only("pk", "name")]  # type: ignore[attr-defined]
        else:
            continue
        out.append({"name": name, "label": str(f.verbose_name), "options": options})
    return out


@login_required
def overview_view(request: HttpRequest) -> HttpResponse:
    """一张表: every registry list with the number of records this user can see."""
    groups = []
    for part, title in PARTS:
        items = [{"spec": s, "count": queries.visible(s, request.user).count()} for s in SPECS if s.part == part]
        groups.append({"title": title, "items": items})
    return render(request, "registry/overview.html", {"groups": groups, "nav_part": "data",
                                                      "may_write": _may_write(request.user)})


@login_required
def list_view(request: HttpRequest, slug: str) -> HttpResponse:
    spec = _spec(slug)
    records = queries.visible(spec, request.user, request.GET)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    fields = [spec.field(n) for n in spec.list_fields]
    sortable = sort_keys(spec)
    sort = request.GET.get("sort", "")
    columns = [{"name": f.name, "label": str(f.verbose_name), "sortable": f.name in sortable,
                "sorted": sort.lstrip("-") == f.name, "descending": sort == f"-{f.name}",
                "numeric": f.get_internal_type() in NUMERIC_FIELDS}
               for f in fields]
    rows = [(obj, [display_value(obj, f) for f in fields]) for obj in page]
    context = {
        "spec": spec, "page": page, "columns": columns, "rows": rows, "nav_part": _nav_part(spec),
        "filters": _filter_options(spec, request.user), "townships": townships() if spec.located else None,
        "params": request.GET, "may_write": _may_write(request.user),
        "export_url": f"{reverse('api:api-root')}registry/{spec.slug}/export",
    }
    return render(request, "registry/list.html", context)


@login_required
def detail_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    spec = _spec(slug)
    obj = queries.visible_record(spec, request.user, pk)
    names = list(dict.fromkeys((*spec.list_fields, *spec.form_fields)))
    properties = [(str(spec.field(n).verbose_name), display_value(obj, spec.field(n)))
                  for n in names if n not in ("longitude", "latitude")]
    can_change = spec.model.objects.writable_by(request.user).filter(pk=obj.pk).exists()  # type: ignore[attr-defined]
    context = {"spec": spec, "obj": obj, "properties": properties, "can_change": can_change,
               "nav_part": _nav_part(spec), "point": spec.located and obj.longitude is not None}
    return render(request, "registry/detail.html", context)


def _save(request: HttpRequest, spec: ResourceSpec, obj: Any = None) -> HttpResponse:
    """The shared GET/POST of the new and edit pages; the service does the write."""
    form = RecordForm(spec, request.user, request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in spec.form_fields}
        try:
            if obj is None:
                obj = services.create_record(spec.model, data, actor=request.user)
                messages.success(request, _("已新增：%(name)s") % {"name": obj})
            else:
                obj = services.update_record(obj, data, actor=request.user)
                messages.success(request, _("已保存：%(name)s") % {"name": obj})
            return redirect("registry:detail", slug=spec.slug, pk=obj.pk)
        except ValidationError as exc:
            form.apply_service_errors(exc)
    return render(request, "registry/form.html",
                  {"spec": spec, "form": form, "obj": obj, "nav_part": _nav_part(spec)}, status=200)


@login_required
@require_http_methods(["GET", "POST"])
def create_view(request: HttpRequest, slug: str) -> HttpResponse:
    spec = _spec(slug)
    if not _may_write(request.user):
        raise PermissionDenied(_("您的角色只能查看数据，不能新增记录"))
    return _save(request, spec)


def _writable(spec: ResourceSpec, user: Any, pk: int) -> Any:
    """A record the user may change; 403 when they may see it but not change it, 404 when not even see it."""
    obj = queries.visible_record(spec, user, pk)
    if not spec.model.objects.writable_by(user).filter(pk=obj.pk).exists():  # type: ignore[attr-defined]
        raise PermissionDenied(_("超出您的数据权限范围：您可以查看此记录，但不能修改或删除"))
    return queries.writable_record(spec, user, pk)


@login_required
@require_http_methods(["GET", "POST"])
def edit_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    spec = _spec(slug)
    return _save(request, spec, _writable(spec, request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def delete_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    spec = _spec(slug)
    obj = _writable(spec, request.user, pk)
    if request.method == "POST":
        name = str(obj)
        try:
            services.delete_record(obj, actor=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("registry:detail", slug=spec.slug, pk=pk)
        messages.success(request, _("已删除：%(name)s") % {"name": name})
        return redirect("registry:list", slug=spec.slug)
    return render(request, "registry/confirm_delete.html", {"spec": spec, "obj": obj, "nav_part": _nav_part(spec)})


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload → saved to a temp file → background job; the page then polls the job and shows its report."""
    spec = _spec(slug)
    if not _may_write(request.user):
        raise PermissionDenied(_("您的角色只能查看数据，不能导入"))
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        crs = request.POST.get("crs", "wgs84")
        if upload is None:
            error = _("请选择要导入的 CSV 或 Excel 文件")
        elif crs not in ("wgs84", "gcj02"):
            error = _("坐标系只能是 WGS84 或 GCJ-02")
        else:
            suffix = os.path.splitext(upload.name or "")[1].lower()[:8]
            with tempfile.NamedTemporaryFile(prefix="yingji-import-", suffix=suffix, delete=False) as saved:
                for chunk in upload.chunks():
                    saved.write(chunk)
            job_id = import_jobs.start(
                spec, saved.name, upload.name or "upload", actor=request.user,
                dry_run="dry_run" in request.POST, valid_rows_only=request.POST.get("valid_rows_only") == "on", crs=crs,
            )
            return redirect(f"{reverse('registry:import', args=[spec.slug])}?job={job_id}")
    job = None
    if requested_job := request.GET.get("job"):
        job = import_jobs.get(requested_job, cast(int, request.user.pk))
        if job is None:
            error = _("导入任务不存在或已过期")
    context = {"spec": spec, "job": job, "error": error, "nav_part": "data",
               "columns": importing.columns_for(spec), "crs": request.GET.get("crs", "wgs84")}
    return render(request, "registry/import.html", context)


@login_required
@require_GET
def import_job_view(request: HttpRequest, job_id: str) -> JsonResponse:
    """The progress of one import job, polled by the import page."""
    job = import_jobs.get(str(job_id), cast(int, request.user.pk))
    if job is None:
        raise Http404(_("导入任务不存在或已过期"))
    data = job.as_dict()
    if job.outcome:
        data["outcome"] = {k: v for k, v in job.outcome.items() if k != "errors"}
    return JsonResponse(data)


@login_required
@require_GET
def import_template_view(request: HttpRequest, slug: str) -> HttpResponse:
    """An empty CSV with the Chinese column headers an import expects."""
    spec = _spec(slug)
    headers = [c.header for c in importing.columns_for(spec)]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{spec.slug}-template.csv"'
    tabular.write_csv([], headers, response)
    return response
