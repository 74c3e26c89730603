"""The QAD (or one section of it) as a Word document, to read, share and fill offline."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from qad.published import template_outline
from qad.views.access import current_revision, submission_for
from qad.word_export import submission_document

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@require_GET
@login_required
def submission_word(request: HttpRequest, public_id) -> HttpResponse:
    submission = submission_for(request.user, public_id)
    section_ref = request.GET.get("section", "")
    if section_ref and template_outline(submission.template).section(section_ref) is None:
        raise Http404
    revision = current_revision(submission)
    content = submission_document(submission, revision, section_ref=section_ref, by=request.user)
    organisation = submission.qualification.organisation
    part = f"-section-{section_ref}" if section_ref else ""
    name = (
        f"QAD-{organisation.company_number}-{submission.stage}-r{revision.number}{part}-"
        f"{timezone.localdate().isoformat()}.docx"
    )
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
