"""The QAD's own history shipped as data beside v3.01: v3.2 (the DIP questions gathered in
4.5, each Data Service asked about its own performance) and the P476 update of 5.1.1, both
reconstructions that map their questions onto the version before. Work on v3.01 moves onto the
latest across both steps at once and loses nothing."""

from pathlib import Path

import pytest
from django.conf import settings

from qad.models import Answer, OrphanedAnswer
from qad.services.answers import answer_save
from qad.services.moves import move_qualification
from tests.participants import Participant
from tests.qualification.factories import UserFactory
from tests.version_files import template_published

pytestmark = pytest.mark.django_db

HISTORY = Path(settings.BASE_DIR) / "data" / "qad" / "history"


def load(name: str):
    path = HISTORY / name
    return template_published(f"data/qad/history/{name}", path.read_bytes())


def save(participant, ref: str, value) -> None:
    answer = participant.answer(ref)
    answer_save(answer=answer, value=value, expected_version=answer.version, by=participant.admin)


def test_each_reconstructed_version_follows_the_one_before_and_says_it_is_one(
    shipped_versions,
):
    v32, v33 = load("qad-v3.2.yaml"), load("qad-v3.3.yaml")

    assert (v32.previous_version, v33.previous_version) == ("3.01", "3.2")
    assert "(reconstruction)" in v32.title and "(reconstruction)" in v33.title
    assert v33.is_published


def test_a_data_service_draft_moves_from_v3_01_to_the_p476_update_at_once(shipped_versions):
    stream = Participant("Streamline Data Services Ltd", role_codes=("ADS",))
    save(stream, "6.1.2", "Processing is scheduled ahead of each settlement run.")
    save(stream, "6.1.3", "yes")
    save(stream, "4.7.2", "yes")
    before = Answer.objects.filter(revision=stream.revision).exclude(value=None).count()
    load("qad-v3.2.yaml")
    latest = load("qad-v3.3.yaml")

    move_qualification(
        qualification=stream.qualification, to_template=latest, by=UserFactory(is_staff=True)
    )

    stream.submission.refresh_from_db()
    assert stream.submission.template == latest
    assert stream.answer("4.5.11").value is True, "renumbered into the DIP Manager section"
    assert stream.answer("6.2.4").value.startswith("Processing is scheduled")
    assert stream.answer("6.2.4").needs_confirmation, "split: offered to confirm"
    assert (stream.answer("4.7.2").value, stream.answer("4.5.12").value) == (True, True)
    assert stream.answer("4.5.12").needs_confirmation
    after = Answer.objects.filter(revision=stream.revision).exclude(value=None).count()
    assert after >= before and not OrphanedAnswer.objects.exists(), "nothing lost or set aside"


def test_a_supplier_asking_for_the_exemption_keeps_its_segment_count(shipped_versions):
    tidewater = Participant("Tidewater Supply Ltd", sms_exemption_requested=True)
    save(tidewater, "5.1.1.2", 0)
    load("qad-v3.2.yaml")
    latest = load("qad-v3.3.yaml")

    move_qualification(
        qualification=tidewater.qualification, to_template=latest, by=UserFactory(is_staff=True)
    )

    assert tidewater.answer("5.1.1.7").value in (0, "0")
    assert tidewater.answer("5.1.1.8").value is None, "asked for the first time"
