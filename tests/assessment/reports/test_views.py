"""Reports answer with the authorisation of what they are about: the submission, the review,
the board or the role."""

import pytest
from django.urls import reverse

from assessment.models import Report
from tests.assessment.report_data import request_report, submit_with_evidence
from tests.qualification.factories import CodeBodyMemberFactory, code_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def northwind_report(client, northwind):
    """Northwind's submitted Initial QAD with its PDF ready: the data that could leak."""
    submit_with_evidence(northwind)
    client.force_login(northwind.admin)
    request_report(client, northwind)
    client.logout()
    return Report.objects.get()


def urls(report, participant) -> dict[str, str]:
    return {
        "request": reverse("report-request-qad", args=[participant.submission.public_id]),
        "status": reverse("report-detail", args=[report.public_id]),
        "download": reverse("report-download", args=[report.public_id]),
    }


@pytest.mark.parametrize("view", ["request", "status", "download"])
def test_another_organisation_gets_404_for_every_report_url(
    client, northwind, meterline, northwind_report, view
):
    client.force_login(meterline.admin)
    url = urls(northwind_report, northwind)[view]

    response = client.post(url, {"revision": 1}) if view == "request" else client.get(url)

    assert response.status_code == 404
    assert Report.objects.get() == northwind_report, "nothing new was requested"
    assert b"%PDF" not in b"".join(getattr(response, "streaming_content", [response.content]))


@pytest.mark.parametrize("view", ["status", "download"])
def test_signed_out_people_are_sent_to_sign_in(client, northwind, northwind_report, view):
    response = client.get(urls(northwind_report, northwind)[view])
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_an_assessor_of_an_approving_code_body_can_read_the_report(
    client, northwind, northwind_report
):
    client.force_login(CodeBodyMemberFactory(code_body=code_body("BSC")).user)
    links = urls(northwind_report, northwind)

    assert client.get(links["status"]).status_code == 200
    assert client.get(links["download"]).status_code == 200
    assert client.post(links["request"], {"revision": 1})["Location"] == links["status"]
    assert Report.objects.count() == 1


def test_every_member_of_the_participant_can_read_the_report(client, northwind, northwind_report):
    client.force_login(northwind.contributor)
    assert client.get(urls(northwind_report, northwind)["download"]).status_code == 200


def test_the_request_is_a_post(client, northwind, northwind_report):
    client.force_login(northwind.admin)
    assert client.get(urls(northwind_report, northwind)["request"]).status_code == 405
