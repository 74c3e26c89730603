"""A submission's overview, its checklist, submitting it, and reading earlier revisions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment.models import Clarification
from assessment.services.checks import precheck_draft
from assessment.services.clarifications import clarification_answer
from portal.selectors import pending_deadline
from qad.checklist import revision_checklist
from qad.forms import QuestionForm
from qad.links import section_url
from qad.models import AnswerConflict, Revision
from qad.rules import (
    can_edit_submission,
    can_submit,
    is_participant,
    signing_capacity,
    submits_for_participant,
)
from qad.selectors import submission_sections
from qad.services.answers import (
    RESOLUTIONS,
    AnswerLocked,
    ConflictSettled,
    RevisionFrozen,
    StaleAnswer,
    conflict_resolve,
)
from qad.services.submissions import AlreadySubmitted, NotReadyToSubmit, submission_submit
from qad.views.access import current_revision, submission_for


def _overview_context(request, submission) -> dict:
    revision = current_revision(submission)
    progress = revision.section_progress or {}
    sections = [
        {
            "section": section,
            "answered": progress.get(section.ref, [0, 0])[0],
            "required": progress.get(section.ref, [0, 0])[1],
        }
        for section in submission_sections(submission, revision)
    ]
    clarifications = list(
        Clarification.objects.filter(submission=submission)
        .exclude(state=Clarification.State.DRAFT)
        .select_related("question", "question__section", "code_body")
        .prefetch_related("messages__author")
    )
    return {
        "submission": submission,
        "qualification": submission.qualification,
        "revision": revision,
        "revisions": submission.revisions.order_by("-number").select_related("submitted_by"),
        "sections": sections,
        "deadline": pending_deadline(submission.qualification),
        "can_edit": can_edit_submission(request.user, submission) and not revision.is_frozen,
        "can_submit": can_submit(request.user, submission) and not revision.is_frozen,
        "can_sign": signing_capacity(request.user, submission) is not None,
        "is_participant": is_participant(request.user, submission),
        "clarifications": clarifications,
        "signature": getattr(submission, "signature", None),
        "orphans": list(
            revision.orphans.select_related("from_template", "question").order_by("question_ref")
        ),
    }


@login_required
def submission_detail(request: HttpRequest, public_id) -> HttpResponse:
    submission = submission_for(request.user, public_id)
    return render(request, "qad/submission_detail.html", _overview_context(request, submission))


@login_required
def submission_checklist(request: HttpRequest, public_id) -> HttpResponse:
    submission = submission_for(request.user, public_id)
    revision = current_revision(submission)
    items = [] if revision.is_frozen else revision_checklist(revision)
    groups: dict[str, dict] = {}
    for item in items:
        group = groups.setdefault(
            item.section_ref, {"ref": item.section_ref, "title": item.section_title, "items": []}
        )
        group["items"].append(item)
    return render(
        request,
        "qad/submission_checklist.html",
        {
            "submission": submission,
            "revision": revision,
            "groups": list(groups.values()),
            "count": len(items),
            "can_submit": can_submit(request.user, submission) and not revision.is_frozen,
            "can_precheck": can_edit_submission(request.user, submission)
            and not revision.is_frozen,
        },
    )


@require_POST
@login_required
def submission_precheck(request: HttpRequest, public_id) -> HttpResponse:
    """Run the automated checks on the participant's draft and show what they find, as
    advice: nothing is stored, the Code Bodies' checks run again on submission."""
    submission = submission_for(request.user, public_id)
    # A draft is the participant's own working copy: nobody else may check it.
    if not is_participant(request.user, submission):
        raise Http404
    revision = current_revision(submission)
    if revision.is_frozen or not can_edit_submission(request.user, submission):
        messages.error(
            request,
            _("Only a draft you can still edit can be pre-checked; this revision is submitted."),
        )
        return redirect("submission-checklist", public_id=submission.public_id)
    return render(
        request,
        "qad/submission_precheck.html",
        {
            "submission": submission,
            "revision": revision,
            "precheck": precheck_draft(revision=revision),
        },
    )


@require_POST
@login_required
def submission_submit_view(request: HttpRequest, public_id) -> HttpResponse:
    submission = submission_for(request.user, public_id)
    if not submits_for_participant(request.user, submission):
        if not is_participant(request.user, submission):
            raise Http404
        raise PermissionDenied
    try:
        number = int(request.POST.get("revision", ""))
    except ValueError:
        number = -1
    try:
        submission_submit(submission=submission, by=request.user, revision_number=number)
    except AlreadySubmitted:
        messages.info(request, _("This revision had already been submitted; nothing changed."))
    except NotReadyToSubmit as not_ready:
        messages.error(request, str(not_ready))
        return redirect("submission-checklist", public_id=submission.public_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("submission-detail", public_id=submission.public_id)
    else:
        messages.success(
            request,
            _("%(stage)s submitted. The Code Bodies have been told; the revision is now read-only.")
            % {"stage": submission.get_stage_display()},
        )
    return redirect("submission-detail", public_id=submission.public_id)


@login_required
def revision_detail(request: HttpRequest, public_id, number: int) -> HttpResponse:
    submission = submission_for(request.user, public_id)
    revision = get_object_or_404(Revision, submission=submission, number=number)
    answers = revision.answers.select_related(
        "question", "question__section", "updated_by"
    ).order_by("question__position")
    sections: dict[int, dict] = {}
    for answer in answers:
        section = answer.question.section
        sections.setdefault(section.pk, {"section": section, "answers": []})["answers"].append(
            answer
        )
    return render(
        request,
        "qad/revision_detail.html",
        {"submission": submission, "revision": revision, "sections": list(sections.values())},
    )


@require_POST
@login_required
def conflict_resolve_view(request: HttpRequest, public_id, conflict_id: int) -> HttpResponse:
    submission = submission_for(request.user, public_id)
    conflict = get_object_or_404(
        AnswerConflict.objects.select_related("answer__question__section", "answer__revision"),
        pk=conflict_id,
        answer__revision__submission=submission,
        written_by=request.user,
        resolved_at__isnull=True,
    )
    answer = conflict.answer
    choice = request.POST.get("keep")
    try:
        # The version of the saved text the panel showed: settling against a newer one
        # would replace (or keep) words the writer has not read.
        seen = int(request.POST.get(f"conflict-{conflict.pk}-seen", ""))
    except ValueError:
        seen = None
    value = conflict.value if choice == "mine" else answer.value
    # The writer's text is what is in their box now (it may combine both versions), when
    # the page sent it; the conflict keeps what the last autosave carried.
    form = QuestionForm(answer.question, answer, data=request.POST)
    if choice not in RESOLUTIONS or seen is None:
        messages.error(request, _("Compare the two versions and choose which one to keep."))
    elif choice == "mine" and form.was_sent() and not form.is_valid():
        messages.error(request, " ".join(form.errors()))
    else:
        if choice == "mine" and form.was_sent():
            value = form.value()
        _settle(request, conflict, value, seen, choice)
    return redirect(
        section_url(
            submission, answer.question.section, "q-" + answer.question.ref.replace(".", "-")
        )
    )


def _settle(request, conflict: AnswerConflict, value, seen: int, choice: str) -> None:
    ref = conflict.answer.question.ref
    try:
        conflict_resolve(
            conflict=conflict,
            value=value,
            expected_version=seen,
            by=request.user,
            resolution=choice,
        )
    except StaleAnswer:
        messages.warning(request, _("The answer changed again; compare the versions once more."))
    except ConflictSettled as settled:
        messages.info(request, str(settled))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except (AnswerLocked, RevisionFrozen):
        messages.error(request, _("This answer cannot be changed now."))
    else:
        messages.success(
            request,
            _("Kept %(whose)s version of %(ref)s.")
            % {"whose": _("your") if choice == "mine" else _("their"), "ref": ref},
        )


@require_POST
@login_required
def clarification_answer_view(request: HttpRequest, public_id, clarification_id: int):
    submission = submission_for(request.user, public_id)
    clarification = get_object_or_404(
        Clarification.objects.select_related("question__section"),
        pk=clarification_id,
        submission=submission,
    )
    try:
        clarification_answer(
            clarification=clarification,
            text=request.POST.get(f"clarification-{clarification.pk}-text", ""),
            by=request.user,
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Your answer to the clarification on %(ref)s is saved.")
            % {"ref": clarification.question.ref},
        )
    return redirect(
        section_url(
            submission,
            clarification.question.section,
            "q-" + clarification.question.ref.replace(".", "-"),
        )
    )
