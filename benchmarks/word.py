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
    questions = revision.answers.count()
    content = submission_document(submission, revision)
    questions_by_ref = {
        question.ref: question
        for question in template_outline(submission.template).questions.values()
    }
    read = read_answers(content, questions_by_ref)
    return [
        measure(
            f"Word export: a whole {submission.get_stage_display()} ({questions} questions)",
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
