"""Asking for a report, following it while it is prepared, and downloading it.

Every view answers with the authorisation of what the report is about: someone who cannot
see the submission, the review, the board's meetings or the role's letter gets a 404, for the
request, the status page and the download alike.
"""

from __future__ import annotations

import base64
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from assessment.models import Report
from assessment.reports.documents import KINDS, REPORT_SUBJECT_RELATED
from assessment.reports.services import (
    approval_letter_request,
    assessment_report_request,
    board_pack_request,
    qad_report_request,
)
from assessment.views.access import board_for, letter_role_for, review_for
from qad.models import Revision
from qad.views.access import submission_for


def report_for(user, public_id) -> Report:
    """The report a URL names, for a user allowed to see what it reports on (404 otherwise)."""
    report = get_object_or_404(
        Report.objects.select_related(*REPORT_SUBJECT_RELATED), public_id=public_id
    )
    if not KINDS[report.kind].can_view(user, report):
        raise Http404
    return report


@require_POST
@login_required
def qad_report_request_view(request: HttpRequest, public_id) -> HttpResponse:
    """POST: the PDF of a submitted revision (the latest submitted one unless `revision`
    names another). Creates or reuses the report, then shows its status page."""
    submission = submission_for(request.user, public_id)
    frozen = Revision.objects.filter(submission=submission, submitted_at__isnull=False)
    number = request.POST.get("revision", "")
    if number.isdigit():
        revision = get_object_or_404(frozen, number=int(number))
    else:
        revision = frozen.order_by("-number").first()
        if revision is None:
            raise Http404
    revision.submission = submission
    try:
        report = qad_report_request(revision=revision, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("submission-detail", public_id=submission.public_id)
    return redirect(report)


@require_POST
@login_required
def assessment_report_request_view(request: HttpRequest, public_id) -> HttpResponse:
    """POST: the assessment report of a review, as it stands now."""
    review = review_for(request.user, public_id)
    try:
        report = assessment_report_request(review=review, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(review)
    return redirect(report)


@require_POST
@login_required
def board_pack_request_view(request: HttpRequest, code: str, meeting_date: str) -> HttpResponse:
    """POST: the pack for one board meeting (`meeting_date` as YYYY-MM-DD)."""
    code_body = board_for(request.user, code)
    try:
        date = dt.date.fromisoformat(meeting_date)
    except ValueError:
        raise Http404 from None
    try:
        report = board_pack_request(code_body=code_body, meeting_date=date, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("board-meetings", code=code_body.code)
    return redirect(report)


@require_POST
@login_required
def approval_letter_request_view(request: HttpRequest, public_id, role_code: str) -> HttpResponse:
    """POST: the approval letter of one Qualified role of a qualification."""
    role = letter_role_for(request.user, public_id, role_code)
    try:
        report = approval_letter_request(role=role, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(role.qualification)
    return redirect(report)


@require_GET
@login_required
def report_detail(request: HttpRequest, public_id) -> HttpResponse:
    """The report's status: preparing (the fragment polls itself), ready, or failed. An htmx
    request gets the fragment only."""
    report = report_for(request.user, public_id)
    context = {
        "report": report,
        "page": KINDS[report.kind].page(report),
        "stale": report.is_stale(),
    }
    template = "reports/report_detail.html"
    if request.htmx:
        template = "reports/partials/report_status.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
@login_required
def report_download(request: HttpRequest, public_id) -> HttpResponse:
    report = report_for(request.user, public_id)
    if not report.is_ready:
        return redirect(report)
    response = FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=KINDS[report.kind].filename(report),
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # The SHA-256 recorded when the PDF was stored (RFC 9530), for anyone checking a copy.
    digest = base64.b64encode(bytes.fromhex(report.sha256)).decode()
    response["Repr-Digest"] = f"sha-256=:{digest}:"
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
@login_required
def review_word(request: HttpRequest, public_id) -> HttpResponse:
    """The Code Body's review as a Word document, for its own papers: to the Code Body's
    people and portal admins, as the review page."""
    from assessment.reports.review_word import review_document

    review = review_for(request.user, public_id)
    organisation = review.submission.qualification.organisation
    name = (
        f"{review.code_body.code}-review-{organisation.company_number}-"
        f"{dt.date.today().isoformat()}.docx"
    )
    response = HttpResponse(
        review_document(review.pk),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
