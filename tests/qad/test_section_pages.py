"""Filling in a section: every answer type, autosave, stale writes, validation, lost sessions."""

import re

import pytest
from django.urls import reverse

from qad.enums import SubmissionState
from qad.models import Answer, AnswerConflict
from qad.services.submissions import submission_transition

pytestmark = pytest.mark.django_db


def section_url(participant, ref):
    return reverse("submission-section", args=[participant.submission.public_id, ref])


def autosave_url(participant, ref):
    return reverse("answer-autosave", args=[participant.submission.public_id, ref])


def prefix(participant, ref):
    return f"q{participant.answer(ref).question_id}"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def autosave(client, participant, ref, version=None, **fields):
    p = prefix(participant, ref)
    version = participant.answer(ref).version if version is None else version
    data = {f"{p}-version": version, **{f"{p}-{k}": v for k, v in fields.items()}}
    return client.post(autosave_url(participant, ref), data, HTTP_HX_REQUEST="true")


def test_a_section_shows_each_question_with_its_guidance(client, northwind):
    client.force_login(northwind.contributor)
    page = text(client.get(section_url(northwind, "3")))
    assert "3.1" in page and "Describe your MHHS operating model." in page
    assert "A paragraph is enough." in page
    assert 'hx-post="' + autosave_url(northwind, "3.1") + '"' in page
    assert "0 of 3 required answers in this section" in page


@pytest.mark.parametrize(
    ("ref", "fields", "stored"),
    [
        ("3.1", {"value": "We run MHHS in house."}, "We run MHHS in house."),
        ("3.2", {"value": "yes"}, True),
        ("3.3", {"value": "provider"}, "provider"),
        ("4.1", {"value": "2025-03-03"}, "2025-03-03"),
        ("4.3", {"value": "1234"}, 1234),
    ],
)
def test_autosave_stores_each_answer_type(client, northwind, ref, fields, stored):
    client.force_login(northwind.contributor)

    response = autosave(client, northwind, ref, **fields)

    assert response.status_code == 200
    assert "Saved at" in text(response)
    answer = northwind.answer(ref)
    assert (answer.value, answer.version, answer.updated_by) == (stored, 1, northwind.contributor)
    assert f'value="1" id="id_{prefix(northwind, ref)}-version" hx-swap-oob="true"' in text(
        response
    )


def test_a_table_answer_keeps_its_rows_and_drops_removed_ones(client, northwind):
    client.force_login(northwind.contributor)
    p = prefix(northwind, "4.4") + "-rows"
    data = {
        f"{prefix(northwind, '4.4')}-version": 0,
        f"{p}-TOTAL_FORMS": 3,
        f"{p}-INITIAL_FORMS": 0,
        f"{p}-0-reference": "DEF-101",
        f"{p}-0-due": "2026-12-31",
        f"{p}-1-reference": "DEF-102",
        f"{p}-1-DELETE": "on",
        f"{p}-2-reference": "",
    }
    response = client.post(autosave_url(northwind, "4.4"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert northwind.answer("4.4").value == [{"reference": "DEF-101", "due": "2026-12-31"}]


def test_a_bad_value_is_shown_next_to_the_field_and_nothing_is_saved(client, northwind):
    client.force_login(northwind.contributor)
    response = autosave(client, northwind, "4.3", value="-5")
    assert "Ensure this value is greater than or equal to 0." in text(response)
    assert "Not saved: what you typed is still in the box." in text(response)
    assert northwind.answer("4.3").value is None


def test_dates_must_stay_in_the_order_the_template_sets(client, northwind):
    client.force_login(northwind.contributor)
    autosave(client, northwind, "4.1", value="2025-05-01")

    response = autosave(client, northwind, "4.2", value="2025-04-01")

    assert "This date is before the date given in 4.1 (01 May 2025)." in text(response)
    assert northwind.answer("4.2").value is None


def test_two_colleagues_editing_one_answer_never_overwrite_each_other(client, northwind):
    olivia, ben = northwind.admin, northwind.contributor
    client.force_login(olivia)
    autosave(client, northwind, "3.1", version=0, value="Olivia's description")

    client.force_login(ben)
    response = autosave(client, northwind, "3.1", version=0, value="Ben's description")

    page = text(response)
    assert "Olivia Hart changed this answer" in page
    assert "Olivia&#x27;s description" in page and "Ben&#x27;s description" in page
    assert northwind.answer("3.1").value == "Olivia's description"
    conflict = AnswerConflict.objects.get()
    assert (conflict.value, conflict.written_by, conflict.resolved_at) == (
        "Ben's description",
        ben,
        None,
    )

    resolve = reverse("conflict-resolve", args=[northwind.submission.public_id, conflict.pk])
    client.post(resolve, {"keep": "mine"})

    assert northwind.answer("3.1").value == "Ben's description"
    conflict.refresh_from_db()
    assert conflict.resolution == "mine" and conflict.resolved_at is not None


def test_the_section_form_saves_without_javascript(client, northwind):
    client.force_login(northwind.contributor)
    data = {
        f"{prefix(northwind, '3.1')}-version": 0,
        f"{prefix(northwind, '3.1')}-value": "Plain form save",
        f"{prefix(northwind, '3.2')}-version": 0,
        f"{prefix(northwind, '3.2')}-value": "no",
        f"{prefix(northwind, '3.3')}-version": 0,
    }
    response = client.post(section_url(northwind, "3"), data)
    assert response.status_code == 302
    assert northwind.answer("3.1").value == "Plain form save"
    assert northwind.answer("3.2").value is False
    assert northwind.answer("3.3").value is None


def test_a_section_save_with_an_error_keeps_everything_typed_and_lists_the_problem(
    client, northwind
):
    client.force_login(northwind.contributor)
    data = {
        f"{prefix(northwind, '4.1')}-version": 0,
        f"{prefix(northwind, '4.1')}-value": "2025-13-45",
        f"{prefix(northwind, '4.3')}-version": 0,
        f"{prefix(northwind, '4.3')}-value": "42",
    }
    response = client.post(section_url(northwind, "4"), data)
    page = text(response)
    assert response.status_code == 400
    assert "There is a problem with 1 answer" in page
    assert 'href="#q-4-1">4.1: Enter a valid date.' in page
    assert 'value="2025-13-45"' in page, "the bad value is shown again, not dropped"
    assert northwind.answer("4.3").value == 42, "the good answer was saved"


def test_adding_a_table_row_without_javascript_shows_an_extra_row(client, northwind):
    client.force_login(northwind.contributor)
    p = prefix(northwind, "4.4")
    data = {
        f"{p}-version": 0,
        f"{p}-rows-TOTAL_FORMS": 1,
        f"{p}-rows-INITIAL_FORMS": 0,
        f"{p}-rows-0-reference": "DEF-1",
        "add-row": p,
    }
    page = text(client.post(section_url(northwind, "4"), data))
    assert f'name="{p}-rows-1-reference"' in page
    assert 'value="DEF-1"' in page


def test_text_typed_when_the_session_has_expired_comes_back_after_signing_in(client, northwind):
    p = prefix(northwind, "3.1")
    response = client.post(
        autosave_url(northwind, "3.1"),
        {f"{p}-version": 0, f"{p}-value": "Typed while signed out"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("login") + "?next=")
    assert northwind.answer("3.1").value is None

    next_url = response["HX-Redirect"].split("next=", 1)[1]
    from urllib.parse import unquote

    client.post(
        reverse("login"),
        {"username": northwind.contributor.email, "password": "a-long-test-password-42"},
    )
    page = text(client.get(unquote(next_url)))

    assert "You were signed out while typing. We kept what you typed" in page
    assert "Typed while signed out" in page
    assert northwind.answer("3.1").value is None, "shown again, saved only when they save"


def test_a_submitted_revision_rejects_edits(client, northwind):
    northwind.answer("3.1")
    submission_transition(
        submission=northwind.submission, target=SubmissionState.SUBMITTED, actor=northwind.admin
    )
    client.force_login(northwind.contributor)

    response = autosave(client, northwind, "3.1", value="Sneaky change")

    assert "This answer cannot be changed now." in text(response)
    assert northwind.answer("3.1").value is None
    page = text(client.get(section_url(northwind, "3")))
    assert "This revision has been submitted and is read-only." in page
    assert "hx-post" not in page


@pytest.mark.parametrize(
    "view", ["section", "autosave", "checklist", "detail", "submit", "revision", "sign"]
)
def test_another_organisation_cannot_open_or_post_to_a_qad(client, northwind, meterline, view):
    client.force_login(meterline.admin)
    public_id = northwind.submission.public_id
    urls = {
        "section": section_url(northwind, "3"),
        "autosave": autosave_url(northwind, "3.1"),
        "checklist": reverse("submission-checklist", args=[public_id]),
        "detail": reverse("submission-detail", args=[public_id]),
        "submit": reverse("submission-submit", args=[public_id]),
        "revision": reverse("revision-detail", args=[public_id, 1]),
        "sign": reverse("submission-sign", args=[public_id]),
    }
    p = prefix(northwind, "3.1")
    before = list(Answer.objects.values_list("pk", "value", "version"))

    # A POST-only address answers any GET with 405, whatever the identifier: nothing leaks.
    assert client.get(urls[view]).status_code in (
        (405,) if view in ("autosave", "submit") else (404,)
    )
    response = client.post(urls[view], {f"{p}-version": 0, f"{p}-value": "Leak", "revision": 1})
    assert response.status_code in (404, 405)

    assert list(Answer.objects.values_list("pk", "value", "version")) == before
    northwind.submission.refresh_from_db()
    assert northwind.submission.state == SubmissionState.DRAFT


def test_re_sending_an_unchanged_table_keeps_its_rows(client, northwind):
    """Autosave sends the whole form again and again; unchanged rows must not vanish."""
    client.force_login(northwind.contributor)
    p = prefix(northwind, "4.4")
    rows = {
        f"{p}-rows-TOTAL_FORMS": 1,
        f"{p}-rows-INITIAL_FORMS": 0,
        f"{p}-rows-0-reference": "DEF-101",
        f"{p}-rows-0-due": "2026-12-31",
    }
    url = autosave_url(northwind, "4.4")
    client.post(url, {f"{p}-version": 0, **rows}, HTTP_HX_REQUEST="true")
    again = client.post(url, {f"{p}-version": 1, **rows}, HTTP_HX_REQUEST="true")

    assert "Saved at" in text(again)
    answer = northwind.answer("4.4")
    assert (answer.value, answer.version) == ([{"reference": "DEF-101", "due": "2026-12-31"}], 1)
