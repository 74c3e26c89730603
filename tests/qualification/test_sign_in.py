"""Signing in: throttled wrong passwords, strong passwords, reset by e-mail, session lifetime,
signing out, and the second factor for the roles that need it."""

import re
import time
from base64 import b32encode

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from qualification.enums import CodeBodyRole, MembershipRole
from qualification.models import AuditEvent
from qualification.people import code_body_role_set, membership_add
from qualification.security import REFRESHED_AT, SECOND_FACTOR_RULE, SIGNED_IN_AT
from tests.qualification.factories import (
    CodeBodyMemberFactory,
    OrganisationFactory,
    UserFactory,
    member_of,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def second_factor(settings):
    settings.REQUIRE_SECOND_FACTOR = True


@pytest.fixture
def throttle(settings):
    settings.AXES_ENABLED = True


def person(kind: str):
    """A user of the given kind, with PASSWORD."""
    if kind in ("assessor", "lead_assessor"):
        user = CodeBodyMemberFactory(role=kind).user
    elif kind == "portal_admin":
        user = UserFactory(is_staff=True, is_superuser=True)
    else:
        user = member_of(OrganisationFactory(), kind)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, user, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": user.email, "password": password}, **extra)


def code_now(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def let_time_pass(user) -> None:
    """After a wrong code the next try waits a moment (1 s, then 2 s, 4 s...); skip the wait."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(
            throttling_failure_count=0, throttling_failure_timestamp=None
        )


def authenticator(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


# Wrong passwords


def test_repeated_wrong_passwords_pause_the_account_from_that_address(client, throttle):
    user = person(MembershipRole.CONTRIBUTOR)
    for _ in range(4):
        assert sign_in(client, user, "wrong password").status_code == 200
    locked = sign_in(client, user, "wrong password")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many sign-in attempts" in page and "Try again in 15 minutes" in page

    refused = sign_in(client, user)  # even the right password, while paused
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_pause_is_for_that_account_from_that_address_only(client, throttle):
    user, colleague = person(MembershipRole.CONTRIBUTOR), person(MembershipRole.CONTRIBUTOR)
    for _ in range(5):
        sign_in(client, user, "wrong password")
    assert sign_in(client, colleague).status_code == 302, "another account is not paused"
    client.logout()
    elsewhere = sign_in(client, user, REMOTE_ADDR="10.20.30.40")
    assert elsewhere.status_code == 302, "the same account from another address is not paused"


def test_the_pause_ends_by_itself(client, throttle):
    user = person(MembershipRole.CONTRIBUTOR)
    for _ in range(5):
        sign_in(client, user, "wrong password")
    assert sign_in(client, user).status_code == 429

    # Sixteen minutes later (the cool-off is 15).
    earlier = timezone.now() - timezone.timedelta(minutes=16)
    AccessAttempt.objects.update(attempt_time=earlier)
    AccessAttemptExpiration.objects.update(expires_at=earlier)

    assert sign_in(client, user).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_successful_sign_in_clears_the_count(client, throttle):
    user = person(MembershipRole.CONTRIBUTOR)
    for _ in range(4):
        sign_in(client, user, "wrong password")
    assert sign_in(client, user).status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, user, "wrong password")
    assert sign_in(client, user).status_code == 302


# Passwords and resetting them


def reset_link(client, user) -> str:
    client.post(reverse("password_reset"), {"email": user.email})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    path = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    return client.get(path, follow=True).redirect_chain[-1][0]


@pytest.mark.parametrize(
    "new_password, message",
    [
        ("Sh0rt-pass", "at least 12 characters"),
        ("password1234", "too common"),
        ("381920475610", "entirely numeric"),
    ],
)
def test_a_new_password_must_be_long_and_uncommon(client, new_password, message):
    user = person(MembershipRole.CONTRIBUTOR)
    form = reset_link(client, user)
    response = client.post(form, {"new_password1": new_password, "new_password2": new_password})
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD), "the old password still works"


def test_a_reset_password_does_not_sign_in_or_skip_the_second_factor(client, second_factor):
    user = person(CodeBodyRole.ASSESSOR)
    device = authenticator(user)
    form = reset_link(client, user)
    done = client.post(
        form,
        {"new_password1": "a fresh long passphrase", "new_password2": "a fresh long passphrase"},
    )
    assert done.status_code == 302
    assert "_auth_user_id" not in client.session, "resetting does not sign anyone in"

    signed_in = sign_in(client, user, "a fresh long passphrase")
    home = client.get(reverse("home"))
    assert signed_in.status_code == 302
    assert home.status_code == 302 and home.url.startswith(reverse("two-factor-verify"))
    client.post(reverse("two-factor-verify"), {"code": code_now(device)})
    assert client.get(reverse("home")).status_code == 200


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@nowhere.example"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert mail.outbox == []


# Sessions


def test_signing_in_starts_a_new_session(client):
    user = person(MembershipRole.CONTRIBUTOR)
    session = client.session  # a session that exists before signing in
    session["probe"] = 1
    session.save()
    before = session.session_key
    sign_in(client, user)
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_a_session_left_idle_ends(client, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    user = person(MembershipRole.CONTRIBUTOR)
    sign_in(client, user)
    assert client.get(reverse("home")).status_code == 200
    # Half an hour passes: the session's row expires.
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_session_in_use_stays_open_past_the_idle_limit(client):
    user = person(MembershipRole.CONTRIBUTOR)
    sign_in(client, user)
    for minutes_ago in (29, 2):  # a request every half hour or less keeps the session open
        session = client.session
        session[REFRESHED_AT] = int(time.time()) - minutes_ago * 60
        session.save()
        Session.objects.update(expire_date=timezone.now() + timezone.timedelta(seconds=30))
        assert client.get(reverse("home")).status_code == 200
        expires = Session.objects.get(session_key=session.session_key).expire_date
        assert expires > timezone.now() + timezone.timedelta(minutes=29)


def test_pages_opened_within_a_minute_leave_the_session_unwritten(client):
    user = person(MembershipRole.CONTRIBUTOR)
    sign_in(client, user)
    client.get(reverse("home"))
    expires = Session.objects.get().expire_date
    Session.objects.update(expire_date=expires + timezone.timedelta(seconds=5))
    client.get(reverse("home"))
    assert Session.objects.get().expire_date == expires + timezone.timedelta(seconds=5)


def test_a_busy_session_still_ends_twelve_hours_after_signing_in(client, settings):
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60
    user = person(MembershipRole.CONTRIBUTOR)
    sign_in(client, user)
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - 11 * 60 * 60
    session.save()
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - 12 * 60 * 60 - 5
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_signing_out_ends_the_session_on_the_server(client):
    user = person(MembershipRole.CONTRIBUTOR)
    sign_in(client, user)
    stolen_cookie = client.cookies["sessionid"].value
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=stolen_cookie).exists()
    client.cookies["sessionid"] = stolen_cookie
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# The second factor


@pytest.mark.parametrize(
    "kind",
    [CodeBodyRole.ASSESSOR, CodeBodyRole.LEAD_ASSESSOR, MembershipRole.SIGNATORY, "portal_admin"],
)
def test_assessors_signatories_and_admins_must_set_up_a_second_factor(client, second_factor, kind):
    user = person(kind)
    sign_in(client, user)
    for path in (reverse("home"), "/admin/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url.startswith(reverse("two-factor-setup"))
    assert client.post(reverse("audit")).url.startswith(reverse("two-factor-setup"))


@pytest.mark.parametrize("kind", [MembershipRole.CONTRIBUTOR, MembershipRole.ORG_ADMIN])
def test_contributors_and_organisation_admins_may_go_without(client, second_factor, kind):
    user = person(kind)
    sign_in(client, user)
    assert client.get(reverse("home")).status_code == 200


def test_whether_a_second_factor_is_needed_is_asked_once_a_minute_not_on_every_page(
    client, second_factor
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def asks_the_database() -> bool:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("home")).status_code == 200
        return any("otp_totp_totpdevice" in q["sql"] for q in captured.captured_queries)

    sign_in(client, person(MembershipRole.CONTRIBUTOR))
    assert [asks_the_database() for _ in range(3)] == [True, False, False]

    session = client.session
    version, needed, checked_at = session[SECOND_FACTOR_RULE]
    session[SECOND_FACTOR_RULE] = [version, needed, checked_at - 61]
    session.save()
    assert [asks_the_database() for _ in range(2)] == [True, False]


def _make_signatory(user) -> None:
    membership_add(
        user=user,
        organisation=user.memberships.get().organisation,
        role=MembershipRole.SIGNATORY,
        by=UserFactory(is_staff=True),
    )


def _make_assessor(user) -> None:
    code_body_role_set(
        user=user,
        code_body=CodeBodyMemberFactory().code_body,
        role=CodeBodyRole.ASSESSOR,
        by=UserFactory(is_staff=True),
    )


@pytest.mark.parametrize(
    "promote", [_make_signatory, _make_assessor], ids=["signatory", "assessor"]
)
def test_a_person_given_a_role_that_needs_a_second_factor_is_asked_on_the_next_page(
    client, second_factor, promote
):
    user = person(MembershipRole.CONTRIBUTOR)
    sign_in(client, user)
    assert client.get(reverse("home")).status_code == 200

    promote(user)

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two-factor-setup"))


def test_a_person_made_portal_admin_is_asked_for_a_second_factor_on_the_next_page(
    client, second_factor
):
    user = person(MembershipRole.CONTRIBUTOR)
    sign_in(client, user)
    assert client.get(reverse("home")).status_code == 200

    user.is_staff = True
    user.save(update_fields=["is_staff"])

    assert client.get(reverse("home")).url.startswith(reverse("two-factor-setup"))


def test_an_authenticator_set_up_elsewhere_is_asked_for_in_a_session_already_open(
    client, second_factor
):
    user = person(MembershipRole.CONTRIBUTOR)
    sign_in(client, user)
    assert client.get(reverse("home")).status_code == 200

    authenticator(user)  # set up from another browser

    assert client.get(reverse("home")).url.startswith(reverse("two-factor-verify"))


def test_setting_up_an_authenticator_gives_recovery_codes(client, second_factor):
    user = person(CodeBodyRole.ASSESSOR)
    sign_in(client, user)
    page = client.get(reverse("two-factor-setup"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text and "Your role needs a second factor" in text
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", text).group(1)
    assert secret.replace(" ", "") == b32encode(device.bin_key).decode().rstrip("=")

    wrong = client.post(reverse("two-factor-setup"), {"code": "000000"})
    assert wrong.status_code == 400 and "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    let_time_pass(user)

    done = client.post(reverse("two-factor-setup"), {"code": code_now(device)})
    codes = re.findall(r"<li><code>([0-9a-f]{10})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(kind="two_factor.enabled", actor=user).exists()


def test_the_code_from_the_app_or_a_recovery_code_completes_sign_in(client, second_factor):
    user = person(MembershipRole.SIGNATORY)
    device = authenticator(user)
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes")
    recovery.token_set.create(token="a1b2c3d4e5")

    sign_in(client, user)
    assert client.get(reverse("home")).url.startswith(reverse("two-factor-verify"))
    wrong = client.post(reverse("two-factor-verify"), {"code": "123456"})
    assert wrong.status_code == 400 and "That code is not right" in wrong.content.decode()
    let_time_pass(user)
    done = client.post(reverse("two-factor-verify"), {"code": code_now(device), "next": "/"})
    assert done.status_code == 302
    assert client.get(reverse("home")).status_code == 200

    client.post(reverse("logout"))
    sign_in(client, user)
    used = client.post(reverse("two-factor-verify"), {"code": "a1b2c3d4e5"}, follow=True)
    assert "You used a recovery code; 0 are left." in used.content.decode()
    client.post(reverse("logout"))
    sign_in(client, user)
    again = client.post(reverse("two-factor-verify"), {"code": "a1b2c3d4e5"})
    assert again.status_code == 400, "a recovery code works once"


def test_guessing_codes_is_slowed_down(client, second_factor):
    user = person(CodeBodyRole.ASSESSOR)
    device = authenticator(user)
    sign_in(client, user)
    client.post(reverse("two-factor-verify"), {"code": "000000"})
    right_too_soon = client.post(reverse("two-factor-verify"), {"code": code_now(device)})
    assert right_too_soon.status_code == 400
    assert re.search(r"Wait \d+ seconds? before the next try.", right_too_soon.content.decode())
    assert client.get(reverse("home")).status_code == 302


def test_a_password_alone_cannot_replace_the_authenticator(client, second_factor):
    user = person(CodeBodyRole.ASSESSOR)
    authenticator(user)
    sign_in(client, user)
    response = client.get(reverse("two-factor-setup"))
    assert response.status_code == 302 and response.url.startswith(reverse("two-factor-verify"))
    client.post(reverse("two-factor-setup"), {"code": "000000"})
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_contributor_who_chose_a_second_factor_is_asked_for_it(client, second_factor):
    user = person(MembershipRole.CONTRIBUTOR)
    device = authenticator(user)
    sign_in(client, user)
    assert client.get(reverse("home")).url.startswith(reverse("two-factor-verify"))
    client.post(reverse("two-factor-verify"), {"code": code_now(device)})
    assert client.get(reverse("home")).status_code == 200


def test_an_autosave_before_the_second_factor_is_sent_to_the_code_page(client, second_factor):
    user = person(CodeBodyRole.ASSESSOR)
    authenticator(user)
    sign_in(client, user)
    response = client.get(reverse("home"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("two-factor-verify"))
