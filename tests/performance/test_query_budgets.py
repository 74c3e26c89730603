"""Query budgets of the hot paths: each page makes the same number of SQL queries whether the
programme has 10 organisations or 300, and whether a submission holds 10 evidence files or
200. A query per organisation, per review or per file (an N+1) would make the larger
programme miss its budget.

The programmes are built by `load_scale`, as the load benchmark's is (the larger one is the
benchmark's: 300 organisations with 200 files each).
"""

from __future__ import annotations

import pytest
from django.db.models import Count
from django.urls import reverse

from assessment.models import Review
from demo.scale import EMAIL_DOMAIN, NAME_PREFIX, scale_load, supplier_review_in_review
from evidence.selectors import evidence_tallies
from evidence.views import REGISTER_PAGE_SIZE
from qad.models import Answer, Submission
from qualification.models import User
from tests.module_builds import built_for_the_module

pytestmark = pytest.mark.django_db

# Every request pays 2 of these: the session and the user (the session is written back at
# most once a minute, not by these requests). Nothing is cached but the published versions'
# questions: every page is drawn afresh from the database each time.
BUDGETS = {
    "participant home": 9,
    # Files listed only in the evidence panels opened; the reader's open conflicts read only
    # when the answers say there are some, clarifications only once the QAD was submitted.
    "section page": 8,
    # The answer with everything its checks read, in one query; in the save's savepoint, the
    # same read again under the revision's and the answer's locks, the write and its audit
    # event; then the section's progress.
    "answer autosave": 9,
    # The revision's item ids and the market roles the reader's Code Bodies approve (each a
    # list, so that the next query is planned in milliseconds, not tens of them), the page's
    # ids and the count, then its 50 rows by id, then their questions.
    # With the files of answers a move kept read-only; the evidence the participant may rely
    # on (its own earlier files and the packs granted to it) in one query.
    "evidence register": 12,
    "assessor queue": 11,  # with the check results of the page's rows
    # With the latest check results of the page's criteria (the Code Body's latest run found
    # inside that query); the access check reads the review with its organisation, the
    # reader's role and the Code Body's approval in one query; the assignee is among the
    # assessors the page lists.
    "review screen": 13,
    "programme dashboard": 13,
    "programme export": 8,
}


def budget(name: str, table: dict[str, int] = BUDGETS) -> int:
    return table[name]


@pytest.fixture(
    scope="module",
    params=[(10, 10), (300, 200)],
    ids=["10 organisations, 10 files", "300 organisations, 200 files"],
)
def programme(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """Each programme built once for the module, inside a transaction rolled back when the
    module is done; each test runs in a savepoint of its own on top of it, so an autosave
    leaves it as it was."""
    organisations, files = request.param
    media = tmp_path_factory.mktemp("budget-media")

    def build():
        scale_load(
            organisations=organisations,
            password="query-budget-2026",
            check_runs=False,
            evidence=files,
        )
        return organisations, files, media

    yield from built_for_the_module(build, django_db_blocker, media)


@pytest.fixture(autouse=True)
def media_root(settings, programme):
    """The programme's files stay where it stored them (tests/conftest.py gives each test a
    fresh folder)."""
    settings.MEDIA_ROOT = programme[2]


def _signed_in(client, email: str):
    client.force_login(User.objects.get(email=email))
    return client


def _participant(client):
    return _signed_in(client, f"org-admin@p0001.{EMAIL_DOMAIN}")


def _draft() -> Submission:
    return Submission.objects.get(
        qualification__organisation__legal_name=f"{NAME_PREFIX} 0001 Ltd", stage="initial"
    )


def _get(client, url: str, page: str, django_assert_num_queries, *, more: int = 0) -> str:
    """The page drawn within its budget (`more` queries for what this page draws that the
    same page of another programme need not)."""
    client.get(url)  # the first request fills the caches of published versions
    with django_assert_num_queries(budget(page) + more):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_participant_home(programme, client, django_assert_num_queries):
    page = _get(_participant(client), "/", "participant home", django_assert_num_queries)

    assert f"{NAME_PREFIX} 0001 Ltd" in page


def test_section_page(programme, client, django_assert_num_queries):
    submission = _draft()
    largest = (
        Answer.objects.filter(revision__submission=submission)
        .values("question__section__ref")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    url = reverse(
        "submission-section",
        kwargs={
            "public_id": submission.public_id,
            "section_ref": largest["question__section__ref"],
        },
    )
    # Evidence panels are loaded when opened; the files that need a look are named under
    # their questions, in one query for the page (with 200 files per organisation, some do).
    questions = Answer.objects.filter(
        revision__submission=submission, question__section__ref=largest["question__section__ref"]
    ).values_list("question_id", flat=True)
    tallies = evidence_tallies(submission.revisions.get(), list(questions))
    problems = any(tally.needs_a_look for tally in tallies.values())

    page = _get(
        _participant(client),
        url,
        "section page",
        django_assert_num_queries,
        more=1 if problems else 0,
    )

    assert page.count('class="question card') == largest["n"]


def test_answer_autosave(programme, client, django_assert_num_queries):
    submission = _draft()
    answers = [
        answer
        for answer in Answer.objects.filter(
            revision__submission=submission, question__answer_type="free_text"
        )
        .select_related("question")
        .order_by("question__position")
        if answer.question.options.get("max_length", 10_000) >= 80
    ][:2]
    _participant(client)

    def save(answer: Answer, text: str):
        return client.post(
            reverse(
                "answer-autosave",
                kwargs={"public_id": submission.public_id, "question_ref": answer.question.ref},
            ),
            {
                f"q{answer.question_id}-version": answer.version,
                f"q{answer.question_id}-value": text,
            },
            headers={"HX-Request": "true"},
        )

    save(answers[0], "Warming the caches")
    with django_assert_num_queries(budget("answer autosave")):
        response = save(answers[1], "Owned by the Settlement Manager, reviewed quarterly.")

    assert response.status_code == 200
    assert "X-Save-Outcome" not in response.headers
    answers[1].refresh_from_db()
    assert answers[1].value == "Owned by the Settlement Manager, reviewed quarterly."


def test_evidence_register(programme, client, django_assert_num_queries):
    _organisations, files, _media = programme
    url = reverse("evidence-register", kwargs={"public_id": _draft().public_id})

    page = _get(_participant(client), url, "evidence register", django_assert_num_queries)

    assert page.count('data-label="Title"') == min(files, REGISTER_PAGE_SIZE)


def test_assessor_queue(programme, client, django_assert_num_queries):
    _signed_in(client, f"lead@bsc.{EMAIL_DOMAIN}")
    open_reviews = Review.objects.filter(
        code_body__code="BSC", state__in=["waiting", "in_review", "awaiting_participant"]
    ).count()

    page = _get(client, "/code-bodies/BSC/queue/", "assessor queue", django_assert_num_queries)

    assert page.count('data-label="Organisation"') == min(open_reviews, 50)


def test_review_screen(programme, client, django_assert_num_queries):
    review = supplier_review_in_review("BSC")
    _signed_in(client, f"lead@bsc.{EMAIL_DOMAIN}")

    page = _get(
        client,
        reverse("review-detail", kwargs={"public_id": review.public_id}),
        "review screen",
        django_assert_num_queries,
    )

    assert review.submission.qualification.organisation.legal_name in page
    assert page.count('<section class="card mb-4" id="criterion-') == 10, "a page of criteria"


def test_programme_dashboard(programme, client, django_assert_num_queries):
    organisations, _files, _media = programme
    _signed_in(client, f"admin@{EMAIL_DOMAIN}")

    page = _get(client, "/programme/", "programme dashboard", django_assert_num_queries)

    assert f"{organisations} qualifications" in page


def test_programme_export(programme, client, django_assert_num_queries):
    organisations, _files, _media = programme
    _signed_in(client, f"admin@{EMAIL_DOMAIN}")

    rows = _get(client, "/programme/export.csv", "programme export", django_assert_num_queries)

    assert len(rows.strip().splitlines()) == organisations + 1
