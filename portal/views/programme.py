"""The programme dashboard and its exports."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.dashboard import (
    EXPORT_COLUMNS,
    may_see_programme,
    programme_dashboard,
    programme_rows,
    programme_scope,
)
from qualification.csv_cells import csv_safe
from qualification.enums import Route
from qualification.models import Wave

FILTERS = ("wave", "role", "route")
OVERDUE_PAGE_SIZE = 50


def _filters(request: HttpRequest) -> dict:
    filters: dict = {key: request.GET.get(key, "") for key in FILTERS}
    # A lead assessor sees the participants their own Code Body approves.
    filters["code_bodies"] = programme_scope(request.user)
    return filters


@login_required
def programme(request: HttpRequest) -> HttpResponse:
    if not may_see_programme(request.user):
        raise PermissionDenied(
            _("The programme dashboard is for portal admins and lead assessors.")
        )
    return render(request, "qualification/programme.html", _dashboard(request))


def _dashboard(request: HttpRequest) -> dict:
    filters = _filters(request)
    context = programme_dashboard(filters)
    # Every overdue item is counted; a page of them is listed (the export has them all).
    overdue = Paginator(context["overdue"], OVERDUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        {
            "overdue": overdue.object_list,
            "overdue_page": overdue,
            "overdue_query": query.urlencode(),
            "filters": filters,
            "query": request.GET.urlencode(),
            "waves": Wave.objects.order_by("testing_starts"),
            "roles": context["market_roles"],
            "routes": Route.choices,
        }
    )
    return context


def _csv(request: HttpRequest) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in programme_rows(_filters(request)):
        writer.writerow([csv_safe(v) for v in row])
    return out.getvalue()


@login_required
def programme_export(request: HttpRequest, file_format: str) -> HttpResponse:
    if not may_see_programme(request.user):
        raise PermissionDenied
    stamp = timezone.localdate().isoformat()
    if file_format == "xlsx":
        rows = programme_rows(_filters(request))
        from openpyxl import Workbook  # loaded by the first export, not by every web process

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Programme status")
        sheet.append(EXPORT_COLUMNS)
        for row in rows:
            sheet.append([csv_safe(v) for v in row])
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="programme-status-{stamp}.xlsx"'
        return response
    content = _csv(request)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="programme-status-{stamp}.csv"'
    return response
