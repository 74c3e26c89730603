"""The programme dashboard, its exports, and managing organisations and people."""

import csv
import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessment.models import Review
from assessment.working_days import working_days_between
from qad.services.submissions import submission_submit
from qualification.enums import CodeBodyRole, MembershipRole
from qualification.models import AuditEvent, Invitation, Membership, Organisation, User
from tests.participants import Participant
from tests.qad.test_submit_and_sign import fill
from tests.qualification.factories import CodeBodyMemberFactory, UserFactory, code_body

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def admin(client):
    user = UserFactory(is_staff=True, full_name="Priya Shah")
    client.force_login(user)
    return user


@pytest.fixture
def programme(journey_template):
    """Two participants: one submitted three weeks ago (overdue for review), one drafting."""
    submitted = Participant("Northwind Energy Supply Ltd")
    fill(submitted)
    with TestCase.captureOnCommitCallbacks(execute=True):
        submission_submit(submission=submitted.submission, by=submitted.admin, revision_number=1)
    Review.objects.update(waiting_since=timezone.now() - dt.timedelta(days=21))
    drafting = Participant("Brightwatt Data Ltd")
    return submitted, drafting


def test_the_dashboard_shows_stages_roles_backlog_overdue_and_trend(client, admin, programme):
    page = text(client.get(reverse("programme")))
    assert "2 qualifications" in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 4
    assert "<title id=" in page and "Qualifications by stage" in page
    assert "Testing and Initial QAD: 2" in page, "the chart describes its figures"
    assert "BSC review of the Initial QAD waiting" in page, "overdue reviews are listed"
    assert re.search(
        r"<th scope=\"row\" class=\"fw-normal\">BSC</th><td>0</td><td>0</td>"
        r"<td>1</td>",
        page,
    )


def test_an_overdue_review_is_listed_with_its_working_days_and_a_link_to_it(
    client, admin, programme
):
    submitted, _ = programme
    review = Review.objects.get(submission=submitted.submission, code_body__code="BSC")
    waited = working_days_between(timezone.localdate(review.waiting_since), timezone.localdate())

    page = text(client.get(reverse("programme")))

    assert (
        f'<a href="{review.get_absolute_url()}">Northwind Energy Supply Ltd</a>: BSC review of '
        f"the Initial QAD waiting {waited} working days (target 10)"
    ) in page


def test_a_review_with_the_participant_is_neither_backlog_nor_overdue_on_dashboard_or_queue(
    client, admin, programme
):
    """The clock stops while the participant answers clarifications: the dashboard counts
    by the same rule as the work queue."""
    submitted, _ = programme
    bsc = Review.objects.filter(submission=submitted.submission, code_body__code="BSC")
    bsc.update(state=Review.State.AWAITING_PARTICIPANT)
    lead = CodeBodyMemberFactory(code_body=code_body("BSC"), role=CodeBodyRole.LEAD_ASSESSOR)

    page = text(client.get(reverse("programme")))
    client.force_login(lead.user)
    queue = text(client.get(reverse("review-queue", args=["BSC"])))

    assert "BSC review of the Initial QAD waiting" not in page
    assert re.search(
        r"<th scope=\"row\" class=\"fw-normal\">BSC</th><td>0</td><td>0</td><td>0</td>", page
    )
    assert "With the participant: the clock is stopped" in queue
    assert 'text-bg-danger">Overdue' not in queue

    bsc.update(state=Review.State.IN_REVIEW)
    client.force_login(admin)
    assert "BSC review of the Initial QAD waiting" in text(client.get(reverse("programme")))


def test_the_dashboard_filters_by_route(client, admin, programme):
    page = text(client.get(reverse("programme"), {"route": "QT"}))
    assert "0 qualifications" in page


def test_lead_assessors_see_the_dashboard_and_others_do_not(client, programme):
    submitted, _ = programme
    client.force_login(
        CodeBodyMemberFactory(code_body=code_body("REC"), role=CodeBodyRole.LEAD_ASSESSOR).user
    )
    assert client.get(reverse("programme")).status_code == 200
    for user in (submitted.admin, CodeBodyMemberFactory(code_body=code_body("REC")).user):
        client.force_login(user)
        assert client.get(reverse("programme")).status_code == 403
        assert client.get(reverse("programme-export", args=["csv"])).status_code == 403


def test_the_programme_exports_as_csv_and_excel(client, admin, programme):
    Organisation.objects.filter(legal_name="Brightwatt Data Ltd").update(
        legal_name="=cmd|' /C calc'!A0"
    )
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("programme-export", args=["csv"])).content.decode())
        )
    )
    assert rows[0][:4] == ["Organisation", "Company number", "MPIDs", "Roles"]
    by_name = {row[0]: row for row in rows[1:]}
    northwind = by_name["Northwind Energy Supply Ltd"]
    assert northwind[3] == "SUP" and northwind[8] == "Submitted"
    assert northwind[13] == "Waiting for review"
    assert "'=cmd|' /C calc'!A0" in by_name, "a formula is neutralised"

    response = client.get(reverse("programme-export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "Organisation" and len(values) == 3


def test_an_admin_invites_a_person_who_sets_a_password_once(client, admin, journey_template):
    organisation = Participant("Lumen Ltd").organisation
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            reverse("people"),
            {
                "full_name": "Ravi Kumar",
                "email": "ravi@lumen.example",
                "organisation": organisation.public_id,
                "membership_role": "contributor",
            },
        )
    invitation = Invitation.objects.get()
    body = mail.outbox[-1].body
    link = re.search(r"(/invitations/[^/\s]+/)", body).group(1)
    assert link not in invitation.token_hash, "only a hash of the token is kept"

    client.logout()
    weak = client.post(link, {"password": "password123", "password_again": "password123"})
    assert weak.status_code == 400 and "too common" in text(weak)
    client.post(link, {"password": "a-strong-password-9", "password_again": "a-strong-password-9"})
    user = User.objects.get(email="ravi@lumen.example")
    assert Membership.objects.get(user=user).organisation == organisation
    assert client.get(link).status_code == 404, "the link works once"
    assert AuditEvent.objects.filter(kind="person.invited").exists()
    assert AuditEvent.objects.filter(kind="person.joined", actor=user).exists()


def test_an_expired_invitation_does_not_work(client, admin, journey_template):
    from qualification.people import invitation_create

    invitation, token = invitation_create(
        email="late@x.example", full_name="Late", portal_admin=True, by=admin
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    client.logout()
    assert client.get(reverse("invitation-accept", args=[token])).status_code == 404
    assert not User.objects.filter(email="late@x.example").exists()


def test_an_admin_assigns_roles_and_deactivates_and_each_is_recorded(
    client, admin, journey_template
):
    person = UserFactory(full_name="Ben Okafor")
    organisation = Participant("Harbour Ltd").organisation
    url = reverse("person", args=[person.public_id])
    client.post(
        url,
        {
            "action": "add_membership",
            "organisation": organisation.public_id,
            "role": MembershipRole.SIGNATORY,
        },
    )
    client.post(url, {"action": "code_body_role", "code_body": "REC", "role": "reviewer"})
    client.post(url, {"action": "deactivate"})

    person.refresh_from_db()
    assert not person.is_active
    assert Membership.objects.get(user=person).role == MembershipRole.SIGNATORY
    assert person.code_body_memberships.get().role == "reviewer"
    kinds = set(AuditEvent.objects.filter(actor=admin).values_list("kind", flat=True))
    assert {"membership.added", "code_body_membership.changed", "person.deactivated"} <= kinds

    from django.test import Client

    deactivated = Client()
    deactivated.force_login(person)
    assert deactivated.get(reverse("home")).status_code == 302, "a deactivated user is out"


def test_an_admin_registers_an_organisation_with_its_mpids(client, admin, journey_template):
    client.post(
        reverse("organisations"),
        {
            "legal_name": "New Power Ltd",
            "company_number": "12345678",
            "mpids": "NPWR SUP\nNPAD ADS",
        },
    )
    organisation = Organisation.objects.get(legal_name="New Power Ltd")
    assert sorted(organisation.mpids.values_list("code", flat=True)) == ["NPAD", "NPWR"]
    refused = client.post(
        reverse("organisations"),
        {"legal_name": "Bad Ltd", "company_number": "123", "mpids": "bad! SUP"},
        follow=True,
    )
    assert not Organisation.objects.filter(legal_name="Bad Ltd").exists()
    assert "alert" in text(refused)


@pytest.mark.parametrize("url_name", ["people", "organisations"])
def test_only_portal_admins_manage_people(client, url_name, journey_template):
    participant = Participant("Someone Ltd")
    client.force_login(participant.admin)
    assert client.get(reverse(url_name)).status_code == 403
    response = client.post(
        reverse("people"), {"full_name": "X", "email": "x@x.example", "portal_admin": "on"}
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert (
        client.post(
            reverse("person", args=[participant.admin.public_id]), {"action": "deactivate"}
        ).status_code
        == 403
    )
    participant.admin.refresh_from_db()
    assert participant.admin.is_active
