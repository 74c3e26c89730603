"""A database that loaded QAD v3.01 before it asked for the declaration in the Final QAD only
and for the work-off plan only while work-off is open is brought to the shipped file: a QAD
being written loses only the answers it no longer asks that nobody gave."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q

from demo.world import ensure_versions
from qad.models import Answer, QadTemplate, Section
from tests.evidence.factories import attach
from tests.participants import Participant

BEFORE = [("qad", "0004_question_stages")]
BEFORE_SHA256 = "2714bf9df46fa352cfbfbf6b6a41f7724fc2d3ce17da474fa56ac972bd937430"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_an_earlier_v3_01_asks_for_the_declaration_in_the_final_qad_only(shipped_versions):
    template = QadTemplate.objects.get(document_code="QAD", version="3.01")
    shipped_sha256 = template.source_sha256
    # As the earlier file left it: section 11 asked in every QAD, so an Initial QAD being
    # written holds its answers, one given and one with a file.
    supplier = Participant("Harbour Energy Ltd")
    declaration = template.sections.filter(ref__startswith="11")
    declaration.update(applies_stages=[])
    template.questions.filter(section__in=declaration).update(applies_stages=[])
    template.questions.filter(ref="4.8.5").update(applies_when=[], required=False)
    formats = template.questions.get(ref="3.4").options
    template.questions.filter(ref="3.4").update(
        options={
            **formats,
            "columns": [
                {k: v for k, v in c.items() if k not in ("pattern", "pattern_hint")}
                for c in formats["columns"]
            ],
        }
    )
    QadTemplate.objects.filter(pk=template.pk).update(source_sha256=BEFORE_SHA256)
    Answer.objects.bulk_create(
        Answer(revision=supplier.revision, question=question)
        for question in template.questions.filter(Q(section__in=declaration) | Q(ref="4.8.5"))
    )
    Answer.objects.filter(revision=supplier.revision, question__ref="11.2.1").update(
        value="Margaret Lowe, Director"
    )
    attach(supplier, "11.2.4", PDF, name="declaration.pdf", evidence_type="signed_letter")
    leaf = MigrationExecutor(connection).loader.graph.leaf_nodes()

    _migrate(BEFORE)
    _migrate(leaf)

    stages = Section.objects.filter(template=template, ref__startswith="11").values_list(
        "applies_stages", flat=True
    )
    assert list(stages) == [["final"]] * 4
    assert set(
        supplier.revision.answers.filter(question__ref__startswith="11.").values_list(
            "question__ref", flat=True
        )
    ) == {"11.2.1", "11.2.4"}, "what the participant gave stays"
    assert not supplier.revision.answers.filter(question__ref="4.8.5").exists(), (
        "no work-off item is open: the plan upload is not asked"
    )
    work_off_plan = template.questions.get(ref="4.8.5")
    assert (work_off_plan.applies_when, work_off_plan.required) == (["work_off_open"], True)
    assert template.questions.get(ref="3.4").options == formats, "the cells' formats are back"
    supplier.revision.refresh_from_db()
    assert supplier.revision.completeness_stale, "counted again by the sweep"
    template.refresh_from_db()
    assert template.source_sha256 == shipped_sha256
    ensure_versions()  # the shipped file is the loaded one: nothing refused
    assert QadTemplate.objects.filter(document_code="QAD", version="3.01").count() == 1
