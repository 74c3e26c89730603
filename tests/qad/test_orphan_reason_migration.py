"""Answers kept read-only by a move before they knew their question, their reason and their
files' items: the migration finds each again, so they show as they were written and their
files stay in the evidence register."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from qad.models import OrphanedAnswer, QadTemplate
from tests.evidence.factories import attach
from tests.participants import Participant

BEFORE = [
    ("qad", "0005_declaration_in_the_final_qad"),
    ("evidence", "0002_stored_file_personal_data_notes"),
]


@pytest.mark.django_db(transaction=True)
def test_earlier_kept_answers_find_their_question_reason_and_files(
    reference_data, journey_template
):
    northwind = Participant()
    item = attach(
        northwind,
        "4.5",
        b"%PDF-1.4 process",
        name="process.pdf",
        title="Test process",
        evidence_type="process_document",
    )
    template = QadTemplate.objects.get(version="99.0")
    executor = MigrationExecutor(connection)
    leaf = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    earlier = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    Orphan = earlier.get_model("qad", "OrphanedAnswer")
    common = {"revision_id": northwind.revision.pk, "from_template_id": template.pk}
    Orphan.objects.create(
        question_ref="4.4", prompt="List open defects.", answer_type="number", value=3, **common
    )
    Orphan.objects.create(
        question_ref="9.9",
        prompt="A question no version has now.",
        answer_type="evidence_only",
        value=[],
        evidence=[{"title": "Test process", "sha256": item.stored_file.sha256}],
        **common,
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(leaf)

    retyped = OrphanedAnswer.objects.get(question_ref="4.4")
    gone = OrphanedAnswer.objects.get(question_ref="9.9")
    assert (retyped.reason, retyped.question.ref) == ("retyped", "4.4")
    assert (gone.reason, gone.question) == ("removed", None)
    assert gone.evidence == [
        {"title": "Test process", "sha256": item.stored_file.sha256, "item": item.pk}
    ]
