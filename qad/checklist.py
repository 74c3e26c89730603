"""The "ready to submit" checklist: everything that still stands between a revision and
submission, each with a link to where it is fixed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from qad.answers import is_answered
from qad.attachments import attachments
from qad.enums import AnswerType
from qad.models import Answer, AnswerConflict, Revision


@dataclass(frozen=True)
class ChecklistItem:
    kind: str  # missing_answer, missing_evidence, date_order, conflict, clarification
    question_ref: str
    section_ref: str
    section_title: str
    message: str
    url: str


def question_anchor(ref: str) -> str:
    return "q-" + ref.replace(".", "-")


def revision_checklist(revision: Revision) -> list[ChecklistItem]:
    submission = revision.submission
    answers = list(
        Answer.objects.filter(revision=revision)
        .select_related("question", "question__section")
        .order_by("question__position")
    )
    attached = attachments().evidence_types(revision)
    by_ref = {a.question.ref: a for a in answers}
    open_conflicts = set(
        AnswerConflict.objects.filter(
            answer__revision=revision, resolved_at__isnull=True
        ).values_list("answer_id", flat=True)
    )
    names = dict(submission.template.evidence_types.values_list("code", "name"))
    # Answers kept from before a move where the question's kind of answer changed.
    retyped = (
        dict(revision.orphans.order_by("moved_at").values_list("question_ref", "answer_type"))
        if any(a.needs_confirmation for a in answers)
        else {}
    )
    file_problems = attachments().problems(revision)
    items: list[ChecklistItem] = []
    for answer in answers:
        question = answer.question
        section = question.section
        url = (
            reverse(
                "submission-section",
                kwargs={"public_id": submission.public_id, "section_ref": section.ref},
            )
            + "#"
            + question_anchor(question.ref)
        )

        def item(kind: str, message: str, question=question, section=section, url=url):
            items.append(
                ChecklistItem(kind, question.ref, section.ref, section.title, message, url)
            )

        kept_type = retyped.get(question.ref)
        if answer.needs_confirmation and kept_type not in (None, question.answer_type):
            item(
                "confirm",
                _(
                    "The question now takes a different kind of answer; check your answer "
                    "against your earlier one, shown with the question."
                ),
            )
        elif answer.needs_confirmation:
            item("confirm", _("The question was reworded; confirm your answer still fits."))
        if answer.pk in open_conflicts:
            item(
                "conflict",
                _(
                    "Someone else changed this answer while you were editing; "
                    "choose which text to keep."
                ),
            )
        if (
            question.required
            and question.answer_type != AnswerType.EVIDENCE_ONLY
            and (not is_answered(question, answer.value))
        ):
            item("missing_answer", _("Answer this question."))
        types = attached.get(question.pk, set())
        for code in question.required_evidence_types:
            if code not in types:
                item(
                    "missing_evidence",
                    _("Attach evidence: %(type)s.") % {"type": names.get(code, code)},
                )
        if (
            question.answer_type == AnswerType.EVIDENCE_ONLY
            and question.required
            and not question.required_evidence_types
            and not types
        ):
            item("missing_evidence", _("Attach the evidence this question asks for."))
        for message in file_problems.get(question.pk, []):
            item("evidence_problem", message)
        earlier = question.options.get("not_before")
        before = by_ref.get(earlier) if earlier else None
        if (
            answer.value
            and before is not None
            and before.value
            and dt.date.fromisoformat(answer.value) < dt.date.fromisoformat(before.value)
        ):
            item("date_order", _("This date is before the date in %(ref)s.") % {"ref": earlier})
    return items
