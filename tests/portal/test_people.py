"""An organisation's admins manage the people of their organisation: invite colleagues, change
their roles there and remove their access; nothing more."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import TestCase
from django.urls import reverse

from qualification.enums import MembershipRole
from qualification.models import AuditEvent, Invitation, Membership, User
from qualification.people import invitation_create
from tests.participants import Participant
from tests.qualification.factories import UserFactory, code_body, member_of

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def northwind(journey_template):
    return Participant()


def people_url(participant) -> str:
    return reverse("organisation-people", args=[participant.organisation.public_id])


def invite(client, participant, **typed):
    data = {"action": "invite", "full_name": "Ravi Kumar", "email": "ravi@northwind.example"}
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            people_url(participant), {**data, "membership_role": "contributor", **typed}
        )


def test_an_organisation_admin_invites_a_colleague_with_a_link_to_the_portal_s_address(
    client, northwind, settings
):
    settings.PORTAL_URL = "https://qad.example.org/"
    client.force_login(northwind.admin)
    page = text(client.get(reverse("home")))
    assert people_url(northwind) in page, "the home page leads there"

    response = invite(client, northwind)

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.organisation, invitation.membership_role) == (
        northwind.organisation,
        MembershipRole.CONTRIBUTOR,
    )
    assert re.search(r"https://qad\.example\.org/invitations/\S+/", mail.outbox[-1].body)
    assert "Invitation sent to ravi@northwind.example" in text(client.get(people_url(northwind)))
    assert AuditEvent.objects.filter(kind="person.invited", actor=northwind.admin).exists()


def test_an_organisation_admin_cannot_give_a_code_body_role_or_make_a_portal_admin(
    client, northwind
):
    client.force_login(northwind.admin)
    page = text(client.get(people_url(northwind)))
    assert "Assessor" not in page and "Portal admin" not in page, "only the roles it may give"

    invite(client, northwind, code_body="BSC", code_body_role="assessor", portal_admin="on")
    invitation = Invitation.objects.get()
    assert (invitation.code_body, invitation.portal_admin) == (None, False)
    with pytest.raises(PermissionDenied):
        invitation_create(
            email="x@northwind.example",
            full_name="X",
            organisation=northwind.organisation,
            membership_role="contributor",
            code_body=code_body("BSC"),
            code_body_role="assessor",
            by=northwind.admin,
        )


def test_inviting_someone_who_has_an_account_gives_the_role_without_a_second_account(
    client, northwind
):
    consultant = UserFactory(email="ravi@northwind.example", full_name="Ravi Kumar")
    client.force_login(northwind.admin)

    response = invite(client, northwind, membership_role="signatory")

    assert response.status_code == 302
    assert not Invitation.objects.exists() and not mail.outbox
    assert User.objects.filter(email__iexact="ravi@northwind.example").count() == 1
    assert Membership.objects.get(user=consultant).role == MembershipRole.SIGNATORY
    assert "already has an account: they are now Signatory of" in text(
        client.get(people_url(northwind))
    )


def test_a_refused_invitation_keeps_what_was_typed(client, northwind):
    client.force_login(northwind.admin)

    response = invite(client, northwind, email="ravi at northwind", full_name="Ravi Kumar")

    assert response.status_code == 400
    page = text(response)
    assert "Enter the person&#x27;s e-mail address." in page
    assert 'value="ravi at northwind"' in page and 'value="Ravi Kumar"' in page
    assert not Invitation.objects.exists()


def test_roles_are_changed_and_access_removed_but_the_last_admin_stays(client, northwind):
    client.force_login(northwind.admin)
    contributor = northwind.contributor
    url = people_url(northwind)

    client.post(url, {"action": "add_role", "person": contributor.public_id, "role": "org_admin"})
    assert Membership.objects.filter(user=contributor, role="org_admin").exists()
    client.post(url, {"action": "remove_person", "person": contributor.public_id})
    assert not Membership.objects.filter(user=contributor).exists()
    assert AuditEvent.objects.filter(kind="membership.removed", actor=northwind.admin).count() >= 2

    own = Membership.objects.get(user=northwind.admin, role="org_admin")
    refused = client.post(
        url,
        {"action": "remove_role", "person": northwind.admin.public_id, "membership": own.pk},
        follow=True,
    )
    assert "keeps at least one organisation admin" in text(refused)
    assert Membership.objects.filter(pk=own.pk).exists()


def test_only_the_organisation_s_admins_reach_its_people(client, northwind, journey_template):
    client.force_login(northwind.contributor)
    assert client.get(people_url(northwind)).status_code == 403
    other = Participant("Brightwatt Ltd")
    client.force_login(other.admin)
    assert client.get(people_url(northwind)).status_code == 404
    stranger = member_of(other.organisation, MembershipRole.ORG_ADMIN)
    client.force_login(stranger)
    client.post(
        people_url(northwind),
        {"action": "remove_person", "person": northwind.contributor.public_id},
    )
    assert Membership.objects.filter(user=northwind.contributor).exists()
