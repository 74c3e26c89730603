"""Requesting a report and rendering it: the one place a Report changes.

A request finds or creates the report for what the subject shows now (its fingerprint) and
sends the render to the `reports` queue once the request's transaction commits. The render
(in a worker, or in-process when no broker is configured) claims the report, builds the HTML,
lays it out with WeasyPrint, and stores the PDF under a generated name with its SHA-256. It
is safe to run twice: a report already ready is left alone, and a second render that
finishes after the first throws its file away.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.enums import ReportKind, ReportStatus
from assessment.models import STALE_AFTER, Report, Review
from assessment.reports.documents import (
    approval_letter_fingerprint,
    assessed_revision,
    assessment_fingerprint,
    board_subject_key,
    board_summary_fingerprint,
    qad_submission_fingerprint,
    report_html,
    review_subject_key,
    revision_subject_key,
    role_subject_key,
)
from assessment.reports.rendering import render_pdf
from assessment.rules import can_view_approval_letter, can_view_board, can_view_review
from assessment.services.decisions import role_qualified
from qad.models import Revision
from qad.rules import can_view_submission
from qualification.audit import audit_record
from qualification.models import (
    CodeBody,
    Organisation,
    Qualification,
    QualificationRole,
    RoleApproval,
    User,
)
from qualification.outbox import enqueue_on_commit, tasks_in_hand

logger = logging.getLogger(__name__)

RENDER_TASK = "qad.reports.render"  # the task (assessment.reports.tasks) on the reports queue

# A report is sent to a worker at most this many times (the first request, the sweep's
# re-sends of a lost render) before it is marked failed; people can still try again.
MAX_ATTEMPTS = 3


def _send(report: Report) -> None:
    enqueue_on_commit(RENDER_TASK, report_id=report.pk)


def _report_request(
    *,
    kind: str,
    subject_key: str,
    fingerprint: str,
    subject: dict,
    by: User,
    summary: str,
    qualification: Qualification | None = None,
    organisation: Organisation | None = None,
) -> Report:
    """The report of this kind on this subject for these facts: the one already rendered (or
    being rendered), or a new one sent to be rendered once the transaction commits."""
    with transaction.atomic():
        report, created = Report.objects.get_or_create(
            kind=kind,
            subject_key=subject_key,
            fingerprint=fingerprint,
            defaults={**subject, "requested_by": by},
        )
        if created:
            audit_record(
                kind="report.requested",
                actor=by,
                summary=summary,
                qualification=qualification,
                organisation=organisation,
                target=report,
            )
            _send(report)
            return report
        return _retry_if_lost(report)


def qad_report_request(*, revision: Revision, by: User) -> Report:
    """The QAD submission report of a submitted revision, as it stands now: the one already
    rendered (or being rendered) for the same facts, or a new one sent to be rendered."""
    submission = revision.submission
    if not can_view_submission(by, submission):
        raise PermissionDenied(_("You cannot see this submission."))
    if not revision.is_frozen:
        raise ValidationError(_("Only a submitted revision has a PDF report."))
    return _report_request(
        kind=ReportKind.QAD_SUBMISSION,
        subject_key=revision_subject_key(revision),
        fingerprint=qad_submission_fingerprint(revision),
        subject={"revision": revision},
        by=by,
        summary=f"PDF of the {submission.get_stage_display()} revision {revision.number} requested",
        qualification=submission.qualification,
    )


def assessment_report_request(*, review: Review, by: User) -> Report:
    """A Code Body's assessment report on a submission, as the review stands now. Only the
    people who can see the review (that Code Body's and portal admins) may ask for it."""
    if not can_view_review(by, review):
        raise PermissionDenied(_("You cannot see this review."))
    if assessed_revision(review) is None:
        raise ValidationError(_("Nothing has been submitted for this review yet."))
    submission = review.submission
    return _report_request(
        kind=ReportKind.ASSESSMENT,
        subject_key=review_subject_key(review),
        fingerprint=assessment_fingerprint(review),
        subject={"review": review},
        by=by,
        summary=f"PDF of the {review.code_body.code} assessment of the "
        f"{submission.get_stage_display()} requested",
        # Recorded against the organisation, not the qualification: the qualification's
        # activity is shown to the participant, and this is the Code Body's own business.
        organisation=submission.qualification.organisation,
    )


def board_pack_request(*, code_body: CodeBody, meeting_date: dt.date, by: User) -> Report:
    """The pack for a board meeting, as the participants on its agenda stand now."""
    if not can_view_board(by, code_body):
        raise PermissionDenied(_("You cannot see this board's meetings."))
    if not RoleApproval.objects.filter(code_body=code_body, meeting_date=meeting_date).exists():
        raise ValidationError(_("No participant is on the agenda of that meeting."))
    return _report_request(
        kind=ReportKind.BOARD_SUMMARY,
        subject_key=board_subject_key(code_body, meeting_date),
        fingerprint=board_summary_fingerprint(code_body, meeting_date),
        subject={"code_body": code_body, "meeting_date": meeting_date},
        by=by,
        summary=f"Board pack for the {code_body.approver_name} meeting of "
        f"{meeting_date:%d %b %Y} requested",
    )


def approval_letter_request(*, role: QualificationRole, by: User) -> Report:
    """The approval letter of a Qualified role, as its approvals stand now."""
    if not can_view_approval_letter(by, role):
        raise PermissionDenied(_("You cannot see this qualification's letters."))
    if not role_qualified(role):
        raise ValidationError(
            _("The approval letter is issued once every approving Code Body has approved.")
        )
    return _report_request(
        kind=ReportKind.APPROVAL_LETTER,
        subject_key=role_subject_key(role),
        fingerprint=approval_letter_fingerprint(role),
        subject={"qualification_role": role},
        by=by,
        summary=f"Approval letter for {role.market_role.name} requested",
        qualification=role.qualification,
    )


def _retry_if_lost(report: Report) -> Report:
    """A failed or lost render is sent again when someone asks for the report again."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.status == ReportStatus.FAILED or locked.is_stale():
        locked.status = ReportStatus.PREPARING
        locked.error = ""
        locked.attempts = 0
        locked.queued_at = timezone.now()
        locked.save(update_fields=["status", "error", "attempts", "queued_at"])
        _send(locked)
    return locked


def report_render(*, report_id: int) -> Report | None:
    """Render one report (the `qad.reports.render` task). Returns None if it is gone."""
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status == ReportStatus.READY:
            return report
        report.status = ReportStatus.PREPARING
        report.started_at = timezone.now()
        report.attempts += 1
        report.save(update_fields=["status", "started_at", "attempts"])
    field = report.file.field
    try:
        html = report_html(report)
        pdf = render_pdf(html.html)
        name = field.storage.save(
            field.generate_filename(report, "report.pdf"), ContentFile(pdf.content)
        )
    except Exception as error:
        if isinstance(error, SoftTimeLimitExceeded):
            message = "The render took longer than the time limit."
        else:
            logger.exception("Report %s could not be rendered", report.public_id)
            message = f"{type(error).__name__}: {error}"
        return report_fail(report_id=report_id, error=message)
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report_id)
        if locked.status == ReportStatus.READY:
            # Another run of the same task finished first; keep its file.
            field.storage.delete(name)
            return locked
        locked.file.name = name
        locked.sha256 = pdf.sha256
        locked.size = pdf.size
        locked.page_count = pdf.page_count
        locked.build_seconds = html.seconds
        locked.render_seconds = pdf.weasyprint_seconds
        locked.status = ReportStatus.READY
        locked.error = ""
        locked.finished_at = timezone.now()
        locked.save()
    logger.info(
        "Report %s: %s pages in %.2f s (our code %.2f s, WeasyPrint %.2f s)",
        locked.public_id,
        pdf.page_count,
        html.seconds + pdf.weasyprint_seconds,
        html.seconds,
        pdf.weasyprint_seconds,
    )
    return locked


def report_fail(*, report_id: int, error: str) -> Report | None:
    """Mark a report that is still preparing as failed (a ready one stays ready)."""
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status != ReportStatus.PREPARING:
            return report
        report.status = ReportStatus.FAILED
        report.error = error[:2000]
        report.finished_at = timezone.now()
        report.save(update_fields=["status", "error", "finished_at"])
    return report


# A render a worker started and no live worker holds is sent again after this long.
RESEND_AFTER = dt.timedelta(seconds=45)


def reports_sweep(*, now: dt.datetime | None = None) -> int:
    """Renders lost on the way are sent again, up to MAX_ATTEMPTS; then marked failed: one
    a worker started and no live worker holds any more (its whole worker died, as when its
    container goes) after RESEND_AFTER, and one lost before it started (a broker that was
    down when it was asked for) after STALE_AFTER. Runs every minute."""
    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    lost = set(
        Report.objects.filter(status=ReportStatus.PREPARING, queued_at__lt=cutoff)
        .filter(Q(started_at__isnull=True) | Q(started_at__lt=cutoff))
        .values_list("pk", flat=True)
    )
    started = set(
        Report.objects.filter(
            status=ReportStatus.PREPARING,
            started_at__lt=now - RESEND_AFTER,
            queued_at__lt=now - RESEND_AFTER,
        ).values_list("pk", flat=True)
    )
    if started - lost:
        held = tasks_in_hand(RENDER_TASK)
        if held is not None:
            lost |= started - {kwargs.get("report_id") for kwargs in held}
    count = 0
    for report_id in sorted(lost):
        with transaction.atomic():
            report = Report.objects.select_for_update().get(pk=report_id)
            if report.status != ReportStatus.PREPARING:
                continue
            if report.attempts >= MAX_ATTEMPTS:
                report_fail(report_id=report.pk, error="The render was lost too many times.")
                continue
            report.queued_at = now
            report.save(update_fields=["queued_at"])
            _send(report)
            count += 1
    return count
