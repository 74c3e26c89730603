"""Home pages of each kind of user, on the demo world, in-process (no network)."""

from __future__ import annotations

from django.test import Client

from benchmarks.report import Row, measure
from benchmarks.second_factor import verify_second_factor
from demo.world import build_demo
from qualification.models import User

PAGES = [
    ("home: organisation admin", "admin@northwind.example"),
    ("home: lead assessor (BSC)", "lead@bsc.example"),
    ("home: portal admin", "admin@qad-portal.example"),
]


def run() -> list[Row]:
    build_demo(password="bench-password-1")
    rows = []
    for name, email in PAGES:
        client = Client()
        user = User.objects.get(email=email)
        client.force_login(user)
        session = client.session
        verify_second_factor(user, session)
        session.save()

        def get(client=client) -> None:
            response = client.get("/")
            assert response.status_code == 200

        rows.append(measure(name, get, runs=50, note="Django test client, no HTTP server"))
    return rows
