"""The programme's status through the API: the CSV export's rows, a page at a time."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from portal.api.programme import KEYS
from qualification.enums import CodeBodyRole
from tests.participants import Participant
from tests.portal.api.conftest import api_for
from tests.qualification.factories import CodeBodyMemberFactory, UserFactory, code_body

pytestmark = pytest.mark.django_db

NAMES = ["Northwind Energy Supply Ltd", "Brightwatt Data Ltd", "Ampere Retail Ltd"]


@pytest.fixture
def participants(journey_template):
    return [Participant(name) for name in NAMES]


def _walk(api, url: str) -> list[dict]:
    rows = []
    while url:
        page = api.get(url).json()
        rows += page["results"]
        url = page["next"]
    return rows


def test_the_rows_are_the_csv_exports_walked_a_page_at_a_time(client, participants):
    admin = UserFactory(is_staff=True)
    client.force_login(admin)
    exported = list(
        csv.reader(
            io.StringIO(client.get(reverse("programme-export", args=["csv"])).content.decode())
        )
    )[1:]
    api = api_for(client, admin)

    rows = _walk(api, reverse("api-programme-status") + "?page_size=1")

    assert len(rows) == len(NAMES)
    by_name = {row["organisation"]: row for row in rows}
    for line in exported:
        row = by_name[line[0]]
        assert [row[key] for key in KEYS] == line
    assert {row["qualification"] for row in rows} == {
        str(p.qualification.public_id) for p in participants
    }


def test_the_status_filters_by_route_role_and_code_body(client, participants):
    metering = Participant("Meterfix Services Ltd", role_codes=("MSA",))  # DIP and REC approve
    api = api_for(client, UserFactory(is_staff=True))
    url = reverse("api-programme-status")
    assert len(_walk(api, url + "?route=SIT&code_body=REC")) == len(NAMES) + 1
    assert {row["organisation"] for row in _walk(api, url + "?code_body=BSC")} == set(NAMES)
    assert [row["qualification"] for row in _walk(api, url + "?role=MSA")] == [
        str(metering.qualification.public_id)
    ]
    assert _walk(api, url + "?route=QT") == []


def test_a_lead_assessor_sees_their_code_bodys_participants_and_others_nothing(
    client, participants
):
    lead = CodeBodyMemberFactory(code_body=code_body("REC"), role=CodeBodyRole.LEAD_ASSESSOR)
    url = reverse("api-programme-status")
    assert len(_walk(api_for(client, lead.user), url)) == len(NAMES)
    assessor = CodeBodyMemberFactory(code_body=code_body("REC"), role=CodeBodyRole.ASSESSOR)
    assert api_for(client, assessor.user).get(url).status_code == 403
    assert api_for(client, participants[0].admin).get(url).status_code == 403


@pytest.mark.parametrize("how_many", [1, 3])
def test_a_page_costs_the_same_queries_whatever_its_rows(
    client, journey_template, django_assert_num_queries, how_many
):
    for name in NAMES[:how_many]:
        Participant(name)
    api = api_for(client, UserFactory(is_staff=True))
    # The token with its owner and the time it was used (once a minute), the page of
    # qualifications, the export's six reads.
    with django_assert_num_queries(9):
        page = api.get(reverse("api-programme-status")).json()
    assert len(page["results"]) == how_many
