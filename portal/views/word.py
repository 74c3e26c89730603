"""The QAD (or one section of it) as a Word document, to read, share and fill offline, and a
filled document brought back: every change shown before any is saved."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from evidence.scanning.clamav import configured_scanner
from evidence.scanning.pipeline import Outcome, check_evidence_file
from qad.checklist import question_anchor
from qad.published import template_outline
from qad.rules import can_edit_answer, can_edit_submission
from qad.services.answers import AnswerLocked, RevisionFrozen, StaleAnswer, answer_save
from qad.views.access import current_revision, submission_for
from qad.word_export import submission_document, typed_answer
from qad.word_import import ReadAnswer, UnreadableDocument, exported_at, read_answers
from qualification.audit import changes_via

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


# --- Bringing a filled document back ---------------------------------------------------------

WORD_LIMIT = 20 * 1024 * 1024  # a QAD with every answer written out is a few hundred KB
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _import_key(submission) -> str:
    return f"word_import:{submission.public_id}"


def _editable_submission(request: HttpRequest, public_id):
    submission = submission_for(request.user, public_id)
    if not can_edit_submission(request.user, submission):
        raise PermissionDenied(_("This QAD cannot be changed now."))
    return submission


def _checked(upload) -> tuple[bytes | None, list[str]]:
    """The document's bytes once it has passed the checks an evidence file passes (type, no
    macros, archive structure and size, no DTD in its XML, malware), or the reasons not."""
    with tempfile.NamedTemporaryFile(suffix=".docx") as stored:
        for chunk in upload.chunks():
            stored.write(chunk)
        stored.flush()
        report = check_evidence_file(
            Path(stored.name), original_name=upload.name, scanner=configured_scanner()
        )
        if report.outcome == Outcome.PENDING:
            return None, [
                _("The portal could not check the file for malware just now: try again shortly.")
            ]
        if report.outcome == Outcome.REJECTED:
            return None, list(report.reasons)
        if report.file_type.content_type != DOCX_TYPE:
            return None, [_("Choose the Word document (.docx) the portal gave you, filled in.")]
        return Path(stored.name).read_bytes(), []


def _rows(request, submission, revision, read, exported=None) -> list[dict]:
    """What importing each box would do: a change, nothing, a conflict with a change made
    online since the document was made, or a refusal with its reason. An answer found by its
    question's number (its box removed) has no version: it counts as changed online unless
    it was last saved before the document was made (`exported`, from its cover)."""
    outline = template_outline(submission.template)
    answers = {
        answer.question_id: answer for answer in revision.answers.select_related("updated_by")
    }
    by_ref = {q.ref: q for q in outline.questions.values()}
    rows = []
    for found in read:
        question = by_ref.get(found.ref)
        answer = answers.get(question.pk) if question is not None else None
        if answer is not None:
            answer.question = question
        row = {
            "ref": found.ref,
            "anchor": question_anchor(found.ref),
            "read": found,
            "answer": answer,
            "question": question,
            "by_number": found.version is None,
            "version": found.version,
        }
        if found.version is None and answer is not None:
            untouched = answer.updated_at is None or (
                exported is not None and answer.updated_at < exported
            )
            row["version"] = answer.version if untouched else None
        if found.problem:
            row["status"], row["reason"] = "refused", found.problem
        elif answer is None:
            row["status"], row["reason"] = "refused", _("this QAD does not ask this question")
        elif not can_edit_answer(request.user, answer, revision):
            row["status"], row["reason"] = "refused", _("this answer cannot be changed now")
        elif found.value == answer.value:
            row["status"] = "unchanged"
        elif answer.version != row["version"]:
            row["status"] = "conflict"
        else:
            row["status"] = "change"
        if answer is not None:
            row["before"] = typed_answer(question, answer.value)
            row["after"] = typed_answer(question, found.value)
        rows.append(row)
    return rows


@login_required
def word_import(request: HttpRequest, public_id) -> HttpResponse:
    """Upload a filled document, then see every change it would make before anything is
    saved."""
    submission = _editable_submission(request, public_id)
    context = {"submission": submission, "max_mb": WORD_LIMIT // (1024 * 1024)}
    if request.method != "POST":
        return render(request, "qad/word_import.html", context)
    upload = request.FILES.get("document")
    problems = []
    if upload is None:
        problems = [_("Choose the filled Word document to bring back.")]
    elif upload.size > WORD_LIMIT:
        problems = [_("That file is larger than the %(n)s MB a QAD document can be.") % {"n": 20}]
    content = None
    if not problems:
        content, problems = _checked(upload)
    read = []
    if content is not None:
        outline = template_outline(submission.template)
        try:
            read = read_answers(content, {q.ref: q for q in outline.questions.values()})
        except UnreadableDocument as unreadable:
            problems = [str(unreadable)]
        if not problems and not read:
            problems = [
                _(
                    "The document has no answer boxes the portal made: export the QAD as a Word "
                    "document, fill in its boxes, and bring that back."
                )
            ]
    if problems:
        return render(
            request, "qad/word_import.html", {**context, "problems": problems}, status=400
        )
    revision = current_revision(submission)
    made = exported_at(content)
    request.session[_import_key(submission)] = {
        "name": upload.name[:120],
        "revision": revision.number,
        "exported_at": made.isoformat() if made else None,
        "answers": [
            {"ref": r.ref, "version": r.version, "value": r.value, "problem": r.problem}
            for r in read
        ],
    }
    rows = _rows(request, submission, revision, read, made)
    return render(
        request,
        "qad/word_import.html",
        {
            **context,
            "rows": rows,
            "name": upload.name,
            "changes": sum(row["status"] in ("change", "conflict") for row in rows),
        },
    )


@require_POST
@login_required
def word_import_apply(request: HttpRequest, public_id) -> HttpResponse:
    """Save the changes the person kept ticked, each over the version the document was made
    from: an answer someone changed online since is kept as a conflict to settle, never
    overwritten."""
    submission = _editable_submission(request, public_id)
    pending = request.session.pop(_import_key(submission), None)
    back = redirect("submission-word-import", public_id=submission.public_id)
    revision = current_revision(submission)
    if pending is None or pending["revision"] != revision.number:
        messages.error(request, _("Bring the document back again: nothing was saved."))
        return back
    read = [ReadAnswer(**answer) for answer in pending["answers"]]
    made = pending.get("exported_at")
    exported = dt.datetime.fromisoformat(made) if made else None
    chosen = set(request.POST.getlist("apply"))
    saved, kept, refused = [], [], []
    with changes_via(_("Word document “%(name)s”") % {"name": pending["name"]}):
        for row in _rows(request, submission, revision, read, exported):
            if row["status"] not in ("change", "conflict") or row["ref"] not in chosen:
                continue
            try:
                answer_save(
                    answer=row["answer"],
                    value=row["read"].value,
                    # Unknown (found by its number, changed online since): no saved answer
                    # has version 0, so it is kept as a conflict.
                    expected_version=0 if row["version"] is None else row["version"],
                    by=request.user,
                )
            except StaleAnswer:
                kept.append(row["ref"])
            except (ValidationError, RevisionFrozen, AnswerLocked):
                refused.append(row["ref"])
            else:
                saved.append(row["ref"])
    if saved:
        messages.success(
            request,
            _("Saved from the document: %(refs)s.") % {"refs": ", ".join(saved)},
        )
    if kept:
        messages.warning(
            request,
            _(
                "Changed online since the document was made, so not overwritten: %(refs)s. "
                "Your text is kept beside each; choose what to keep on its section page."
            )
            % {"refs": ", ".join(kept)},
        )
    if refused:
        messages.error(request, _("Not saved: %(refs)s.") % {"refs": ", ".join(refused)})
    if not (saved or kept or refused):
        messages.info(request, _("Nothing was chosen, so nothing was saved."))
    return redirect("submission-detail", public_id=submission.public_id)
