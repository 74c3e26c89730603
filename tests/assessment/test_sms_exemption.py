"""The Smart Meter Segment exemption (P476) is two recorded decisions, the BSC PAB's grant and
the REC derogation; only with both is a Supplier MHHS Qualified with the SMS exemption."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from assessment.reports.documents.approval_letter import approval_letter_context
from assessment.selectors import sms_exemption
from assessment.services.decisions import sms_exemption_record
from qualification.enums import CodeBodyRole, QualificationState
from qualification.models import AuditEvent, Qualification
from tests.participants import Participant
from tests.qualification.factories import CodeBodyMemberFactory, code_body

pytestmark = pytest.mark.django_db

DECIDED = dt.date(2026, 11, 2)


def lead(code: str):
    return CodeBodyMemberFactory(code_body=code_body(code), role=CodeBodyRole.LEAD_ASSESSOR).user


@pytest.fixture
def asking(shipped_versions):
    return Participant("Tidewater Supply Ltd", sms_exemption_requested=True)


def record(participant, code: str, by=None, **changes):
    values = {"decided_on": DECIDED, "reference": f"{code}/2026/14", **changes}
    return sms_exemption_record(
        qualification=participant.qualification,
        code_body=code_body(code),
        by=by or lead(code),
        **values,
    )


def test_the_exemption_is_granted_only_once_the_bsc_pab_and_the_rec_have_both_decided(asking):
    assert not sms_exemption(asking.qualification).granted

    record(asking, "BSC")
    assert not sms_exemption(asking.qualification).granted, "the REC derogation is still to come"

    record(asking, "REC")
    exemption = sms_exemption(asking.qualification)
    assert exemption.granted
    assert {code: d.reference for code, d in exemption.decisions.items()} == {
        "BSC": "BSC/2026/14",
        "REC": "REC/2026/14",
    }


def test_each_decision_is_audited_with_who_recorded_it_and_what_it_replaced(asking):
    bsc_lead = lead("BSC")
    record(asking, "BSC", by=bsc_lead)
    record(asking, "BSC", by=bsc_lead, reference="PAB/299/05")

    first, correction = AuditEvent.objects.filter(kind="sms_exemption.decided").order_by("pk")
    assert (first.actor, first.before) == (bsc_lead, None)
    assert correction.before == {"decided_on": "2026-11-02", "reference": "BSC/2026/14"}
    assert correction.after == {"decided_on": "2026-11-02", "reference": "PAB/299/05"}


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"reference": "  "}, "Give the decision's reference, e.g. the paper or minute."),
        (
            {"decided_on": timezone.localdate() + dt.timedelta(days=1)},
            "A decision cannot be dated after today.",
        ),
        (
            {"reference": "PAB/" + "9" * 100},
            "A reference can be up to 100 characters long; this one has 104. Shorten it: "
            "nothing was saved.",
        ),
    ],
)
def test_a_decision_without_its_reference_or_dated_ahead_is_refused(asking, changes, message):
    with pytest.raises(ValidationError) as refused:
        record(asking, "BSC", **changes)

    assert refused.value.messages == [message]
    assert not asking.qualification.sms_exemption_decisions.exists()


def test_only_the_deciding_bodies_leads_record_and_only_when_it_was_asked(asking, supplier):
    with pytest.raises(PermissionDenied):
        record(asking, "BSC", by=lead("REC"))
    with pytest.raises(PermissionDenied):
        record(
            asking,
            "BSC",
            by=CodeBodyMemberFactory(code_body=code_body("BSC"), role=CodeBodyRole.ASSESSOR).user,
        )
    with pytest.raises(ValidationError, match="decided by the BSC PAB and the REC, not DIP"):
        record(asking, "DIP")
    with pytest.raises(ValidationError, match="has not asked for the Smart Meter Segment"):
        record(supplier, "BSC")
    assert not AuditEvent.objects.filter(kind="sms_exemption.decided").exists()


def test_the_qualification_page_says_qualified_with_sms_exemption_only_with_both(client, asking):
    Qualification.objects.filter(pk=asking.qualification.pk).update(
        state=QualificationState.QUALIFIED
    )
    bsc_lead = lead("BSC")
    client.force_login(bsc_lead)
    url = reverse("qualification-detail", args=[asking.qualification.public_id])

    response = client.post(
        reverse("sms-exemption-record", args=[asking.qualification.public_id]),
        {"code_body": "BSC", "decided_on": "2026-11-02", "reference": "PAB/299/05"},
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "decided on 2 Nov 2026 (PAB/299/05)" in page
    assert "MHHS Qualified with SMS exemption" not in page

    record(asking, "REC")
    assert "MHHS Qualified with SMS exemption" in client.get(url).content.decode()


def test_a_bad_date_is_said_and_nothing_is_recorded(client, asking):
    client.force_login(lead("BSC"))

    response = client.post(
        reverse("sms-exemption-record", args=[asking.qualification.public_id]),
        {"code_body": "BSC", "decided_on": "2 November", "reference": "PAB/299/05"},
        follow=True,
    )

    assert "Enter the date of the decision." in response.content.decode()
    assert not asking.qualification.sms_exemption_decisions.exists()


def test_the_approval_letter_names_both_decisions_once_granted(asking):
    role = asking.qualification.roles.get()
    assert approval_letter_context(role.pk)["sms_exemption"] == []

    record(asking, "BSC")
    record(asking, "REC", reference="REC-D-0042")

    names = [body for body, _date, _ref in approval_letter_context(role.pk)["sms_exemption"]]
    refs = [ref for _body, _date, ref in approval_letter_context(role.pk)["sms_exemption"]]
    assert len(names) == 2 and refs == ["BSC/2026/14", "REC-D-0042"]
