"""Forwarded headers are believed only from the trusted proxies: a forged one from anyone else
changes nothing, and behind the proxy each person is locked out on their own address."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from qualification.client_address import client_address
from tests.qualification.factories import UserFactory

PROXY = "10.0.0.5"


@pytest.fixture
def behind_a_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    return settings


def request_from(remote: str, forwarded: str = "", proto: str = ""):
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    if proto:
        meta["HTTP_X_FORWARDED_PROTO"] = proto
    return RequestFactory().get("/", **meta)


def test_a_forged_header_from_an_untrusted_address_changes_nothing(behind_a_proxy):
    assert client_address(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_through_the_trusted_proxy_the_person_s_address_is_read(behind_a_proxy):
    # The client's own claim (left) proves nothing; the proxy wrote the address it saw.
    request = request_from(PROXY, "192.0.2.77, 198.51.100.20")
    assert client_address(request) == "198.51.100.20"
    assert client_address(request_from(PROXY, "not-an-address")) == PROXY


@pytest.mark.django_db
def test_https_is_believed_only_from_the_proxy(behind_a_proxy, client):
    behind_a_proxy.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    behind_a_proxy.SECURE_SSL_REDIRECT = True
    login = reverse("login")
    forged = client.get(login, HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="203.0.113.9")
    assert forged.status_code == 301, "a client saying it is on HTTPS is still redirected"
    proxied = client.get(login, HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR=PROXY)
    assert proxied.status_code == 200


@pytest.mark.django_db
def test_two_people_behind_the_proxy_are_locked_out_on_their_own_addresses(behind_a_proxy):
    behind_a_proxy.AXES_ENABLED = True  # off for the other tests (tests/conftest.py)
    behind_a_proxy.AXES_FAILURE_LIMIT = 2
    user = UserFactory(email="olivia@northwind.example")
    attacker, colleague = Client(), Client()
    for _ in range(3):
        attacker.post(
            reverse("login"),
            {"username": user.email, "password": "wrong password"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )
    locked = attacker.post(
        reverse("login"),
        {"username": user.email, "password": "wrong password"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.66",
    )
    assert locked.status_code == 429
    signed_in = colleague.post(
        reverse("login"),
        {"username": user.email, "password": "a-long-test-password-42"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="192.0.2.10",
    )
    assert signed_in.status_code == 302, "the same account from another address still signs in"
