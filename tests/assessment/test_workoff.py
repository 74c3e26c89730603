"""The work-off plan: while one of its items is open the QAD being written asks for the plan
document (4.8.5 of the shipped template); once every item is closed it stops asking, keeping
anything the participant gave."""

from __future__ import annotations

import datetime as dt

import pytest

from assessment.models import WorkOffItem
from assessment.services.workoff import work_off_save
from qad.checklist import revision_checklist
from tests.evidence.factories import attach, evidence_item

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def asked(participant) -> set[str]:
    return set(participant.revision.answers.values_list("question__ref", flat=True))


def open_item(participant) -> WorkOffItem:
    return work_off_save(
        qualification=participant.qualification,
        by=participant.admin,
        defect_reference="DEF-7",
        description="Settlement flow D0010 rejected for unmetered supplies",
        owner="Test Lead",
        due_date=dt.date(2031, 12, 31),
        status=WorkOffItem.Status.OPEN,
        required=True,
    )


def close(participant, item: WorkOffItem) -> None:
    work_off_save(
        qualification=participant.qualification,
        by=participant.admin,
        item=item,
        defect_reference=item.defect_reference,
        description=item.description,
        owner=item.owner,
        due_date=item.due_date,
        status=WorkOffItem.Status.CLOSED,
        required=item.required,
        closure_evidence=evidence_item(
            PDF,
            name="retest.pdf",
            evidence_type="test_completion_report",
            organisation=participant.organisation,
            uploaded_by=participant.admin,
        ),
    )


def test_the_plan_is_asked_for_only_while_a_work_off_item_is_open(supplier):
    assert "4.8.5" not in asked(supplier), "nothing open: no plan to upload"
    assert not [i for i in revision_checklist(supplier.revision) if i.question_ref == "4.8.5"]

    item = open_item(supplier)

    supplier.qualification.refresh_from_db()
    assert "work_off_open" in supplier.qualification.conditions
    assert "4.8.5" in asked(supplier)
    missing = [i for i in revision_checklist(supplier.revision) if i.question_ref == "4.8.5"]
    assert missing and missing[0].kind == "missing_evidence"

    close(supplier, item)

    assert "4.8.5" not in asked(supplier)


def test_a_plan_uploaded_stays_when_the_last_item_closes(supplier):
    item = open_item(supplier)
    attach(supplier, "4.8.5", PDF, name="work-off-plan.pdf", evidence_type="work_off_plan")

    close(supplier, item)

    assert "4.8.5" in asked(supplier), "the file the participant gave is not lost"
