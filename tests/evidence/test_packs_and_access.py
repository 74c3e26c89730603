"""Evidence packs shared by a vendor, and who may reach each evidence address."""

import io
import re

import pytest
from django.test import TestCase
from django.urls import reverse

from evidence.models import EvidenceItem, EvidenceLink, EvidencePack
from qad.enums import SubmissionState
from qad.services.submissions import submission_transition
from qualification.enums import MembershipRole, Route
from tests.participants import Participant
from tests.qualification.factories import (
    CodeBodyMemberFactory,
    OrganisationFactory,
    code_body,
    member_of,
    start_qualification,
)

pytestmark = pytest.mark.django_db

LOG = b"test case,result\nTC-001,passed\nTC-002,passed\n"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def post_file(client, url, content=LOG, name="log.csv", **fields):
    upload = io.BytesIO(content)
    upload.name = name
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, {"files": [upload], **fields})


@pytest.fixture
def vendor(shipped_versions):
    organisation = OrganisationFactory(legal_name="GridSoft Ltd")
    return organisation, member_of(organisation, MembershipRole.ORG_ADMIN)


def test_a_vendor_publishes_a_pack_a_customer_relies_on_and_its_assessor_reads(client, vendor):
    gridsoft, admin = vendor
    customer = Participant("Harbour Energy Ltd")
    client.force_login(admin)
    client.post(
        reverse("pack-list", args=[gridsoft.public_id]),
        {"name": "GridSoft 4.2 QT evidence", "description": "QT exit pack"},
    )
    pack = EvidencePack.objects.get()
    post_file(
        client,
        reverse("pack-upload", args=[pack.public_id]),
        title="QT execution log",
        evidence_type="test_execution_log",
    )
    client.post(
        reverse("pack-share", args=[pack.public_id]),
        {"organisation": customer.organisation.company_number, "action": "grant"},
    )
    item = EvidenceItem.objects.get(pack=pack)
    assert list(pack.granted_to.all()) == [customer.organisation]
    assert item.stored_file.scan_state == "clean"

    client.force_login(customer.contributor)
    register = reverse("evidence-register", args=[customer.submission.public_id])
    assert "GridSoft 4.2 QT evidence (GridSoft Ltd)" in text(client.get(register))
    client.post(
        reverse("evidence-rely", args=[customer.submission.public_id]),
        {
            "item": item.public_id,
            "question": customer.answer("4.1.5").question_id,
            "statement": "We run GridSoft 4.2 with the vendor's standard configuration.",
        },
    )
    assert EvidenceLink.objects.get().relied_on

    download = reverse("evidence-download", args=[item.public_id])
    assert client.get(download).status_code == 200, "the customer may read what it relies on"
    client.force_login(CodeBodyMemberFactory(code_body=code_body("BSC")).user)
    assert client.get(download).status_code == 404, "not while the customer's QAD is a draft"
    submission_transition(
        submission=customer.submission, target=SubmissionState.SUBMITTED, actor=customer.admin
    )
    assert client.get(download).status_code == 200, "its assessors may read it once submitted"
    client.force_login(member_of(OrganisationFactory()))
    assert client.get(download).status_code == 404, "nobody else may"


def test_only_the_vendors_admin_manages_its_packs(client, vendor):
    gridsoft, _ = vendor
    pack = EvidencePack.objects.create(publisher=gridsoft, name="Pack")
    client.force_login(member_of(gridsoft))
    assert client.get(reverse("pack-list", args=[gridsoft.public_id])).status_code == 403
    assert (
        post_file(
            client,
            reverse("pack-upload", args=[pack.public_id]),
            evidence_type="test_execution_log",
        ).status_code
        == 403
    )
    client.force_login(member_of(OrganisationFactory(), MembershipRole.ORG_ADMIN))
    assert client.get(reverse("pack-detail", args=[pack.public_id])).status_code == 404
    assert not EvidenceItem.objects.exists()


@pytest.mark.parametrize(
    ("fields", "limit", "status", "message"),
    [
        (
            {"evidence_type": "holiday_photos"},
            None,
            400,
            "Choose one of the evidence types listed.",
        ),
        ({"evidence_type": ""}, None, 400, "Choose one of the evidence types listed."),
        ({"evidence_type": "test_execution_log"}, 10, 413, "larger than the"),
    ],
)
def test_a_pack_upload_that_cannot_be_taken_says_why_and_adds_nothing(
    client, vendor, settings, fields, limit, status, message
):
    gridsoft, admin = vendor
    pack = EvidencePack.objects.create(publisher=gridsoft, name="Pack")
    if limit is not None:
        settings.EVIDENCE_MAX_BYTES = limit
    client.force_login(admin)
    # Over the limit by more than the form around the file: refused before it is read.
    upload = io.BytesIO(LOG if limit is None else LOG * (200_000 // len(LOG)))
    upload.name = "log.csv"
    response = client.post(
        reverse("pack-upload", args=[pack.public_id]),
        {"files": [upload], **fields},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == status and message in response.json()["message"]
    assert not EvidenceItem.objects.exists()


@pytest.fixture
def metering(shipped_versions):
    """A Metering Service: approved by the REC and the DIP Manager, not the BSC."""
    organisation = OrganisationFactory(legal_name="Meterline Ltd")
    admin = member_of(organisation, MembershipRole.ORG_ADMIN)
    qualification = start_qualification(
        organisation=organisation, role_codes=("MSA",), route=Route.SIT, created_by=admin
    )
    submission = qualification.submissions.get()
    client_answer = (
        submission.revisions.get().answers.filter(question__evidence__0__isnull=False).first()
        or submission.revisions.get().answers.first()
    )
    return organisation, admin, submission, client_answer


def test_evidence_addresses_refuse_outsiders_and_change_nothing(client, metering):
    _, admin, submission, answer = metering
    client.force_login(admin)
    post_file(
        client,
        reverse("evidence-upload", args=[submission.public_id]),
        evidence_type="process_document",
        questions=[answer.question_id],
    )
    item = EvidenceItem.objects.get()
    link = EvidenceLink.objects.get()
    urls = {
        "download": ("get", reverse("evidence-download", args=[item.public_id])),
        "state": ("get", reverse("evidence-state", args=[item.public_id])),
        "register": ("get", reverse("evidence-register", args=[submission.public_id])),
        "justify": ("post", reverse("evidence-justify", args=[item.public_id])),
        "remove": ("post", reverse("evidence-remove", args=[submission.public_id, link.pk])),
        "rely": ("post", reverse("evidence-rely", args=[submission.public_id])),
    }
    outsiders = {
        "other organisation": member_of(OrganisationFactory(), MembershipRole.ORG_ADMIN),
        "BSC assessor (the BSC does not approve Metering Services)": CodeBodyMemberFactory(
            code_body=code_body("BSC")
        ).user,
    }
    for who, user in outsiders.items():
        client.force_login(user)
        for name, (method, url) in urls.items():
            response = getattr(client, method)(url, {"justification": "x" * 40})
            assert response.status_code == 404, f"{who} reached {name}"
        response = post_file(
            client, reverse("evidence-replace", args=[submission.public_id, link.pk])
        )
        assert response.status_code == 404, f"{who} reached replace"
    assert EvidenceItem.objects.count() == 1 and EvidenceLink.objects.count() == 1
    item.refresh_from_db()
    assert item.findings_justification == ""

    client.force_login(CodeBodyMemberFactory(code_body=code_body("REC")).user)
    assert client.get(urls["download"][1]).status_code == 404, "the draft is not submitted yet"
    submission_transition(submission=submission, target=SubmissionState.SUBMITTED, actor=admin)
    assert client.get(urls["download"][1]).status_code == 200
