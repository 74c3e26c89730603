"""Filling in a section: every answer type, autosave, stale writes, validation, lost sessions."""

import re

import pytest
from django.urls import reverse

from qad.enums import SubmissionState
from qad.models import Answer, AnswerConflict
from qad.services.submissions import submission_transition
from qualification.models import AuditEvent

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
    unmatched = client.post(resolve, {"keep": "mine"}, follow=True)
    assert "Compare the two versions and choose which one to keep." in text(unmatched)
    assert northwind.answer("3.1").value == "Olivia's description", "nothing changed"

    client.post(resolve, {"keep": "mine", f"conflict-{conflict.pk}-seen": 1})

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

    sign_in_page = text(client.get(response["HX-Redirect"]))
    assert "What you typed is kept: sign in again and it is back in its box" in sign_in_page
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


def version_in(response, participant, ref) -> int:
    """The version the autosave response puts back into the page's hidden field."""
    p = prefix(participant, ref)
    found = re.search(rf'name="{p}-version" value="(\d+)" id="id_{p}-version"', text(response))
    assert found, "the response updates the page's version field"
    return int(found.group(1))


def resolve_url(participant, conflict):
    return reverse("conflict-resolve", args=[participant.submission.public_id, conflict.pk])


def seen_version(response, conflict) -> str:
    """The version of the other person's text that the conflict panel showed."""
    found = re.search(rf'name="conflict-{conflict.pk}-seen" value="(\d+)"', text(response))
    assert found, "the conflict panel says which saved version it showed"
    return found.group(1)


def olivia_saves_then_ben_writes(client, northwind):
    """Olivia saves 3.1; Ben, whose page was opened before, writes his own text: a conflict.
    Ben is left signed in; his stale save's response is returned."""
    client.force_login(northwind.admin)
    autosave(client, northwind, "3.1", version=0, value="Olivia's description")
    client.force_login(northwind.contributor)
    return autosave(client, northwind, "3.1", version=0, value="Ben's description")


def test_typing_on_after_a_conflict_never_saves_over_the_colleagues_text(client, northwind):
    olivia, ben = northwind.admin, northwind.contributor
    first = olivia_saves_then_ben_writes(client, northwind)

    # Ben types on: his page sends whatever version the last response left in it.
    again = autosave(
        client, northwind, "3.1", version=version_in(first, northwind, "3.1"), value="Ben's v2"
    )

    assert northwind.answer("3.1").value == "Olivia's description"
    assert northwind.answer("3.1").updated_by == olivia
    page = text(again)
    assert "Olivia Hart changed this answer" in page and "Ben Okafor changed" not in page
    theirs, mine = page.split("Their version (saved)")[1].split("Your version")
    assert "Olivia&#x27;s description" in theirs and "Ben&#x27;s v2" in mine
    assert version_in(again, northwind, "3.1") == 0, "the page keeps the version Ben began from"
    conflict = AnswerConflict.objects.get()
    assert (conflict.value, conflict.resolved_at) == ("Ben's v2", None), "his latest words kept"

    # Reloading the page shows the conflict again, with Ben's own words in his box.
    reloaded = text(client.get(section_url(northwind, "3")))
    assert "Olivia Hart changed this answer" in reloaded
    assert f'value="0" id="id_{prefix(northwind, "3.1")}-version"' in reloaded

    client.post(
        resolve_url(northwind, conflict),
        {"keep": "mine", f"conflict-{conflict.pk}-seen": seen_version(again, conflict)},
    )

    assert northwind.answer("3.1").value == "Ben's v2"
    conflict.refresh_from_db()
    assert conflict.resolution == "mine" and conflict.resolved_at is not None
    settled = AuditEvent.objects.get(kind="answer.conflict_resolved")
    assert settled.actor == ben and settled.after == "Ben's v2"
    # Settled: his next keystroke saves normally again.
    after = autosave(client, northwind, "3.1", value="Ben's v3")
    assert "Saved at" in text(after) and northwind.answer("3.1").value == "Ben's v3"


def test_keeping_their_version_keeps_the_colleagues_text(client, northwind):
    olivia, ben = northwind.admin, northwind.contributor
    first = olivia_saves_then_ben_writes(client, northwind)
    again = autosave(
        client, northwind, "3.1", version=version_in(first, northwind, "3.1"), value="Ben's v2"
    )
    conflict = AnswerConflict.objects.get()

    client.post(
        resolve_url(northwind, conflict),
        {"keep": "theirs", f"conflict-{conflict.pk}-seen": seen_version(again, conflict)},
    )

    answer = northwind.answer("3.1")
    assert (answer.value, answer.updated_by, answer.version) == ("Olivia's description", olivia, 1)
    conflict.refresh_from_db()
    assert conflict.resolution == "theirs" and conflict.resolved_at is not None
    assert AuditEvent.objects.get(kind="answer.conflict_resolved").actor == ben


def test_keeping_mine_after_the_colleague_saved_again_asks_to_compare_once_more(client, northwind):
    olivia, ben = northwind.admin, northwind.contributor
    shown = olivia_saves_then_ben_writes(client, northwind)
    conflict = AnswerConflict.objects.get()
    client.force_login(olivia)
    autosave(client, northwind, "3.1", value="Olivia's second thoughts")

    client.force_login(ben)
    response = client.post(
        resolve_url(northwind, conflict),
        {"keep": "mine", f"conflict-{conflict.pk}-seen": seen_version(shown, conflict)},
        follow=True,
    )

    assert "The answer changed again; compare the versions once more." in text(response)
    assert "Olivia&#x27;s second thoughts" in text(response)
    assert northwind.answer("3.1").value == "Olivia's second thoughts"
    conflict.refresh_from_db()
    assert conflict.resolved_at is None and conflict.value == "Ben's description"


def test_a_table_answer_in_conflict_is_shown_as_rows_not_code(client, northwind):
    olivia, ben = northwind.admin, northwind.contributor
    p = prefix(northwind, "4.4")

    def rows(*references):
        data = {
            f"{p}-version": 0,
            f"{p}-rows-TOTAL_FORMS": len(references),
            f"{p}-rows-INITIAL_FORMS": 0,
        }
        for i, reference in enumerate(references):
            data[f"{p}-rows-{i}-reference"] = reference
            data[f"{p}-rows-{i}-due"] = "2026-12-31"
        return client.post(autosave_url(northwind, "4.4"), data, HTTP_HX_REQUEST="true")

    client.force_login(olivia)
    rows("DEF-101", "DEF-102")
    client.force_login(ben)
    page = text(rows("DEF-201"))

    assert "Olivia Hart changed this answer" in page
    assert "[{" not in page and "&#x27;reference&#x27;" not in page
    theirs, mine = page.split("Their version (saved)")[1].split("Your version")
    assert "DEF-101" in theirs and "DEF-102" in theirs and "31 Dec 2026" in theirs
    assert "DEF-201" in mine and "Defect reference" in mine
    reloaded = text(client.get(section_url(northwind, "4")))
    assert "[{" not in reloaded and "DEF-201" in reloaded


def test_keeping_my_version_saves_what_is_in_my_box_so_both_texts_can_be_combined(
    client, northwind
):
    ben = northwind.contributor
    shown = olivia_saves_then_ben_writes(client, northwind)
    conflict = AnswerConflict.objects.get()
    p = prefix(northwind, "3.1")

    # The buttons post the whole section form: his box, typed in just before the click.
    client.post(
        resolve_url(northwind, conflict),
        {
            "keep": "mine",
            f"conflict-{conflict.pk}-seen": seen_version(shown, conflict),
            f"{p}-version": version_in(shown, northwind, "3.1"),
            f"{p}-value": "Olivia's description, and Ben's",
        },
    )

    assert northwind.answer("3.1").value == "Olivia's description, and Ben's"
    assert northwind.answer("3.1").updated_by == ben


def test_a_conflict_with_my_own_earlier_save_does_not_name_me_as_someone_else(client, northwind):
    ben = northwind.contributor
    client.force_login(ben)
    autosave(client, northwind, "3.1", version=0, value="From the first window")

    page = text(autosave(client, northwind, "3.1", version=0, value="From the second window"))

    assert "You saved a different text for this answer at" in page
    assert "Ben Okafor changed this answer" not in page
