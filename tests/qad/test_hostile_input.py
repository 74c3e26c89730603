"""Oversized, malformed and hostile answers are refused with a clear message and change
nothing; markup in an answer is shown as the text it is, on every page that shows it."""

import pytest
from django.core import mail
from django.urls import reverse

from assessment.models import Review
from qad.services.submissions import submission_submit
from tests.assessment.test_reviews import People, committed
from tests.portal.test_sections import autosave, prefix, section_url, text
from tests.qad.test_submit_and_sign import fill

pytestmark = pytest.mark.django_db

MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


@pytest.mark.parametrize(
    "ref, value, message",
    [
        ("3.1", "x" * 10_001, "Ensure this value has at most 10000 characters (it has 10001)."),
        ("3.1", "before\x00after", "contains a NUL character"),
        ("4.1", "2025-02-30", "Enter a valid date."),
        ("4.1", "31/03/2025'; DROP TABLE qad_answer; --", "Enter a valid date."),
        ("3.3", "bribe_the_assessor", "Select a valid choice."),
        ("3.2", "maybe", "Select a valid choice."),
        ("4.3", "12abc", "Enter a number."),
        ("4.3", "9" * 400, "Ensure this value is less than or equal to"),
    ],
)
def test_bad_answers_are_refused_with_a_message_and_nothing_changes(
    client, northwind, ref, value, message
):
    client.force_login(northwind.contributor)
    before = northwind.answer(ref)
    response = autosave(client, northwind, ref, value=value)
    assert message in text(response)
    assert "Not saved: what you typed is still in the box." in text(response)
    after = northwind.answer(ref)
    assert (after.value, after.version) == (before.value, before.version)


def test_a_table_row_with_a_hostile_cell_is_refused(client, northwind):
    client.force_login(northwind.contributor)
    response = autosave(
        client,
        northwind,
        "4.4",
        **{
            "rows-TOTAL_FORMS": "1",
            "rows-INITIAL_FORMS": "0",
            "rows-0-reference": "DEF\x00-1",
            "rows-0-due": "2026-13-01",
        },
    )
    assert "Not saved" in text(response)
    assert northwind.answer("4.4").value is None


def test_a_field_for_another_question_in_the_same_post_is_ignored(client, northwind):
    client.force_login(northwind.contributor)
    other = prefix(northwind, "3.2")
    client.post(
        reverse("answer-autosave", args=[northwind.submission.public_id, "3.1"]),
        {
            f"{prefix(northwind, '3.1')}-version": 0,
            f"{prefix(northwind, '3.1')}-value": "Our own answer",
            f"{other}-version": 0,
            f"{other}-value": "yes",
        },
        HTTP_HX_REQUEST="true",
    )
    assert northwind.answer("3.1").value == "Our own answer"
    assert northwind.answer("3.2").value is None


def test_a_tampered_version_number_never_overwrites_a_newer_answer(client, northwind):
    client.force_login(northwind.contributor)
    autosave(client, northwind, "3.1", value="First")
    autosave(client, northwind, "3.1", value="Second")
    response = autosave(client, northwind, "3.1", version="-7", value="Tampered")
    assert northwind.answer("3.1").value == "Second"
    assert "This page could not be matched to the saved answer. Reload the page." in text(response)
    assert "Not saved: what you typed is still in the box." in text(response)


def test_an_unknown_question_is_not_found(client, northwind):
    client.force_login(northwind.contributor)
    url = reverse("answer-autosave", args=[northwind.submission.public_id, "99.9"])
    assert client.post(url, {}, HTTP_HX_REQUEST="true").status_code == 404


def test_markup_in_an_answer_is_shown_as_text_on_every_page(client, northwind):
    client.force_login(northwind.contributor)
    autosave(client, northwind, "3.1", value=MARKUP)
    section = text(client.get(section_url(northwind, "3")))
    assert ESCAPED in section and MARKUP not in section

    fill(northwind)
    fill(northwind, {"3.1": MARKUP})
    committed(
        submission_submit, submission=northwind.submission, by=northwind.admin, revision_number=1
    )
    mail.outbox.clear()
    revision = text(
        client.get(reverse("revision-detail", args=[northwind.submission.public_id, 1]))
    )
    assert MARKUP not in revision and "&lt;script&gt;" in revision

    people = People()
    client.force_login(people.bsc_lead)
    review = Review.objects.get(submission=northwind.submission, code_body__code="BSC")
    screen = text(client.get(reverse("review-detail", args=[review.public_id])))
    assert MARKUP not in screen and "&lt;script&gt;" in screen


def test_the_browser_is_never_told_to_cut_an_answer_and_the_limit_is_shown(client, northwind):
    client.force_login(northwind.contributor)
    answer = northwind.answer("3.1")
    answer.value = "x" * 1234
    answer.save()

    page = client.get(section_url(northwind, "3")).content.decode()

    field = f'id="id_{prefix(northwind, "3.1")}-value"'
    assert field in page
    assert "maxlength" not in page, "a browser cuts pasted text at maxlength without a word"
    assert 'data-limit="10000"' in page
    assert "1,234 of 10,000 characters" in page


def test_an_answer_over_its_limit_is_refused_and_stays_in_the_box(client, northwind):
    client.force_login(northwind.contributor)
    typed = "Our operating model. " * 500  # 10,500 characters

    response = autosave(client, northwind, "3.1", value=typed)

    assert response["X-Save-Outcome"] == "400"
    assert "at most 10000 characters (it has 10500)" in text(response)
    assert "Not saved: what you typed is still in the box." in text(response)
    assert "Saved at" not in text(response)
    assert northwind.answer("3.1").value is None


def test_a_date_answer_typed_day_first_is_kept_and_month_first_is_refused(client, northwind):
    client.force_login(northwind.contributor)

    refused = autosave(client, northwind, "4.1", value="12/31/2026")
    assert "Enter a valid date." in text(refused)
    assert northwind.answer("4.1").value is None

    autosave(client, northwind, "4.1", value="31/12/2026")
    assert northwind.answer("4.1").value == "2026-12-31"
    page = text(client.get(section_url(northwind, "4")))
    assert "Day, month, year: for example 31/12/2026" in page
