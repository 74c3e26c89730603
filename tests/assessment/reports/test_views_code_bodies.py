"""The Code Bodies' reports (the assessment report, the board pack, the approval letter)
answer with the authorisation of what they are about: the review, the board or the role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from assessment.models import Report
from tests.assessment.decision_data import (
    Staff,
    agreed_and_signed,
    approve_everywhere,
    load_checked_journey,
    next_meeting,
    review_of,
)
from tests.assessment.report_data import agree_final, sign
from tests.module_builds import built_for_the_module
from tests.participants import Participant
from tests.qualification.factories import UserFactory

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------------------------
# The assessment report, the board pack and the approval letter: the same three views (ask,
# follow, download) plus the board's meetings page, each with the authorisation of what the
# report is about.


class Reports:
    """Northwind's Supplier role through review, the BSC's board and approval, and
    Meterline's REC-only role approved: every new kind of report, ready. The data that could
    leak."""

    def __init__(self, client):
        load_checked_journey()
        self.staff = Staff()
        self.portal_admin = UserFactory(is_staff=True)
        self.meeting = next_meeting()
        self.northwind = Participant()
        agreed_and_signed(self.northwind, self.staff)
        approve_everywhere(self.northwind, self.staff, self.meeting)
        self.meterline = Participant("Meterline Metering Services Ltd", role_codes=("MSA",))
        agree_final(self.meterline)
        sign(self.meterline)
        approve_everywhere(self.meterline, self.staff, self.meeting, role="MSA")
        self.review = review_of(self.northwind, "BSC")
        self.requests = {
            "assessment": reverse("report-request-assessment", args=[self.review.public_id]),
            "board": reverse("report-request-board", args=["BSC", self.meeting.isoformat()]),
            "letter": reverse(
                "report-request-letter", args=[self.northwind.qualification.public_id, "SUP"]
            ),
            "metering letter": reverse(
                "report-request-letter", args=[self.meterline.qualification.public_id, "MSA"]
            ),
        }
        self.reports = {}
        for name, url in self.requests.items():
            client.force_login(self.portal_admin)
            with TestCase.captureOnCommitCallbacks(execute=True):
                response = client.post(url)
            self.reports[name] = Report.objects.get(public_id=response["Location"].split("/")[2])
        client.logout()

    def person(self, who: str):
        return {
            "portal admin": self.portal_admin,
            "BSC assessor": self.staff.bsc,
            "BSC lead": self.staff.bsc_lead,
            "BSC reviewer": self.staff.bsc_reader,
            "REC assessor": self.staff.rec,
            "DIP lead": self.staff.dip_lead,
            "Northwind contributor": self.northwind.contributor,
            "Northwind signatory": self.northwind.signatory,
            "Meterline admin": self.meterline.admin,
        }[who]

    def urls(self, name: str) -> dict[str, str]:
        report = self.reports[name]
        return {
            "request": self.requests[name],
            "status": reverse("report-detail", args=[report.public_id]),
            "download": reverse("report-download", args=[report.public_id]),
        }


@pytest.fixture(scope="module")
def reports_media(tmp_path_factory):
    return tmp_path_factory.mktemp("reports-media")


@pytest.fixture(scope="module")
def reports(django_db_setup, django_db_blocker, reports_media) -> Iterator[Reports]:
    """Built once for the module (four PDFs rendered), each test in a savepoint on top."""
    yield from built_for_the_module(lambda: Reports(Client()), django_db_blocker, reports_media)


@pytest.fixture(autouse=True)
def media_root(settings, reports_media):
    """The reports' PDFs stay where they were rendered (tests/conftest.py gives each test a
    fresh folder)."""
    settings.MEDIA_ROOT = reports_media


# Who may have each report. Assessment reports are the Code Body's working record: its own
# people (reviewers included) and portal admins, not participants. The board pack: the
# board's Code Body's people (reviewers include the board's members) and portal admins. An
# approval letter: the organisation's people, the people of the Code Bodies that approve
# that role, and portal admins.
WHO_MAY = {
    "assessment": {
        "portal admin": True,
        "BSC assessor": True,
        "BSC lead": True,
        "BSC reviewer": True,
        "REC assessor": False,
        "DIP lead": False,
        "Northwind contributor": False,
        "Northwind signatory": False,
        "Meterline admin": False,
    },
    "board": {
        "portal admin": True,
        "BSC assessor": True,
        "BSC lead": True,
        "BSC reviewer": True,
        "REC assessor": False,
        "DIP lead": False,
        "Northwind contributor": False,
        "Meterline admin": False,
    },
    "letter": {
        "portal admin": True,
        "BSC reviewer": True,
        "REC assessor": True,
        "DIP lead": True,
        "Northwind contributor": True,
        "Northwind signatory": True,
        "Meterline admin": False,
    },
    "metering letter": {
        "portal admin": True,
        "BSC assessor": False,
        "BSC lead": False,
        "REC assessor": True,
        "DIP lead": True,
        "Meterline admin": True,
        "Northwind contributor": False,
    },
}


@pytest.mark.parametrize("report", list(WHO_MAY))
def test_each_new_report_answers_only_those_who_may_have_it(client, reports, report):
    for who, allowed in WHO_MAY[report].items():
        client.force_login(reports.person(who))
        for view, url in reports.urls(report).items():
            before = Report.objects.count()

            response = client.post(url) if view == "request" else client.get(url)

            case = f"{who}, {view} of the {report}"
            assert Report.objects.count() == before, f"{case}: nothing new was requested"
            if not allowed:
                assert response.status_code == 404, case
                content = b"".join(getattr(response, "streaming_content", [response.content]))
                assert b"%PDF" not in content, case
            elif view == "request":
                assert response["Location"] == reports.urls(report)["status"], case
            elif view == "download":
                assert response.status_code == 200, case
                assert b"".join(response.streaming_content).startswith(b"%PDF"), case
            else:
                assert response.status_code == 200, case


BOARD_PAGE = {
    "portal admin": True,
    "BSC assessor": True,
    "BSC reviewer": True,
    "REC assessor": False,
    "DIP lead": False,
    "Northwind contributor": False,
    "Meterline admin": False,
}


def test_the_board_meetings_page_answers_only_the_board_s_people(client, reports):
    for who, allowed in BOARD_PAGE.items():
        client.force_login(reports.person(who))

        response = client.get(reverse("board-meetings", args=["BSC"]))

        assert response.status_code == (200 if allowed else 404), who
        assert ("Northwind Energy Supply Ltd" in response.content.decode()) is allowed, who


def test_a_code_body_that_decides_without_a_board_has_no_meetings(client, reports):
    client.force_login(reports.portal_admin)
    for code in ("REC", "DIP"):
        assert client.get(reverse("board-meetings", args=[code])).status_code == 404
        url = reverse("report-request-board", args=[code, reports.meeting.isoformat()])
        assert client.post(url).status_code == 404


def test_signed_out_people_are_sent_to_sign_in_for_the_new_reports(client, reports):
    for report in ("assessment", "board", "letter"):
        for view in ("status", "download"):
            response = client.get(reports.urls(report)[view])
            assert response.status_code == 302, (report, view)
            assert response["Location"].startswith("/login/"), (report, view)


def test_signed_out_people_cannot_ask_for_a_report_or_see_the_meetings(client, reports):
    responses = [client.post(url) for url in reports.requests.values()]
    responses.append(client.get(reverse("board-meetings", args=["BSC"])))
    for response in responses:
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_letter_for_a_role_the_qualification_does_not_hold_is_404(client, reports):
    client.force_login(reports.northwind.admin)
    url = reverse("report-request-letter", args=[reports.northwind.qualification.public_id, "LDSO"])
    assert client.post(url).status_code == 404


def test_the_new_requests_are_posts(client, reports):
    client.force_login(reports.portal_admin)
    for name in ("assessment", "board", "letter"):
        assert client.get(reports.requests[name]).status_code == 405, name
