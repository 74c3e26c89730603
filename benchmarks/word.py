"""The QAD as a Word document: the scale data set's QAD that asks the most questions of the
shipped template, every question answered as the data set answers it, exported and read
back in-process."""

from __future__ import annotations

import tempfile

from benchmarks.report import Row, measure

ORGANISATIONS = 20


def run(*, organisations: int = ORGANISATIONS) -> list[Row]:
    from django.core.management import call_command
    from django.test.utils import override_settings

    call_command("migrate", verbosity=0)
    with (
        tempfile.TemporaryDirectory(prefix="qad-word-") as media,
        override_settings(MEDIA_ROOT=media),
    ):
        return _measure(organisations)


def _measure(organisations: int) -> list[Row]:
    from django.db.models import Count

    from demo.scale import NAME_PREFIX, scale_load
    from qad.models import Submission
    from qad.published import template_outline
    from qad.views.access import current_revision
    from qad.word_export import submission_document
    from qad.word_import import read_answers
    from qualification.models import Qualification

    if not Qualification.objects.filter(organisation__legal_name__startswith=NAME_PREFIX).exists():
        scale_load(
            organisations=organisations,
            password="bench-word-password",
            check_runs=False,
            evidence=4,
        )
    # The QAD asking the most questions (a Final QAD asks the Initial's and more).
    submission = (
        Submission.objects.filter(qualification__organisation__legal_name__startswith=NAME_PREFIX)
        .annotate(asked=Count("revisions__answers"))
        .order_by("-asked", "pk")
        .first()
    )
    revision = current_revision(submission)
    _ask_everything(revision)
    questions = revision.answers.count()
    content = submission_document(submission, revision)
    questions_by_ref = {
        question.ref: question
        for question in template_outline(submission.template).questions.values()
    }
    read = read_answers(content, questions_by_ref)
    return [
        measure(
            f"Word export: a full QAD ({questions} questions)",
            lambda: submission_document(submission, revision),
            runs=10,
            note=f"{len(content) / 1024:.0f} KB; python-docx, in-process",
        ),
        measure(
            f"Word import: reading it back ({len(read)} answer boxes)",
            lambda: read_answers(content, questions_by_ref),
            runs=10,
            note="every box turned into its answer, nothing saved (the preview's reading)",
        ),
    ]


def _ask_everything(revision) -> None:
    """Make the QAD ask every question of its template (no participant is asked all of them:
    they depend on roles, route and stage), each answered: the largest document there is."""
    from qad.enums import AnswerType, TableColumnType
    from qad.models import Answer

    asked = set(revision.answers.values_list("question_id", flat=True))
    cells = {
        TableColumnType.TEXT: "Bench row",
        TableColumnType.DATE: "2026-03-31",
        TableColumnType.NUMBER: 3,
        TableColumnType.YES_NO: True,
    }

    def value(question):
        kind, options = question.answer_type, question.options
        if kind == AnswerType.FREE_TEXT:
            return f"Benchmark answer to {question.ref}: how it is done, by whom, and when."
        if kind == AnswerType.YES_NO:
            return True
        if kind == AnswerType.DATE:
            return "2026-03-31"
        if kind == AnswerType.SINGLE_CHOICE:
            return options["choices"][0]["value"]
        if kind == AnswerType.NUMBER:
            return options.get("min") or 1
        if kind == AnswerType.TABLE:
            return [
                {c["key"]: cells.get(c["type"], "Bench row") for c in options.get("columns", [])}
            ] * 3
        return None

    Answer.objects.bulk_create(
        Answer(revision=revision, question=question, value=value(question), version=1)
        for question in revision.submission.template.questions.exclude(pk__in=asked)
    )
