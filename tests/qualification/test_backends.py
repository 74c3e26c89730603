"""Who is signed in, found again on every request: the person as the ORM would read them, and
nobody for an account since deactivated, deleted or an id that is not one."""

from __future__ import annotations

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.urls import reverse

from qualification.backends import SIGN_IN_BACKEND, PortalBackend
from qualification.enums import MembershipRole
from qualification.models import User
from tests.qualification.test_sign_in import person, sign_in
from tests.rows import column_values

pytestmark = pytest.mark.django_db


def test_the_signed_in_person_is_read_whole():
    user = person(MembershipRole.ORG_ADMIN)

    found = PortalBackend().get_user(str(user.pk))

    expected = ModelBackend().get_user(user.pk)
    assert column_values(found) == column_values(expected)
    assert found.get_session_auth_hash() == user.get_session_auth_hash()


def test_nobody_for_a_deactivated_deleted_or_malformed_account():
    user = person(MembershipRole.CONTRIBUTOR)
    gone = person(MembershipRole.CONTRIBUTOR)
    gone_id = gone.pk
    gone.memberships.all().delete()
    gone.delete()
    User.objects.filter(pk=user.pk).update(is_active=False)

    backend = PortalBackend()
    assert backend.get_user(user.pk) is None
    assert backend.get_user(gone_id) is None
    assert backend.get_user("not-a-number") is None


def test_signing_in_records_this_backend_and_the_next_page_knows_the_person(client):
    user = person(MembershipRole.CONTRIBUTOR)

    sign_in(client, user)

    assert client.session[BACKEND_SESSION_KEY] == SIGN_IN_BACKEND
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert page.wsgi_request.user.pk == user.pk
