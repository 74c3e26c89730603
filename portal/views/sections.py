"""A section of the QAD on its own page: every question with its guidance, saved whole by a
plain form post, or question by question as the participant types (htmx)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.models import Clarification
from evidence.selectors import (
    EvidenceTally,
    evidence_tallies,
    files_needing_a_look,
    revision_links,
)
from qad.checklist import question_anchor
from qad.enums import AnswerType, VersionStatus
from qad.forms import QuestionForm
from qad.links import section_url
from qad.models import (
    Answer,
    AnswerConflict,
    OrphanedAnswer,
    Revision,
    Section,
    Submission,
)
from qad.published import remembered, template_outline
from qad.rules import answers_editable, can_edit_submission
from qad.selectors import submission_sections
from qad.services.answers import (
    AnswerLocked,
    RevisionFrozen,
    StaleAnswer,
    answer_save,
    section_counts,
)
from qad.services.moves import answer_confirm
from qad.views.access import current_revision, latest_answer_for, submission_for
from qad.views.unsaved import forget_unsaved, keep_typed_text_when_signed_out, take_unsaved
from qualification.url_patterns import reverse_each


@dataclass
class QuestionBlock:
    """Everything the page shows for one question."""

    answer: Answer
    form: QuestionForm
    editable: bool
    anchor: str
    autosave_url: str = ""
    clarifications: list[Clarification] = field(default_factory=list)
    conflict: AnswerConflict | None = None
    saved: bool = False
    expected_evidence: list[tuple[str, bool]] = field(default_factory=list)
    guidance: str = ""  # the guidance beside the question, drawn once per published version
    problem_files: list = field(default_factory=list)  # its files that need a look
    evidence: EvidenceTally = field(default_factory=EvidenceTally)
    # The files and their forms are drawn only in an open evidence panel (None: closed; the
    # panel is fetched from `evidence_url` when the participant opens it).
    evidence_links: list | None = None
    evidence_type_choices: list[tuple[str, str]] = field(default_factory=list)
    evidence_url: str = ""
    evidence_page_url: str = ""  # this section with the panel open, where uploads lead back
    # The answer given before a move to a version where this question takes another kind
    # of answer: shown beside the question while the participant confirms.
    earlier: OrphanedAnswer | None = None

    @property
    def question(self):
        return self.answer.question

    @property
    def upload_form_id(self) -> str:
        return f"upload-{self.answer.question_id}"

    @property
    def shows_evidence(self) -> bool:
        return bool(
            self.evidence.files
            or self.expected_evidence
            or self.question.answer_type == AnswerType.EVIDENCE_ONLY
        )


def _section_answers(
    submission: Submission, revision: Revision, section: Section, reader=None
) -> list[Answer]:
    """The section's answers in order, each with its question as the published outline
    holds it (read once per process, not once per request). With `reader`, each answer also
    says whether the reader has an open conflict on it (`reader_conflicted`), so that the
    conflicts themselves are read only when there are some."""
    questions = template_outline(submission.template).questions
    found = revision.answers.filter(question__section_id=section.pk).select_related("updated_by")
    if reader is not None:
        found = found.annotate(
            reader_conflicted=Exists(
                AnswerConflict.objects.filter(
                    answer=OuterRef("pk"), written_by=reader, resolved_at__isnull=True
                )
            )
        )
    answers = list(found)
    for answer in answers:
        answer.question = questions[answer.question_id]
    answers.sort(key=lambda answer: answer.question.position)
    return answers


def _blocks(
    request,
    submission,
    revision,
    answers,
    data=None,
    extra_rows=None,
    *,
    open_evidence: str = "",
    whole_page: bool = True,
    conflicts: dict[int, AnswerConflict] | None = None,
) -> list:
    """A block per answer. `whole_page` False: only what an answer's save status shows (no
    clarifications, evidence or earlier answers). The evidence panels drawn open are the one
    named by `open_evidence` (a question's ref) and those with files that need a look.
    `conflicts`: the reader's open conflicts by answer, when the caller has read them."""
    if conflicts is None:
        # Answers read with `reader_conflicted` say whether there is anything to read.
        conflicted = [a for a in answers if getattr(a, "reader_conflicted", True)]
        conflicts = (
            {
                c.answer_id: c
                for c in AnswerConflict.objects.filter(
                    answer__in=conflicted, written_by=request.user, resolved_at__isnull=True
                ).order_by("written_at")
            }
            if conflicted
            else {}
        )
    # Who may edit is the same for every answer but the reopened ones: asked once.
    editable_answers = answers_editable(request.user, answers, revision)
    autosave_url = reverse_each("answer-autosave", "question_ref", public_id=submission.public_id)
    blocks = []
    for answer in answers:
        editable = editable_answers[answer.pk]
        form = QuestionForm(
            answer.question,
            answer,
            data=data,
            extra_rows=(extra_rows or {}).get(answer.question_id, 0),
            editable=editable,
            kept=conflicts.get(answer.pk) if editable else None,
        )
        blocks.append(
            QuestionBlock(
                answer=answer,
                form=form,
                editable=editable,
                anchor=question_anchor(answer.question.ref),
                autosave_url=autosave_url(answer.question.ref) if editable else "",
                conflict=conflicts.get(answer.pk),
            )
        )
    if whole_page and blocks:
        _add_clarifications(submission, revision, blocks)
        _add_evidence(submission, revision, blocks, open_evidence)
        _add_earlier(revision, blocks)
    return blocks


def _add_clarifications(
    submission: Submission, revision: Revision, blocks: list[QuestionBlock]
) -> None:
    threads: dict[int, list[Clarification]] = {}
    if revision.number == 1 and revision.submitted_at is None:
        # Clarifications are raised on a submitted revision: a QAD never submitted has none.
        return
    for clarification in (
        Clarification.objects.filter(
            submission=submission, question__in=[b.answer.question_id for b in blocks]
        )
        .exclude(state=Clarification.State.DRAFT)
        .select_related("code_body")
        .prefetch_related("messages__author")
    ):
        threads.setdefault(clarification.question_id, []).append(clarification)
    for block in blocks:
        block.clarifications = threads.get(block.answer.question_id, [])


def _add_evidence(
    submission: Submission, revision: Revision, blocks: list[QuestionBlock], open_evidence: str
) -> None:
    names = template_outline(submission.template).evidence_type_names
    tallies = evidence_tallies(revision, [b.answer.question_id for b in blocks])
    panel_url = reverse_each("answer-evidence", "question_ref", public_id=submission.public_id)
    page_url = section_url(submission, blocks[0].question.section)
    for block in blocks:
        question = block.question
        block.evidence = tallies.get(question.pk, EvidenceTally())
        block.expected_evidence = [
            (names.get(item["type"], item["type"]), item.get("required", False))
            for item in question.evidence
        ]
        block.evidence_url = panel_url(question.ref)
        block.evidence_page_url = (
            f"{page_url}?{urlencode({'evidence': question.ref})}#{block.anchor}"
        )
    guidance = _guidance(submission.template, blocks)
    for block in blocks:
        block.guidance = guidance[block.question.pk]
    # Panels are loaded when opened (htmx); only the one a link asks for is drawn open. The
    # files that need a look are named under their question without opening anything: one
    # query for the whole page, only when some do.
    opened = [b for b in blocks if b.shows_evidence and b.question.ref == open_evidence]
    if opened:
        _open_evidence(submission, revision, opened)
    _add_problem_files(revision, [b for b in blocks if b.evidence.needs_a_look])


def _add_problem_files(revision: Revision, blocks: list[QuestionBlock]) -> None:
    if not blocks:
        return
    found = files_needing_a_look(revision, [b.answer.question_id for b in blocks])
    for block in blocks:
        block.problem_files = found.get(block.answer.question_id, [])


def _guidance(template, blocks: list[QuestionBlock]) -> dict[int, str]:
    """{question pk: the guidance beside it}, the same for every participant on this
    published version: drawn once per version, set of questions and language, and kept like
    the version (one read of the cache for the whole page)."""

    def draw() -> dict[int, str]:
        return {
            block.question.pk: str(
                render_to_string(
                    "qad/partials/question_guidance.html",
                    {"question": block.question, "expected_evidence": block.expected_evidence},
                )
            )
            for block in blocks
        }

    if template.status == VersionStatus.DRAFT:
        drawn = draw()
    else:
        # Keyed by the questions drawn: which of a section's questions apply differs from one
        # participant to another (roles, route, conditions).
        questions = ",".join(str(block.question.pk) for block in blocks)
        drawn = remembered(f"guidance:{template.pk}:{questions}:{get_language()}", draw)
    # Kept as drawn (escaped by its template); marked safe again when read back.
    return {pk: mark_safe(html) for pk, html in drawn.items()}


def _open_evidence(submission: Submission, revision: Revision, blocks: list[QuestionBlock]):
    """Everything an open evidence panel draws: each file, and the types to upload."""
    names = template_outline(submission.template).evidence_type_names
    links: dict[int, list] = {block.answer.question_id: [] for block in blocks}
    for link in revision_links(revision).filter(question__in=list(links)):
        links[link.question_id].append(link)
    for block in blocks:
        block.evidence_links = links[block.answer.question_id]
        block.evidence_type_choices = _type_choices(block.question, names)


def _add_earlier(revision: Revision, blocks: list[QuestionBlock]) -> None:
    confirming = [b.question.ref for b in blocks if b.answer.needs_confirmation]
    if not confirming:
        return
    earlier = {
        orphan.question_ref: orphan
        for orphan in revision.orphans.filter(question_ref__in=confirming)
        .select_related("question", "from_template")
        .order_by("moved_at")
    }
    for block in blocks:
        block.earlier = _earlier_answer(block.answer, earlier)


def _earlier_answer(answer: Answer, earlier: dict[str, OrphanedAnswer]) -> OrphanedAnswer | None:
    orphan = earlier.get(answer.question.ref)
    if not answer.needs_confirmation or orphan is None:
        return None
    return orphan if orphan.answer_type != answer.question.answer_type else None


def _type_choices(question, names: dict[str, str]) -> list[tuple[str, str]]:
    """Every evidence type of the template, the ones this question expects first."""
    expected = [item["type"] for item in question.evidence]
    ordered = expected + [code for code in names if code not in expected]
    return [(code, names.get(code, code)) for code in ordered]


def _render(
    request, submission, revision, section, blocks, *, status=200, restored=False, sections=None
):
    context = _page_context(
        request, submission, revision, section, blocks, restored=restored, sections=sections
    )
    return render(request, "qad/section_detail.html", context, status=status)


def _page_context(
    request, submission, revision, section, blocks, *, restored=False, sections=None
) -> dict:
    sections = sections if sections is not None else submission_sections(submission, revision)
    position = next(i for i, s in enumerate(sections) if s.pk == section.pk)
    answered, required = section_counts(revision, section.ref)
    url = reverse_each("submission-section", "section_ref", public_id=submission.public_id)
    for item in sections:
        item.answered_required = (revision.section_progress or {}).get(item.ref)
        item.url = url(item.ref)
    errors = [
        (block, message)
        for block in blocks
        if block.form.is_bound
        for message in (block.form.errors() if block.form.is_bound and block.editable else [])
    ]
    return {
        "submission": submission,
        "revision": revision,
        "section": section,
        "sections": sections,
        "previous_section": sections[position - 1] if position > 0 else None,
        "next_section": sections[position + 1] if position + 1 < len(sections) else None,
        "blocks": blocks,
        "errors": errors,
        "answered": answered,
        "required": required,
        "can_edit": can_edit_submission(request.user, submission) and not revision.is_frozen,
        "restored": restored,
        "max_bytes": settings.EVIDENCE_MAX_BYTES,
        "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
    }


def _section_or_404(submission: Submission, section_ref: str) -> Section:
    section = template_outline(submission.template).section(section_ref)
    if section is None:
        raise Http404
    return section


@require_http_methods(["GET", "POST"])
@keep_typed_text_when_signed_out
def section_detail(request: HttpRequest, public_id, section_ref: str) -> HttpResponse:
    submission = submission_for(request.user, public_id)
    section = _section_or_404(submission, section_ref)
    if request.method == "GET" and not request.GET.get("restored"):
        return render(
            request, "qad/section_detail.html", _section_page(request, submission, section)
        )
    revision = current_revision(submission)
    answers = _section_answers(submission, revision, section, reader=request.user)
    sections = submission_sections(submission, revision)
    if section not in sections:
        raise Http404
    if request.method == "POST":
        return _save_section(request, submission, revision, section, answers)
    restored_data = take_unsaved(request, public_id)
    data = None
    if restored_data and can_edit_submission(request.user, submission):
        data = QueryDict(mutable=True)
        for key, values in restored_data.items():
            data.setlist(key, values)
    blocks = _blocks(
        request,
        submission,
        revision,
        answers,
        data=data,
        open_evidence=request.GET.get("evidence", ""),
    )
    return _render(
        request,
        submission,
        revision,
        section,
        blocks,
        restored=data is not None,
        sections=sections,
    )


def _section_page(request, submission: Submission, section: Section) -> dict:
    """What the section page draws, as a participant or an assessor first sees it."""
    revision = current_revision(submission)
    answers = _section_answers(submission, revision, section, reader=request.user)
    sections = submission_sections(submission, revision)
    if section not in sections:
        raise Http404
    blocks = _blocks(
        request, submission, revision, answers, open_evidence=request.GET.get("evidence", "")
    )
    return _page_context(request, submission, revision, section, blocks, sections=sections)


def _save_section(request, submission, revision, section, answers) -> HttpResponse:
    """Save every question of the section that changed (the no-JavaScript path)."""
    add_row = request.POST.get("add-row", "")
    extra_rows = {int(add_row[1:]): 1} if add_row[1:].isdigit() else {}
    blocks = _blocks(
        request, submission, revision, answers, data=request.POST, extra_rows=extra_rows
    )
    saved = conflicts = 0
    for block in blocks:
        if not block.editable or not block.form.was_sent():
            continue
        if not block.form.is_valid():
            continue
        outcome = _save_block(request, block)
        saved += outcome == "saved"
        conflicts += outcome == "conflict"
    forget_unsaved(request, submission.public_id)
    for block in blocks:
        if block.saved:
            # Show what is now stored, with its new version, so a second save is not stale.
            block.form = QuestionForm(block.question, block.answer, editable=True)
    has_errors = any(b.form.errors() for b in blocks if b.editable and b.form.was_sent())
    if add_row or has_errors or conflicts:
        if saved:
            messages.success(request, _("Saved the answers that were ready."))
        # Re-read what is now stored, but keep the forms bound: nothing typed is dropped.
        return _render(
            request, submission, revision, section, blocks, status=200 if add_row else 400
        )
    messages.success(request, _("Section %(ref)s saved.") % {"ref": section.ref})
    target = request.POST.get("next") == "next"
    sections = submission_sections(submission, revision)
    position = next(i for i, s in enumerate(sections) if s.pk == section.pk)
    if target and position + 1 < len(sections):
        section = sections[position + 1]
    return redirect("submission-section", public_id=submission.public_id, section_ref=section.ref)


def _save_block(request, block: QuestionBlock) -> str:
    try:
        answer_save(
            answer=block.answer,
            value=block.form.value(),
            expected_version=block.form.expected_version,
            by=request.user,
        )
    except ValidationError as error:
        for message in error.messages:
            block.form.add_error(message)
        return "invalid"
    except StaleAnswer as stale:
        block.conflict = stale.conflict
        block.answer = stale.current
        return "conflict"
    except (RevisionFrozen, AnswerLocked) as locked:
        block.form.add_error(str(locked))
        return "locked"
    block.saved = True  # answer_save has read back the new value and version
    return "saved"


@require_POST
@keep_typed_text_when_signed_out
def answer_autosave(request: HttpRequest, public_id, question_ref: str) -> HttpResponse:
    """Save one question (htmx). Returns the question's status line, and its new version."""
    found = latest_answer_for(request.user, public_id, question_ref)
    answer = found.answer
    revision = answer.revision
    submission = revision.submission
    [block] = _blocks(
        request,
        submission,
        revision,
        [answer],
        data=request.POST,
        whole_page=False,
        conflicts=None if found.open_conflict_id else {},
    )
    if not block.editable:
        block.form.add_error(_("This answer cannot be changed now."))
        status = 403
    elif not block.form.is_valid():
        status = 400
    else:
        outcome = _save_block(request, block)
        status = {"saved": 200, "conflict": 409, "invalid": 400, "locked": 403}[outcome]
    section = answer.question.section
    # Read after the save: the save has counted itself in the revision's progress.
    answered, required = section_counts(
        Revision.objects.only("section_progress").get(pk=revision.pk), section.ref
    )
    response = render(
        request,
        "qad/partials/answer_status.html",
        {
            "block": block,
            "submission": submission,
            "section": section,
            "answered": answered,
            "required": required,
            "oob": True,
        },
        status=status,
    )
    # htmx swaps only 2xx responses by default; the status line must show errors too.
    response["HX-Reswap"] = "innerHTML"
    if status != 200:
        response.status_code = 200
        response["X-Save-Outcome"] = str(status)
    return response


@require_GET
@login_required
def answer_evidence(request: HttpRequest, public_id, question_ref: str) -> HttpResponse:
    """A question's evidence panel: its files, with their forms, and the upload form. Fetched
    when the participant opens the panel; a plain visit opens it on the section page."""
    answer = latest_answer_for(request.user, public_id, question_ref).answer
    revision = answer.revision
    submission = revision.submission
    section = answer.question.section
    if not request.htmx:
        return redirect(
            section_url(submission, section, question_anchor(question_ref), evidence=question_ref)
        )
    blocks = _blocks(request, submission, revision, [answer], open_evidence=question_ref)
    return render(
        request,
        "qad/partials/evidence_panel_loaded.html",
        {
            "block": blocks[0],
            "submission": submission,
            "max_bytes": settings.EVIDENCE_MAX_BYTES,
            "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
        },
    )


@require_POST
@login_required
def answer_confirm_view(request: HttpRequest, public_id, question_ref: str) -> HttpResponse:
    """The participant confirms an answer still fits its reworded question."""
    submission = submission_for(request.user, public_id)
    revision = current_revision(submission)
    answer = get_object_or_404(
        revision.answers.select_related("question__section", "revision"),
        question__ref=question_ref,
    )
    try:
        answer_confirm(answer=answer, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    messages.success(
        request, _("Confirmed: your answer to %(ref)s still fits.") % {"ref": question_ref}
    )
    return redirect(section_url(submission, answer.question.section, question_anchor(question_ref)))
