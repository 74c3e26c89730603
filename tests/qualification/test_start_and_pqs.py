"""An organisation admin starts a qualification; non-SIT participants pass the PQS first."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from qad.models import Submission
from qualification.enums import (
    CodeBodyRole,
    MembershipRole,
    PreQualificationState,
    QualificationState,
)
from qualification.models import AuditEvent, Mpid, PreQualification, Qualification, Wave
from qualification.services import mpid_add
from tests.qualification.factories import (
    CodeBodyMemberFactory,
    MpidFactory,
    OrganisationFactory,
    code_body,
    market_role,
    member_of,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def brightwatt():
    organisation = OrganisationFactory(legal_name="Brightwatt Data Services Ltd")
    MpidFactory(organisation=organisation, market_role=market_role("ADS"), code="BWDA")
    MpidFactory(organisation=organisation, market_role=market_role("SDS"), code="BWDS")
    return organisation


def start_url(organisation):
    return reverse("qualification-start", args=[organisation.public_id])


def start(client, organisation, route, *mpids, **extra):
    data = {"route": route, "mpids": [m.pk for m in mpids], **extra}
    return client.post(start_url(organisation), data)


def test_an_organisation_admin_starts_a_sit_qualification_and_gets_its_initial_qad(
    client, brightwatt
):
    client.force_login(member_of(brightwatt, MembershipRole.ORG_ADMIN))
    mpids = list(brightwatt.mpids.all())

    response = start(client, brightwatt, "SIT", *mpids)

    qualification = Qualification.objects.get(organisation=brightwatt)
    submission = Submission.objects.get(qualification=qualification)
    assert response["Location"] == reverse("submission-detail", args=[submission.public_id])
    assert qualification.state == QualificationState.TESTING
    assert sorted(qualification.roles.values_list("mpid__code", flat=True)) == ["BWDA", "BWDS"]


def test_a_contributor_cannot_start_a_qualification(client, brightwatt):
    client.force_login(member_of(brightwatt))
    assert client.get(start_url(brightwatt)).status_code == 403
    assert start(client, brightwatt, "SIT", *brightwatt.mpids.all()).status_code == 403
    assert not Qualification.objects.exists()


def test_another_organisation_cannot_start_one_for_you(client, brightwatt):
    other = OrganisationFactory()
    client.force_login(member_of(other, MembershipRole.ORG_ADMIN))
    assert start(client, brightwatt, "SIT", *brightwatt.mpids.all()).status_code == 404
    assert not Qualification.objects.exists()


def test_start_form_errors_are_explained_and_nothing_is_created(client, brightwatt):
    client.force_login(member_of(brightwatt, MembershipRole.ORG_ADMIN))
    response = start(
        client, brightwatt, "NON_SIT_LDSO", *brightwatt.mpids.all(), sms_exemption_requested="on"
    )
    page = text(response)
    assert response.status_code == 400
    assert "The LDSO routes are for LDSOs only." in page
    assert "Only a Supplier can ask for the Smart Meter Segment exemption." in page
    response = start(client, brightwatt, "SIT")
    assert "Choose at least one market role." in text(response)
    assert not Qualification.objects.exists()


def test_an_admin_adds_an_mpid_and_a_malformed_one_is_refused(client, brightwatt):
    admin = member_of(brightwatt, MembershipRole.ORG_ADMIN)
    client.force_login(admin)
    url = reverse("mpid-add", args=[brightwatt.public_id])
    bad = client.post(url, {"market_role": market_role("UMSDS").pk, "code": "bw-1"})
    assert bad.status_code == 400
    assert "An MPID is exactly 4 upper-case letters or digits" in text(bad)
    assert not AuditEvent.objects.filter(kind="organisation.mpid_added").exists()
    client.post(url, {"market_role": market_role("UMSDS").pk, "code": "bwum", "dip_id": ""})
    assert Mpid.objects.get(code="BWUM").organisation == brightwatt
    event = AuditEvent.objects.get(kind="organisation.mpid_added")
    assert (event.actor, event.organisation_id, event.after) == (
        admin,
        brightwatt.pk,
        {"mpid": "BWUM", "dip_id": ""},
    )
    assert event.summary == "MPID BWUM added for Unmetered Supplies Data Service"


@pytest.mark.parametrize("dip_id", ["12345", "12345678901", "12345ABCDE", "1234 56789"])
def test_a_dip_id_that_is_not_ten_digits_is_refused_with_its_format(client, brightwatt, dip_id):
    client.force_login(member_of(brightwatt, MembershipRole.ORG_ADMIN))
    url = reverse("mpid-add", args=[brightwatt.public_id])

    response = client.post(
        url, {"market_role": market_role("ADS").pk, "code": "BWAD", "dip_id": dip_id}
    )

    assert response.status_code == 400
    assert "A DIP ID is exactly 10 digits, as the DIP Manager issued it." in text(response)
    assert not Mpid.objects.filter(code="BWAD").exists()


def test_an_mpid_is_recorded_with_the_dip_id_the_dip_manager_issued(client, brightwatt):
    admin = member_of(brightwatt, MembershipRole.ORG_ADMIN)
    client.force_login(admin)

    client.post(
        reverse("mpid-add", args=[brightwatt.public_id]),
        {"market_role": market_role("ADS").pk, "code": "BWAD", "dip_id": " 4000012345 "},
    )

    assert Mpid.objects.get(code="BWAD").dip_id == "4000012345"
    assert AuditEvent.objects.get(kind="organisation.mpid_added").after == {
        "mpid": "BWAD",
        "dip_id": "4000012345",
    }


def test_the_database_refuses_a_dip_id_of_another_format(brightwatt):
    with pytest.raises(IntegrityError), transaction.atomic():
        Mpid.objects.create(
            organisation=brightwatt, market_role=market_role("ADS"), code="BWAD", dip_id="DIP-1"
        )


@pytest.fixture
def pqs(client, brightwatt):
    admin = member_of(brightwatt, MembershipRole.ORG_ADMIN)
    client.force_login(admin)
    start(client, brightwatt, "QT", *brightwatt.mpids.all())
    qualification = Qualification.objects.get(organisation=brightwatt)
    return qualification, admin


def pqs_data(wave, **changes):
    today = dt.date.today()
    data = {
        "preferred_wave": wave.pk,
        "pit_approach": "in_house",
        "pit_starts": (today - dt.timedelta(days=60)).isoformat(),
        "pit_ends": (today - dt.timedelta(days=10)).isoformat(),
        "target_migration_date": (today + dt.timedelta(days=200)).isoformat(),
    }
    data.update(changes)
    return data


def test_a_non_sit_qualification_starts_with_the_pqs_and_no_qad(client, pqs):
    qualification, _ = pqs
    assert qualification.state == QualificationState.PRE_QUALIFICATION
    assert not qualification.submissions.exists()
    assert qualification.pre_qualification.state == PreQualificationState.DRAFT


def test_an_incomplete_pqs_cannot_be_submitted(client, pqs):
    qualification, _ = pqs
    response = client.post(
        reverse("pqs-edit", args=[qualification.public_id]),
        {"submit": "submit", "pit_approach": "in_house"},
    )
    assert "Before submitting, give the preferred Wave, PIT start date" in text(response)
    assert PreQualification.objects.get().state == PreQualificationState.DRAFT


def test_pit_dates_out_of_order_are_refused(client, pqs):
    qualification, _ = pqs
    wave = Wave.objects.create(code="W9", name="Wave 9")
    data = pqs_data(wave, pit_starts="2025-05-01", pit_ends="2025-04-01")
    response = client.post(reverse("pqs-edit", args=[qualification.public_id]), data)
    assert "PIT cannot end before it starts." in text(response)
    assert PreQualification.objects.get().pit_starts is None


def test_the_pqs_is_accepted_by_an_approving_code_body_and_the_qad_is_built(client, pqs):
    qualification, _ = pqs
    wave = Wave.objects.create(code="W9", name="Wave 9")
    client.post(
        reverse("pqs-edit", args=[qualification.public_id]), {**pqs_data(wave), "submit": "submit"}
    )
    assert PreQualification.objects.get().state == PreQualificationState.SUBMITTED

    rec_lead = CodeBodyMemberFactory(
        code_body=code_body("REC"), role=CodeBodyRole.LEAD_ASSESSOR
    ).user
    client.force_login(rec_lead)
    decide = reverse("pqs-decide", args=[qualification.public_id])
    client.post(decide, {"decision": "accept"})
    assert PreQualification.objects.get().state == PreQualificationState.SUBMITTED, (
        "REC does not approve Data Services"
    )

    bsc_lead = CodeBodyMemberFactory(
        code_body=code_body("BSC"), role=CodeBodyRole.LEAD_ASSESSOR
    ).user
    client.force_login(bsc_lead)
    client.post(decide, {"decision": "accept"})

    qualification.refresh_from_db()
    assert qualification.state == QualificationState.TESTING
    assert qualification.wave == wave
    assert qualification.submissions.get().stage == "initial"


def test_a_returned_pqs_says_why_and_can_be_changed_and_resubmitted(client, pqs):
    qualification, admin = pqs
    wave = Wave.objects.create(code="W9", name="Wave 9")
    edit = reverse("pqs-edit", args=[qualification.public_id])
    client.post(edit, {**pqs_data(wave), "submit": "submit"})
    lead = CodeBodyMemberFactory(code_body=code_body("BSC"), role=CodeBodyRole.LEAD_ASSESSOR).user
    client.force_login(lead)
    decide = reverse("pqs-decide", args=[qualification.public_id])
    client.post(decide, {"decision": "return", "note": ""})
    assert PreQualification.objects.get().state == PreQualificationState.SUBMITTED
    client.post(decide, {"decision": "return", "note": "Wave 9 is full; choose Wave 10."})

    client.force_login(admin)
    page = text(client.get(edit))
    assert "Returned by the Code Bodies" in page and "Wave 9 is full; choose Wave 10." in page
    client.post(edit, {**pqs_data(wave), "submit": "submit"})
    assert PreQualification.objects.get().state == PreQualificationState.SUBMITTED


def test_only_an_organisation_admin_adds_an_mpid_even_through_the_service(brightwatt):
    contributor = member_of(brightwatt, MembershipRole.CONTRIBUTOR)

    with pytest.raises(PermissionDenied):
        mpid_add(
            organisation=brightwatt, market_role=market_role("UMSDS"), code="BWXX", by=contributor
        )

    assert not Mpid.objects.filter(code="BWXX").exists()
    assert not AuditEvent.objects.filter(kind="organisation.mpid_added").exists()
