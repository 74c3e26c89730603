"""The QAD as a Word document: a whole Initial QAD of the shipped template, every question
answered as the scale data set answers it, exported in-process."""

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
    submission = (
        Submission.objects.filter(
            qualification__organisation__legal_name__startswith=NAME_PREFIX, stage="initial"
        )
        .order_by("pk")
        .first()
    )
    revision = current_revision(submission)
    questions = revision.answers.count()
    content = submission_document(submission, revision)
    questions_by_ref = {
        question.ref: question
        for question in template_outline(submission.template).questions.values()
    }
    read = read_answers(content, questions_by_ref)
    return [
        measure(
            f"Word export: a whole Initial QAD ({questions} questions)",
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
