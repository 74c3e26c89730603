"""Deadlines: each stage's due date from the participant's Wave, with days left, what is done,
and what is late, seen by the participant and by the Code Bodies that assess it."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from qualification.enums import DeadlineStage, QualificationState
from qualification.models import Qualification, Wave, WaveDeadline
from tests.participants import Participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_a_wave(shipped_versions):
    today = timezone.localdate()
    wave = Wave.objects.create(
        code="W7",
        name="Wave 7",
        testing_starts=today,
        testing_ends=today + dt.timedelta(days=90),
    )
    for stage, offset in (
        (DeadlineStage.PQS, -20),
        (DeadlineStage.INITIAL_QAD, -3),
        (DeadlineStage.FINAL_QAD, 40),
    ):
        WaveDeadline.objects.create(
            wave=wave, stage=stage, due_date=today + dt.timedelta(days=offset)
        )
    northwind = Participant()
    Qualification.objects.filter(pk=northwind.qualification.pk).update(
        wave=wave, state=QualificationState.TESTING
    )
    return northwind


def rows(client, participant) -> list[str]:
    url = reverse("qualification-detail", args=[participant.qualification.public_id])
    page = client.get(url).content.decode()
    calendar = page.split("Deadlines of Wave 7", 1)[1].split("</table>", 1)[0]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", "<tr" + row)).strip()
        for row in calendar.split("<tr")[2:]
    ]


def test_the_participant_sees_every_stage_with_what_is_done_and_what_is_late(client, in_a_wave):
    client.force_login(in_a_wave.contributor)
    pqs, initial, final = rows(client, in_a_wave)
    assert pqs.startswith("Pre-Qualification Submission") and pqs.endswith("Done")
    assert initial.startswith("Initial QAD") and initial.endswith("3 days overdue")
    assert final.startswith("Final QAD") and final.endswith("40 days left")


def test_a_withdrawn_qualification_shows_the_dates_without_counting_days(client, in_a_wave):
    Qualification.objects.filter(pk=in_a_wave.qualification.pk).update(
        state=QualificationState.WITHDRAWN
    )
    client.force_login(in_a_wave.admin)
    assert all(row.endswith("—") for row in rows(client, in_a_wave))


def test_the_code_bodies_see_the_same_late_stage(client, in_a_wave):
    from tests.qualification.factories import CodeBodyMemberFactory, code_body

    lead = CodeBodyMemberFactory(code_body=code_body("BSC"), role="lead_assessor").user
    client.force_login(lead)
    assert rows(client, in_a_wave)[1].endswith("3 days overdue")


def test_an_initial_qad_agreed_complete_has_no_deadline_pending(client, in_a_wave):
    from qad.enums import SubmissionState
    from qad.models import Submission

    client.force_login(in_a_wave.contributor)
    submission_page = reverse("submission-detail", args=[in_a_wave.submission.public_id])
    assert "Initial QAD" in text_of(client.get(reverse("home")))
    assert "3 days overdue" in text_of(client.get(reverse("home")))
    assert "3 days overdue" in text_of(client.get(submission_page))

    # Agreed complete by every Code Body; the Final QAD not started yet.
    Submission.objects.filter(pk=in_a_wave.submission.pk).update(
        state=SubmissionState.AGREED_COMPLETE
    )

    assert "overdue" not in text_of(client.get(reverse("home")))
    assert "overdue" not in text_of(client.get(submission_page))
    _pqs, initial, _final = rows(client, in_a_wave)
    assert initial.startswith("Initial QAD") and initial.endswith("Done")


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())
