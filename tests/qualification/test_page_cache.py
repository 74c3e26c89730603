"""Pages served from the page cache show what is stored now: any change to what a page shows,
by anyone, through any path, is on it at the next read; and a cached page is never served to
someone it was not drawn for."""

import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from qad.models import Answer
from qad.services.answers import answer_save
from qad.services.moves import answer_confirm
from qualification import page_cache
from qualification.models import Organisation

pytestmark = pytest.mark.django_db


def section_url(participant, ref="3"):
    return reverse("submission-section", args=[participant.submission.public_id, ref])


def text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def answer(participant, ref) -> Answer:
    return Answer.objects.select_related("question").get(
        revision__submission=participant.submission, question__ref=ref
    )


def save_31(participant, text: str, by) -> None:
    answer_save(answer=answer(participant, "3.1"), value=text, expected_version=0, by=by)


def test_an_answer_a_colleague_saves_is_on_the_page_read_next(client, northwind):
    client.force_login(northwind.contributor)
    assert "Shared services since 2019." not in text(client.get(section_url(northwind)))

    save_31(northwind, "Shared services since 2019.", by=northwind.admin)

    assert "Shared services since 2019." in text(client.get(section_url(northwind)))


def test_a_page_read_again_unchanged_is_served_without_drawing_it(
    client, northwind, django_assert_max_num_queries
):
    client.force_login(northwind.contributor)
    first = text(client.get(section_url(northwind)))
    with django_assert_max_num_queries(4):
        again = text(client.get(section_url(northwind)))
    token = re.compile(r"[A-Za-z0-9]{64}")
    assert token.sub("", again) == token.sub("", first)


def test_a_confirmed_answer_leaves_the_confirmation_prompt(client, northwind):
    """`answer_confirm` writes with update(), past the models' signals."""
    reworded = answer(northwind, "3.1")
    Answer.objects.filter(pk=reworded.pk).update(needs_confirmation=True)
    page_cache.forget_all()
    client.force_login(northwind.contributor)
    prompt = "Check that your answer still fits it."
    assert prompt in text(client.get(section_url(northwind)))

    answer_confirm(answer=answer(northwind, "3.1"), by=northwind.contributor)

    assert prompt not in text(client.get(section_url(northwind)))


def test_each_reader_gets_a_page_drawn_for_them(client, northwind, django_assert_max_num_queries):
    client.force_login(northwind.contributor)
    client.get(section_url(northwind))

    colleague = Client()
    colleague.force_login(northwind.admin)
    with django_assert_max_num_queries(30) as drawn:
        assert colleague.get(section_url(northwind)).status_code == 200
    assert len(drawn) > 4, "drawn for the colleague, not the contributor's page"


def test_someone_who_leaves_the_organisation_cannot_read_its_cached_pages(client, northwind):
    client.force_login(northwind.contributor)
    client.get(section_url(northwind))

    northwind.contributor.memberships.all().delete()

    assert client.get(section_url(northwind)).status_code == 404


def test_the_csrf_token_in_a_cached_page_is_the_readers_own(northwind):
    first = Client(enforce_csrf_checks=True)
    first.force_login(northwind.contributor)
    first.get(section_url(northwind))  # drawn and cached with this session's token

    second = Client(enforce_csrf_checks=True)
    second.force_login(northwind.contributor)
    page = second.get(section_url(northwind)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert page_cache.CSRF_PLACEHOLDER not in page

    response = second.post(
        section_url(northwind),
        {"csrfmiddlewaretoken": token, f"q{answer(northwind, '3.1').question_id}-value": "Ours."},
    )
    assert response.status_code in (200, 302), "the token served with the cached page is valid"


def test_a_message_is_shown_on_a_page_served_from_the_cache(client, northwind):
    client.force_login(northwind.contributor)
    client.get(section_url(northwind))
    client.post(
        section_url(northwind),
        {
            f"q{answer(northwind, '3.1').question_id}-value": "Our model is documented.",
            f"q{answer(northwind, '3.1').question_id}-version": 0,
        },
    )
    page = text(client.get(section_url(northwind)))
    assert "Section 3 saved." in page
    assert "Our model is documented." in page


def test_a_new_release_draws_every_page_afresh(
    client, northwind, monkeypatch, django_assert_max_num_queries
):
    client.force_login(northwind.contributor)
    client.get(section_url(northwind))
    monkeypatch.setattr(page_cache, "release", lambda: "the-next-release")
    with django_assert_max_num_queries(20) as drawn:
        client.get(section_url(northwind))
    assert len(drawn) > 4, "drawn again, not read from the cache"


def test_an_organisation_renamed_shows_on_its_pages(client, northwind):
    client.force_login(northwind.contributor)
    assert "Northwind Retail Ltd" not in text(client.get(reverse("home")))
    organisation = Organisation.objects.get(pk=northwind.organisation.pk)
    organisation.legal_name = "Northwind Retail Ltd"
    organisation.save()

    assert "Northwind Retail Ltd" in text(client.get(reverse("home")))


def test_every_model_a_cached_page_shows_reports_its_bulk_writes():
    from django.apps import apps

    from qualification.page_changes import DIRECTORY_MODELS, WATCHED
    from qualification.page_data import PageDataQuerySet

    for label in [*WATCHED, *DIRECTORY_MODELS]:
        if label == "qualification.User":
            continue  # its own manager; a rename is a save, which its signal reports
        model = apps.get_model(label)
        assert isinstance(model.objects.all(), PageDataQuerySet), label


def test_the_release_digest_moves_with_a_template_or_a_static_file(settings, tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "static" / "css").mkdir(parents=True)
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>{{ answer }}</p>")
    style = tmp_path / "static" / "css" / "portal.css"
    style.write_text("body { color: black; }")
    settings.BASE_DIR = tmp_path
    seen = []
    try:
        for change in (None, (page, "<p>{{ answer|linebreaks }}</p>"), (style, "body { }")):
            if change:
                change[0].write_text(change[1])
            page_cache.release.cache_clear()
            seen.append(page_cache.release())
    finally:
        page_cache.release.cache_clear()
    assert len(set(seen)) == 3


class CacheNotAnswering:
    """The cache as it is while Redis cannot be reached: every call fails."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

        return fail


def test_a_cache_that_does_not_answer_stops_neither_a_save_nor_a_page(
    client, northwind, monkeypatch
):
    from qad import published

    client.force_login(northwind.contributor)
    assert "Typed while the cache was down." not in text(client.get(section_url(northwind)))
    answering = page_cache.cache
    monkeypatch.setattr(page_cache, "cache", CacheNotAnswering())
    monkeypatch.setattr(published, "cache", CacheNotAnswering())

    save_31(northwind, "Typed while the cache was down.", by=northwind.contributor)
    assert "Typed while the cache was down." in text(client.get(section_url(northwind)))

    # The cache answers again, still holding the page drawn before the save.
    monkeypatch.setattr(page_cache, "cache", answering)
    monkeypatch.setattr(published, "cache", answering)
    assert "Typed while the cache was down." in text(client.get(section_url(northwind)))


def _generation_writes(monkeypatch) -> list[tuple[str, bool]]:
    """The keys written to the cache from now on, each with whether it was written inside a
    transaction."""
    written: list[tuple[str, bool]] = []
    cache = page_cache.cache
    set_one, set_many = cache.set, cache.set_many

    def spy_set(key, *args, **kwargs):
        written.append((key, connection.in_atomic_block))
        return set_one(key, *args, **kwargs)

    def spy_set_many(values, *args, **kwargs):
        written.extend((key, connection.in_atomic_block) for key in values)
        return set_many(values, *args, **kwargs)

    monkeypatch.setattr(cache, "set", spy_set)
    monkeypatch.setattr(cache, "set_many", spy_set_many)
    return written


@pytest.mark.django_db(transaction=True)
def test_a_save_in_its_own_transaction_replaces_the_generation_once_committed(
    client, reference_data, northwind, monkeypatch
):
    client.force_login(northwind.contributor)
    client.get(section_url(northwind))
    written = _generation_writes(monkeypatch)

    save_31(northwind, "Committed, then shown.", by=northwind.admin)

    scope = f"page:generation:organisation:{northwind.organisation.pk}"
    replaced = [inside for key, inside in written if key == scope]
    assert replaced and not any(replaced), "replaced once committed, not before"
    assert "Committed, then shown." in text(client.get(section_url(northwind)))


@pytest.mark.django_db(transaction=True)
def test_a_page_drawn_inside_the_saving_transaction_shows_the_change(
    client, reference_data, northwind
):
    client.force_login(northwind.contributor)
    client.get(section_url(northwind))

    with transaction.atomic():
        save_31(northwind, "Not yet committed.", by=northwind.admin)
        # Code around the save draws the page before committing: not the cached one.
        assert "Not yet committed." in text(client.get(section_url(northwind)))
