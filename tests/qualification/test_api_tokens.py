"""Personal API tokens: made by their owner, shown once, kept as a digest, and refused from
the moment they expire, are revoked, or their owner is deactivated."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from qualification.api_tokens import token_create, token_for, token_revoke
from qualification.enums import CodeBodyRole
from qualification.models import ApiToken, AuditEvent
from tests.qualification.factories import CodeBodyMemberFactory, UserFactory, code_body

pytestmark = pytest.mark.django_db


def _make(user, *, days: int = 30, scope: str = ApiToken.Scope.READ, verified: bool = False):
    return token_create(
        user=user,
        name="Compliance tracker",
        expires_on=timezone.localdate() + dt.timedelta(days=days),
        scope=scope,
        verified=verified,
    )


def _status(client, secret: str) -> int:
    return client.get(
        reverse("api-qualifications"), headers={"Authorization": f"Bearer {secret}"}
    ).status_code


def test_a_token_is_shown_once_and_kept_only_as_a_digest(client):
    user = UserFactory()
    made = _make(user)

    stored = ApiToken.objects.get()
    assert made.secret.startswith(f"qad_{stored.prefix}_")
    assert len(made.secret) > 40
    assert made.secret not in repr(ApiToken.objects.values().get())
    assert stored.digest != made.secret
    assert _status(client, made.secret) == 200
    assert token_for(made.secret).user == user


def test_a_token_close_to_a_real_one_is_refused(client):
    made = _make(UserFactory())
    assert _status(client, made.secret[:-1] + ("A" if made.secret[-1] != "A" else "B")) == 401
    assert _status(client, "qad_0000000000_" + "x" * 43) == 401
    assert _status(client, "") == 401


def test_an_expired_token_is_refused(client):
    made = _make(UserFactory())
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert _status(client, made.secret) == 401


def test_a_revoked_token_is_refused_at_once(client):
    user = UserFactory()
    made = _make(user)
    assert _status(client, made.secret) == 200

    token_revoke(token=made.token, by=user)

    assert _status(client, made.secret) == 401
    assert AuditEvent.objects.filter(kind="api_token.revoked", actor=user).exists()


def test_a_deactivated_owners_tokens_stop_working_at_once(client):
    user = UserFactory()
    made = _make(user)
    assert _status(client, made.secret) == 200

    user.is_active = False
    user.save()

    assert _status(client, made.secret) == 401


def test_only_the_owner_or_a_portal_admin_revokes_a_token():
    made = _make(UserFactory())
    with pytest.raises(PermissionDenied):
        token_revoke(token=made.token, by=UserFactory())
    token_revoke(token=made.token, by=UserFactory(is_staff=True))
    made.token.refresh_from_db()
    assert made.token.revoked_at is not None


@pytest.mark.parametrize(
    ("name", "days", "scope", "message"),
    [
        ("", 30, "read", "Give the token a name"),
        ("x" * 81, 30, "read", "up to 80 characters"),
        ("Tracker", 0, "read", "after today"),
        ("Tracker", 366, "read", "at most a year"),
        ("Tracker", 30, "admin", "what the token may do"),
    ],
)
def test_a_token_that_breaks_a_rule_is_not_made(name, days, scope, message):
    with pytest.raises(ValidationError) as refused:
        token_create(
            user=UserFactory(),
            name=name,
            expires_on=timezone.localdate() + dt.timedelta(days=days),
            scope=scope,
            verified=False,
        )
    assert message in " ".join(refused.value.messages)
    assert not ApiToken.objects.exists()


def test_a_token_may_last_a_year_to_the_day():
    made = _make(UserFactory(), days=365)
    assert made.token.last_day == timezone.localdate() + dt.timedelta(days=365)
    assert made.token.expires_at == timezone.make_aware(
        dt.datetime.combine(made.token.last_day + dt.timedelta(days=1), dt.time.min)
    )


def test_an_assessor_makes_a_token_only_after_their_second_factor():
    assessor = CodeBodyMemberFactory(code_body=code_body("BSC"), role=CodeBodyRole.ASSESSOR).user
    with pytest.raises(PermissionDenied):
        _make(assessor, verified=False)
    assert not ApiToken.objects.exists()

    _make(assessor, verified=True)
    assert ApiToken.objects.filter(user=assessor).count() == 1


def test_making_a_token_is_audited_without_its_secret():
    user = UserFactory()
    made = _make(user, scope=ApiToken.Scope.READ_WRITE)
    event = AuditEvent.objects.get(kind="api_token.created")
    assert event.actor == user
    assert "Compliance tracker" in event.summary
    assert "read and write" in event.summary
    assert made.secret not in event.summary


def test_a_superuser_revokes_a_token_in_the_admin_and_it_is_audited(client):
    made = _make(UserFactory())
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    client.post(
        reverse("admin:qualification_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [made.token.pk]},
    )

    made.token.refresh_from_db()
    assert made.token.revoked_at is not None
    assert AuditEvent.objects.get(kind="api_token.revoked").actor == admin
    assert _status(client, made.secret) == 401
