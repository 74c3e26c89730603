"""Uploading, listing, downloading and managing evidence."""

from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from evidence.models import EvidenceItem, EvidenceLink
from evidence.rules import (
    can_add_evidence,
    can_download,
    can_see_evidence,
    download_refusal,
    evidence_visibility,
)
from evidence.selectors import (
    kept_with_orphans,
    register_items,
    register_page,
    register_rows,
    reusable_evidence,
)
from evidence.services import (
    evidence_change,
    evidence_justify,
    evidence_rely,
    evidence_replace,
    evidence_unlink,
    evidence_upload,
)
from evidence.storage import open_stored
from evidence.uploads import EvidenceUploadHandler, digests_for
from qad.checklist import question_anchor
from qad.links import section_url
from qad.models import Question
from qad.published import template_outline
from qad.rules import can_view_submission, is_participant
from qad.views.access import current_revision, submission_for
from qualification.csv_cells import csv_safe
from qualification.input_hygiene import refuses_unreadable_text
from qualification.redirects import local_target
from qualification.url_patterns import reverse_each

REGISTER_PAGE_SIZE = 50
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "text/plain", "text/csv"})


def _too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.EVIDENCE_MAX_BYTES + 64 * 1024  # the form fields around the file


def refuse_too_large(request: HttpRequest, back: str) -> HttpResponse | None:
    """A 413 with a message for a body over the evidence limit, read before any of it is:
    None when the upload may go ahead."""
    if not _too_large(request):
        return None
    limit = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
    return _refuse(
        request,
        _("That file is larger than the %(limit)s MB limit.") % {"limit": f"{limit:,}"},
        back,
        status=413,
    )


def _refuse(request: HttpRequest, message: str, back: str, status: int = 400) -> HttpResponse:
    response = upload_answer(request, ok=False, notes=[message], back=back)
    if isinstance(response, JsonResponse):
        response.status_code = status
    return response


def upload_answer(request: HttpRequest, *, ok: bool, notes, back: str, items=()) -> HttpResponse:
    """The browser's uploader asks for JSON (one file per request); a plain form post gets
    its messages and a redirect back."""
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(
            {
                "ok": ok,
                "messages": [str(n) for n in notes],
                "message": " ".join(str(n) for n in notes),
                "items": list(items),
            },
            status=200 if ok else 400,
        )
    for note in notes:
        (messages.success if ok else messages.error)(request, note)
    return redirect(back)


@csrf_exempt
@login_required
def evidence_upload_view(request: HttpRequest, public_id) -> HttpResponse:
    """Receive one or more files for questions of the current revision.

    CSRF is checked below, after our upload handler is in place: the handlers must be set
    before anything reads the request body, and the CSRF check reads it.
    """
    if request.method != "POST":
        raise Http404
    submission = submission_for(request.user, public_id)
    # From the query string: the body is not read before the upload handlers are set.
    back = local_target(
        request, request.GET.get("back"), f"/submissions/{submission.public_id}/evidence/"
    )
    too_large = refuse_too_large(request, back)
    if too_large is not None:
        return too_large
    request.upload_handlers.insert(0, EvidenceUploadHandler(request))
    return _receive(request, submission, back)


def _each(values: list[str], count: int, *, shared: str | None = None) -> list[str]:
    """One value per file: the values given file by file, or the one given for all (`shared`
    in its place, when given)."""
    if len(values) == count:
        return values
    first = values[0] if values else ""
    return [first if shared is None else shared] * count


@csrf_protect
@refuses_unreadable_text
def _receive(request: HttpRequest, submission, back: str) -> HttpResponse:
    if not can_add_evidence(request.user, submission):
        if not is_participant(request.user, submission):
            raise Http404
        return _refuse(request, _("Evidence cannot be added to this QAD now."), back, 403)
    files = request.FILES.getlist("files")
    received = digests_for(request, "files")
    if not files or len(files) != len(received):
        return _refuse(request, _("Choose a file to upload."), back)
    revision = current_revision(submission)
    questions = list(
        Question.objects.filter(
            template=submission.template,
            pk__in=[q for q in request.POST.getlist("questions") if q.isdigit()],
            answers__revision=revision,
        )
    )
    # Each file may come with its own type and title (in the files' order), or one of each
    # for all of them (a title only when there is one file).
    types = _each(request.POST.getlist("evidence_type"), len(files))
    titles = _each(request.POST.getlist("title"), len(files), shared="" if len(files) > 1 else None)
    results = []
    try:
        for upload, digest, evidence_type, title in zip(
            files, received, types, titles, strict=True
        ):
            results.append(
                evidence_upload(
                    submission=submission,
                    upload=upload,
                    sha256=digest.sha256,
                    title=title,
                    evidence_type=evidence_type,
                    questions=questions,
                    by=request.user,
                )
            )
    except (ValidationError, PermissionDenied) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        return _refuse(request, text, back)
    notes = [
        _("“%(title)s” was already uploaded; it is now linked here too, not stored twice.")
        % {"title": r.item.title}
        if r.duplicate
        else _("“%(title)s” uploaded; it is being checked.") % {"title": r.item.title}
        for r in results
    ]
    return upload_answer(
        request,
        ok=True,
        notes=notes,
        back=back,
        items=[{"id": str(r.item.public_id), "duplicate": r.duplicate} for r in results],
    )


def _register_items(submission, revision, request, kept):
    names = template_outline(submission.template).evidence_type_names
    items = register_items(
        revision,
        kept=kept,
        type_names=names,
        evidence_type=request.GET.get("type", ""),
        state=request.GET.get("state", ""),
        sort=request.GET.get("sort", ""),
    ).filter(evidence_visibility(request.user))
    return items, names


@login_required
def evidence_register(request: HttpRequest, public_id) -> HttpResponse:
    submission = submission_for(request.user, public_id)
    if request.GET.get("format") == "csv":
        revision = current_revision(submission)
        kept = kept_with_orphans(revision)
        items, names = _register_items(submission, revision, request, kept)
        ids = list(items.values_list("pk", flat=True))
        rows = register_rows(ids, revision=revision, type_names=names, kept=kept)
        return _register_csv(submission, revision, rows)
    return render(request, "evidence/register.html", _register_page(request, submission))


def _register_page(request, submission) -> dict:
    revision = current_revision(submission)
    kept = kept_with_orphans(revision)
    items, names = _register_items(submission, revision, request, kept)
    # The database filters, counts and sorts the files; only a page of them is read.
    page = register_page(items, number=request.GET.get("page"), per_page=REGISTER_PAGE_SIZE)
    can_add = can_add_evidence(request.user, submission)
    query = request.GET.copy()
    query.pop("page", None)
    outline = template_outline(submission.template)
    # The questions of this revision, for the upload and reliance forms' lists.
    question_options = [
        (question.pk, f"{question.ref} {Truncator(question.prompt).chars(80)}")
        for question in sorted(
            (
                outline.questions[pk]
                for pk in revision.answers.order_by().values_list("question_id", flat=True)
            ),
            key=lambda question: question.position,
        )
    ]
    rows = register_rows(page.object_list, revision=revision, type_names=names, kept=kept)
    change_url = reverse_each("evidence-change", "public_id")
    for row in rows:
        row.change_url = change_url(row.item.public_id)
    return {
        "submission": submission,
        "revision": revision,
        "rows": rows,
        "page": page,
        "query": query.urlencode(),
        "evidence_types": names,
        "evidence_type_choices": list(names.items()),
        "sort_options": [
            ("uploaded", _("Newest first")),
            ("title", _("Title")),
            ("type", _("Type")),
            ("size", _("Largest first")),
            ("state", _("State")),
        ],
        "max_bytes": settings.EVIDENCE_MAX_BYTES,
        "question_options": question_options,
        "can_add": can_add,
        "reusable": reusable_evidence(
            submission.qualification.organisation, exclude_submission=submission
        )
        if can_add
        else [],
        "filters": {k: request.GET.get(k, "") for k in ("type", "state", "sort")},
        "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
    }


def _register_csv(submission, revision, rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    organisation = submission.qualification.organisation
    filename = f"evidence-{organisation.company_number}-{submission.stage}-r{revision.number}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "Title",
            "Type",
            "Questions",
            "File name",
            "Size (bytes)",
            "SHA-256",
            "State",
            "Relied on",
            "Relied on from",
            "Why it applies",
            "Answered in an earlier version",
            "Uploaded by",
            "Uploaded at",
        ]
    )
    for row in rows:
        item = row.item
        writer.writerow(
            [
                csv_safe(v)
                for v in (
                    item.title,
                    row.type,
                    " ".join(row.questions),
                    item.original_name,
                    item.stored_file.size,
                    item.stored_file.sha256,
                    item.state_label,
                    "yes" if row.relied_on else "no",
                    _reliance_source(item) if row.relied_on else "",
                    row.statement if row.relied_on else "",
                    "; ".join(row.kept_for),
                    item.uploaded_by.full_name,
                    item.uploaded_at.isoformat(timespec="seconds"),
                )
            ]
        )
    return response


def _reliance_source(item) -> str:
    """Where relied-on evidence comes from, as the register page says it."""
    if item.pack_id:
        return _("%(pack)s, published by %(publisher)s") % {
            "pack": item.pack.name,
            "publisher": item.pack.publisher.legal_name,
        }
    return _("Your earlier %(stage)s") % {"stage": item.submission.get_stage_display()}


@login_required
def evidence_download(request: HttpRequest, public_id) -> HttpResponse:
    item = get_object_or_404(
        EvidenceItem.objects.select_related(
            "stored_file", "organisation", "pack", "submission__qualification"
        ),
        public_id=public_id,
    )
    if not can_download(request.user, item):
        if not can_see_evidence(request.user, item):
            raise Http404  # other people's files do not exist for you
        # Yours, but not (yet) servable: say why. A rejected file is never served, so it
        # stays "not found" (404); one whose checks have not finished may be later (409).
        never = item.stored_file.quarantined
        return render(
            request,
            "evidence/not_available.html",
            {
                "item": item,
                "message": download_refusal(item),
                "pending": not never,
                "register": item.submission and can_view_submission(request.user, item.submission),
            },
            status=404 if never else 409,
        )
    stored = item.stored_file
    content_type = stored.content_type or "application/octet-stream"
    # PDFs, images and plain text may open in the browser (sandboxed); anything else, or
    # anything whose type is not known, is a download.
    inline = request.GET.get("inline") == "1" and content_type.split(";")[0] in INLINE_TYPES
    response = FileResponse(
        open_stored(stored.storage_name),
        as_attachment=not inline,
        filename=item.original_name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def evidence_state(request: HttpRequest, public_id) -> HttpResponse:
    """The state badge of one file (polled while it is being checked)."""
    item = get_object_or_404(
        EvidenceItem.objects.select_related("stored_file", "organisation", "pack"),
        public_id=public_id,
    )
    if not can_see_evidence(request.user, item):
        raise Http404
    # Once the checks let the file through, the badge brings its download link along: the
    # page drew none while it was being checked. (can_download, with can_see_evidence known.)
    return render(
        request,
        "evidence/partials/state.html",
        {"item": item, "offer_download": item.stored_file.downloadable},
    )


@require_POST
@login_required
def evidence_remove(request: HttpRequest, public_id, link_id: int) -> HttpResponse:
    submission = submission_for(request.user, public_id)
    link = get_object_or_404(
        EvidenceLink.objects.select_related("item", "question__section", "revision"),
        pk=link_id,
        revision__submission=submission,
    )
    try:
        evidence_unlink(link=link, by=request.user)
    except PermissionDenied as error:
        if not is_participant(request.user, submission):
            raise Http404 from None
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("“%(title)s” no longer supports %(ref)s.")
            % {"title": link.item.title, "ref": link.question.ref},
        )
    return redirect(_question_page(submission, link))


def _question_page(submission, link: EvidenceLink) -> str:
    """The link's question on its section page, with its evidence panel open."""
    question = link.question
    return section_url(
        submission, question.section, question_anchor(question.ref), evidence=question.ref
    )


@csrf_exempt
@login_required
def evidence_replace_view(request: HttpRequest, public_id, link_id: int) -> HttpResponse:
    if request.method != "POST":
        raise Http404
    submission = submission_for(request.user, public_id)
    link = get_object_or_404(
        EvidenceLink.objects.select_related("item__stored_file", "question__section", "revision"),
        pk=link_id,
        revision__submission=submission,
    )
    back = _question_page(submission, link)
    if _too_large(request):
        return _refuse(request, _("That file is larger than the limit."), back, 413)
    request.upload_handlers.insert(0, EvidenceUploadHandler(request))
    return _replace(request, submission, link, back)


@csrf_protect
@refuses_unreadable_text
def _replace(request, submission, link, back) -> HttpResponse:
    if not is_participant(request.user, submission):
        raise Http404
    files = request.FILES.getlist("files")
    received = digests_for(request, "files")
    if len(files) != 1 or len(received) != 1:
        return _refuse(request, _("Choose one file to replace it with."), back)
    try:
        new = evidence_replace(
            link=link, upload=files[0], sha256=received[0].sha256, by=request.user
        )
    except (ValidationError, PermissionDenied) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        return _refuse(request, text, back)
    return upload_answer(
        request,
        ok=True,
        notes=[_("New version uploaded; it is being checked. The old one is kept for the record.")],
        back=back,
        items=[{"id": str(new.public_id), "replaces": str(link.item.public_id)}],
    )


@require_POST
@login_required
def evidence_justify_view(request: HttpRequest, public_id) -> HttpResponse:
    item = get_object_or_404(
        EvidenceItem.objects.select_related("stored_file", "submission"), public_id=public_id
    )
    if item.submission is None or not is_participant(request.user, item.submission):
        raise Http404
    try:
        evidence_justify(
            item=item, justification=request.POST.get("justification", ""), by=request.user
        )
    except (ValidationError, PermissionDenied) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
    else:
        messages.success(request, _("Explanation saved; the reviewers will see it."))
    return redirect("evidence-register", public_id=item.submission.public_id)


@require_POST
@login_required
def evidence_rely_view(request: HttpRequest, public_id) -> HttpResponse:
    submission = submission_for(request.user, public_id)
    if not can_add_evidence(request.user, submission):
        if not is_participant(request.user, submission):
            raise Http404
        raise PermissionDenied
    item = EvidenceItem.objects.filter(public_id=request.POST.get("item") or None).first()
    question = Question.objects.filter(
        template=submission.template, pk=request.POST.get("question") or 0
    ).first()
    if item is None or question is None:
        messages.error(request, _("Choose the evidence and the question it supports."))
        return redirect("evidence-register", public_id=submission.public_id)
    try:
        evidence_rely(
            submission=submission,
            item=item,
            question=question,
            statement=request.POST.get("statement", ""),
            by=request.user,
        )
    except (ValidationError, PermissionDenied) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
    else:
        messages.success(request, _("Reliance recorded for %(ref)s.") % {"ref": question.ref})
    return redirect("evidence-register", public_id=submission.public_id)


@login_required
def evidence_change_view(request: HttpRequest, public_id) -> HttpResponse:
    """Correct a file's title and type, and the questions of the draft it supports."""
    item = get_object_or_404(
        EvidenceItem.objects.select_related("stored_file", "submission__template"),
        public_id=public_id,
    )
    submission = item.submission
    if submission is None or not is_participant(request.user, submission):
        raise Http404
    if not can_add_evidence(request.user, submission):
        raise PermissionDenied(_("Evidence cannot be changed in this QAD now."))
    revision = current_revision(submission)
    linked = set(
        EvidenceLink.objects.filter(revision=revision, item=item).values_list(
            "question_id", flat=True
        )
    )
    typed = {"title": item.title, "evidence_type": item.evidence_type, "questions": linked}
    status = 200
    if request.method == "POST":
        chosen = {int(q) for q in request.POST.getlist("questions") if q.isdigit()}
        typed = {
            "title": request.POST.get("title", ""),
            "evidence_type": request.POST.get("evidence_type", ""),
            "questions": chosen,
        }
        try:
            evidence_change(
                item=item,
                title=typed["title"],
                evidence_type=typed["evidence_type"],
                questions=Question.objects.filter(template=submission.template, pk__in=chosen),
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(request, text)
            status = 400
        else:
            messages.success(request, _("“%(title)s” changed.") % {"title": typed["title"]})
            return redirect("evidence-register", public_id=submission.public_id)
    outline = template_outline(submission.template)
    questions = (
        Question.objects.filter(template=submission.template, answers__revision=revision)
        .order_by("position")
        .only("pk", "ref", "prompt")
    )
    return render(
        request,
        "evidence/change.html",
        {
            "item": item,
            "submission": submission,
            "typed": typed,
            "evidence_types": list(outline.evidence_type_names.items()),
            "questions": questions,
        },
        status=status,
    )
