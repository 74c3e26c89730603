"""The approval letter: issued for a role once every Code Body that approves it has
approved, to the organisation's people and the approving Code Bodies."""

import datetime as dt
import re

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from pypdf import PdfReader

from assessment.enums import ReportKind, ReportStatus
from assessment.models import Report
from assessment.reports.documents import letter_reference
from assessment.services.decisions import sms_exemption_record
from qualification.enums import ApprovalOutcome, ContactPurpose
from qualification.models import Contact, Organisation, Qualification, QualificationRole
from tests.assessment.decision_data import (
    REC_CONDITIONS,
    Staff,
    approval,
    approve_everywhere,
    decide,
    load_checked_journey,
    next_meeting,
)
from tests.assessment.report_data import agree_final, pdf_text, sign, stored_pdf
from tests.participants import Participant
from tests.qualification.factories import code_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return Staff()


def signed(name="Northwind Energy Supply Ltd", roles=("SUP",)) -> Participant:
    participant = Participant(name, role_codes=roles)
    agree_final(participant)
    sign(participant)
    return participant


@pytest.fixture
def qualified(staff):
    """Northwind's Supplier role approved by the DIP Manager, by the REC Code Manager with
    conditions, and by the BSC's board."""
    load_checked_journey()
    northwind = signed()
    Contact.objects.create(
        organisation=northwind.organisation,
        purpose=ContactPurpose.PRIMARY,
        name="Olivia Hart",
        email="olivia.hart@northwind.example",
    )
    approve_everywhere(northwind, staff, next_meeting())
    return northwind


def request_letter(client, participant, role="SUP", *, render: bool = True):
    url = reverse("report-request-letter", args=[participant.qualification.public_id, role])
    with TestCase.captureOnCommitCallbacks(execute=render):
        return client.post(url)


def page(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def day(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y")


def test_the_letter_confirms_the_role_mpid_route_and_each_approval(client, qualified):
    client.force_login(qualified.contributor)

    response = request_letter(client, qualified)

    report = Report.objects.get(kind=ReportKind.APPROVAL_LETTER)
    role = qualified.qualification.roles.get()
    assert response["Location"] == report.get_absolute_url()
    assert (report.status, report.qualification_role) == (ReportStatus.READY, role)
    assert report.page_count == 1
    text = pdf_text(stored_pdf(report))
    bsc, rec, dip = (approval(qualified, code) for code in ("BSC", "REC", "DIP"))
    qualified_on = date_format(role.qualified_on, "j F Y")
    for fact in (
        "Issued through the QAD Portal on behalf of the approving Code Bodies: "
        "Elexon (BSC Performance Assurance Board) · REC Code Manager · DIP Manager",
        f"Northwind Energy Supply Ltd Company number {qualified.organisation.company_number} "
        "For the attention of Olivia Hart",
        f"Reference {letter_reference(role)} Date of Qualification {qualified_on}",
        "MHHS Qualification: Supplier (SUP)",
        f"We confirm that Northwind Energy Supply Ltd is MHHS Qualified as a Supplier under "
        f"Market Participant ID {role.mpid.code}. It qualified by the Systems Integration "
        f"Testing (SIT) route, and its Qualification took effect on {qualified_on}",
        f"BSC Performance Assurance Board Balancing and Settlement Code (Elexon) Approved "
        f"{day(bsc.decided_at)} meeting of {date_format(bsc.meeting_date, 'j F Y')} None",
        f"REC Code Manager Retail Energy Code (REC Code Manager) Approved with conditions "
        f"{day(rec.decided_at)} {REC_CONDITIONS}",
        f"DIP Manager Data Integration Platform (DIP Manager) Approved {day(dip.decided_at)} None",
        "This Qualification is subject to the conditions above.",
    ):
        assert fact in text
    assert re.fullmatch(rf"MHHS-Q/\d{{4}}/{role.mpid.code}/[0-9A-F]{{8}}", letter_reference(role))
    assert PdfReader(report.file.path).metadata.title == (
        f"MHHS Qualification: Supplier ({role.mpid.code}), Northwind Energy Supply Ltd"
    )


def test_the_letter_is_rendered_once_until_what_it_says_changes(client, qualified, staff):
    client.force_login(qualified.admin)
    request_letter(client, qualified)
    client.force_login(staff.rec)
    request_letter(client, qualified)
    first = Report.objects.get()
    assert first.attempts == 1

    Organisation.objects.filter(pk=qualified.organisation.pk).update(
        trading_name="Northwind Energy"
    )
    request_letter(client, qualified)

    second = Report.objects.exclude(pk=first.pk).get()
    assert "trading as Northwind Energy" in pdf_text(stored_pdf(second))
    assert letter_reference(QualificationRole.objects.get(pk=first.qualification_role_id)) in (
        pdf_text(stored_pdf(second))
    ), "the reference stays the same"


def test_a_role_not_yet_qualified_has_no_letter(client, staff):
    load_checked_journey()
    brightwatt = signed("Brightwatt Data Services Ltd", ("ADS", "SDS"))
    approve_everywhere(brightwatt, staff, next_meeting(), role="ADS")
    decide(brightwatt, staff.dip_lead, "DIP", ApprovalOutcome.APPROVED, role="SDS")
    client.force_login(brightwatt.admin)

    detail = page(client.get(brightwatt.qualification.get_absolute_url()))
    refused = request_letter(client, brightwatt, "SDS")

    ads = reverse("report-request-letter", args=[brightwatt.qualification.public_id, "ADS"])
    sds = reverse("report-request-letter", args=[brightwatt.qualification.public_id, "SDS"])
    assert f'action="{ads}"' in detail and sds not in detail
    assert refused["Location"] == brightwatt.qualification.get_absolute_url()
    assert "issued once every approving Code Body has approved" in page(
        client.get(refused["Location"])
    )
    assert not Report.objects.exists()
    request_letter(client, brightwatt, "ADS")
    assert Report.objects.get().status == ReportStatus.READY


def test_the_qualification_page_offers_the_letter_to_the_approvers_too(client, qualified, staff):
    action = reverse("report-request-letter", args=[qualified.qualification.public_id, "SUP"])
    for person in (qualified.contributor, qualified.signatory, staff.bsc_reader, staff.dip_lead):
        client.force_login(person)
        detail = page(client.get(qualified.qualification.get_absolute_url()))
        assert f'action="{action}"' in detail
        assert "Approval letter (PDF)" in detail


def test_a_letter_with_the_sms_exemption_names_both_decisions(client, qualified, staff):
    Qualification.objects.filter(pk=qualified.qualification.pk).update(sms_exemption_requested=True)
    qualified.qualification.refresh_from_db()
    for code, lead, reference in (
        ("BSC", staff.bsc_lead, "PAB/299/05"),
        ("REC", staff.rec_lead, "REC-D-0042"),
    ):
        sms_exemption_record(
            qualification=qualified.qualification,
            code_body=code_body(code),
            decided_on=dt.date(2026, 11, 2),
            reference=reference,
            by=lead,
        )
    client.force_login(qualified.contributor)

    request_letter(client, qualified)

    text = re.sub(
        r"\s+", " ", pdf_text(stored_pdf(Report.objects.get(kind=ReportKind.APPROVAL_LETTER)))
    )
    assert "MHHS Qualified with the Smart Meter Segment exemption" in text
    assert "2 November 2026 (reference PAB/299/05)" in text
    assert "2 November 2026 (reference REC-D-0042)" in text
