"""Reads over templates and submissions."""

from __future__ import annotations

from qad.models import QadTemplate, Question, Revision, Section, Submission
from qad.published import template_outline
from qualification.models import Qualification


def applicability_facts(qualification: Qualification, stage: str) -> dict:
    """What a section's or question's `applies_to` is asked about this qualification's QAD of
    `stage`."""
    return {
        "role_codes": [
            role.market_role.code for role in qualification.roles.select_related("market_role")
        ],
        "route": qualification.route,
        "conditions": qualification.conditions,
        "stage": stage,
    }


def applicable_questions(
    *, template: QadTemplate, qualification: Qualification, stage: str
) -> list[Question]:
    """The questions of `template` that apply to this qualification's roles, route and facts,
    in its QAD of `stage` (SubmissionStage)."""
    facts = applicability_facts(qualification, stage)
    sections = {
        section.pk: section.applies_to(**facts)
        for section in Section.objects.filter(template=template)
    }
    return [
        question
        for question in Question.objects.filter(template=template).select_related("section")
        if sections[question.section_id] and question.applies_to(**facts)
    ]


def submitted_revision(submission: Submission) -> Revision | None:
    """The latest revision the participant submitted: what the Code Bodies assess. A revision
    being prepared in answer to clarifications is the participant's own until it is submitted."""
    return submission.revisions.filter(submitted_at__isnull=False).order_by("-number").first()


def submission_sections(submission: Submission, revision: Revision) -> list[Section]:
    """The sections this submission shows: those with questions that apply, and the
    read-only guidance sections (introduction, headings) of the parts that apply."""
    answered = set(
        revision.answers.order_by().values_list("question__section_id", flat=True).distinct()
    )
    facts = applicability_facts(submission.qualification, submission.stage)
    return [
        s
        for s in template_outline(submission.template).sections_copy()
        if s.pk in answered or (s.question_count == 0 and s.applies_to(**facts))
    ]
