"""The API's access matrix: every endpoint and method, for every kind of user, each with a
read and write token of their own. Another organisation's object does not exist (404), what
the pages forbid is forbidden (403), a refused write changes nothing, and a read-only token
writes nothing. A signed-in page's session at the API is in tests/portal/test_access_matrix.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.portal import access_matrix
from tests.portal.access_matrix import (
    A_MEMBERS,
    ALL_LEADS,
    BSC,
    PORTAL_ADMIN,
    SEES_A,
    SEES_A_DRAFT,
    SIGNED_IN,
    Fixed,
    K,
    Kind,
    Rule,
    World,
    assert_nothing_changed,
    hidden_organisations,
    named,
    only,
    portal_urls,
    uuid_of,
    writes,
)

pytestmark = pytest.mark.django_db

# The world and its files, built once for this module.
matrix_media_root = access_matrix.matrix_media_root
world_fixture = access_matrix.world_fixture
world_media_fixture = access_matrix.world_media_fixture

QUESTION_3_1 = Fixed("3.1")
PROGRAMME = PORTAL_ADMIN | ALL_LEADS  # who sees the programme's status
BSC_DESK = BSC | PORTAL_ADMIN  # who sees the BSC's reviews
BSC_ACTING = frozenset({K.BSC_ASSESSOR, K.BSC_LEAD})
# Someone signed out (no token) gets 401 from every endpoint.
NOBODY = only(frozenset(), hidden=405, anonymous=401)  # a method the endpoint does not have


def api(allowed, **options) -> Rule:
    return only(allowed, anonymous=401, **options)


def new_text(world: World) -> dict[str, Any]:
    return {"value": "Written through the API by whoever sent this."}


def version_of(path: str) -> Callable[[World], str]:
    """The If-Match a writer who had just read the answer would send."""

    def read(world: World) -> str:
        submission = attrgetter(path)(world)
        answer = submission.revisions.order_by("-number").first().answers.get(question__ref="3.1")
        return f'"{answer.version}"'

    return read


def upload_body(world: World) -> dict[str, Any]:
    return {
        "file": SimpleUploadedFile("run-book.txt", b"Settlement run book, version 2.\n"),
        "evidence_type": "process_document",
        "questions": "3.1",
        "title": "Run book",
    }


def link_body(world: World) -> dict[str, Any]:
    return {"questions": ["3.2"]}


def reply_body(world: World) -> dict[str, Any]:
    return {"text": "GridSoft runs it for us, under our contract."}


def outcome_body(world: World) -> dict[str, Any]:
    return {"outcome": "not_met", "comment": "The operating model is not described."}


def clarification_body(world: World) -> dict[str, Any]:
    return {"question": "3.1", "text": "Who runs the operating model day to day?"}


@dataclass(frozen=True)
class Case:
    name: str
    args: Callable[[World], dict[str, Any]]
    method: str
    rule: Rule
    body: Callable[[World], dict[str, Any]] | None = None
    if_match: Callable[[World], str] | None = None
    multipart: bool = False  # a file upload, sent as a form


DRAFT = uuid_of("a.draft")
REVIEWED = uuid_of("a.reviewed")
DRAFT_3_1 = named(public_id="a.draft.public_id", question_ref=QUESTION_3_1)
REVIEWED_3_1 = named(public_id="a.reviewed.public_id", question_ref=QUESTION_3_1)

CASES = [
    Case("api-qualifications", access_matrix.NO_ARGS, "GET", api(SIGNED_IN)),
    Case("api-qualifications", access_matrix.NO_ARGS, "POST", NOBODY),
    Case("api-qualification", uuid_of("a.draft.qualification"), "GET", api(SEES_A)),
    Case("api-qualification", uuid_of("a.draft.qualification"), "PUT", NOBODY),
    Case("api-submission", DRAFT, "GET", api(SEES_A_DRAFT)),
    Case("api-submission", REVIEWED, "GET", api(SEES_A)),
    Case("api-submission", DRAFT, "DELETE", NOBODY),
    Case("api-submission-questions", DRAFT, "GET", api(SEES_A_DRAFT)),
    Case("api-submission-questions", REVIEWED, "GET", api(SEES_A)),
    Case("api-answers", DRAFT, "GET", api(SEES_A_DRAFT)),
    Case("api-answers", REVIEWED, "GET", api(SEES_A)),
    Case("api-answers", DRAFT, "POST", NOBODY),
    Case("api-answer", DRAFT_3_1, "GET", api(SEES_A_DRAFT)),
    Case("api-answer", REVIEWED_3_1, "GET", api(SEES_A)),
    # A draft's answer: its organisation's people write it; a portal admin sees it but may
    # not write it, as on the section page.
    Case(
        "api-answer",
        DRAFT_3_1,
        "PUT",
        api(A_MEMBERS, seen_by=PORTAL_ADMIN),
        body=new_text,
        if_match=version_of("a.draft"),
    ),
    # A submitted revision is read-only for everyone.
    Case(
        "api-answer",
        REVIEWED_3_1,
        "PUT",
        api(frozenset(), seen_by=SEES_A),
        body=new_text,
        if_match=version_of("a.reviewed"),
    ),
    Case("api-answer", DRAFT_3_1, "DELETE", NOBODY),
    Case("api-programme-status", access_matrix.NO_ARGS, "GET", api(PROGRAMME, seen_by=SIGNED_IN)),
    Case("api-programme-status", access_matrix.NO_ARGS, "POST", NOBODY),
    # Evidence: listed as the register lists it, downloaded as the page serves it, uploaded
    # and linked by the participant's own people while the QAD is theirs to change.
    Case("api-submission-evidence", DRAFT, "GET", api(SEES_A_DRAFT)),
    Case("api-submission-evidence", REVIEWED, "GET", api(SEES_A)),
    Case(
        "api-submission-evidence",
        DRAFT,
        "POST",
        api(A_MEMBERS, ok=202, seen_by=PORTAL_ADMIN),
        body=upload_body,
        multipart=True,
    ),
    Case(
        "api-submission-evidence",
        REVIEWED,
        "POST",
        api(frozenset(), seen_by=SEES_A),
        body=upload_body,
        multipart=True,
    ),
    Case("api-evidence", uuid_of("a.evidence"), "GET", api(SEES_A)),
    Case("api-evidence", uuid_of("a.draft_link.item"), "GET", api(SEES_A_DRAFT)),
    Case("api-evidence", uuid_of("a.evidence"), "DELETE", NOBODY),
    Case("api-evidence-download", uuid_of("a.evidence"), "GET", api(SEES_A)),
    Case(
        "api-evidence-questions",
        uuid_of("a.draft_link.item"),
        "POST",
        api(A_MEMBERS, seen_by=PORTAL_ADMIN),
        body=link_body,
    ),
    Case("api-clarifications", uuid_of("a.clarified"), "GET", api(SEES_A)),
    Case(
        "api-clarification-answer",
        named(public_id="a.clarified.public_id", clarification_id="a.clarification.pk"),
        "POST",
        # A BSC clarification: another Code Body's staff do not see it through the API.
        api(A_MEMBERS, seen_by=BSC_DESK),
        body=reply_body,
    ),
    # A Code Body's work: its own people and portal admins; assessing, its assessors.
    Case("api-queue", named(code="bsc_review.code_body.code"), "GET", api(BSC_DESK)),
    Case("api-queue", named(code="bsc_review.code_body.code"), "POST", NOBODY),
    Case("api-review", uuid_of("bsc_review"), "GET", api(BSC_DESK)),
    Case(
        "api-review-outcome",
        named(public_id="bsc_review.public_id", criterion_ref=Fixed("BSC-3")),
        "PUT",
        api(BSC_ACTING, seen_by=BSC_DESK),
        body=outcome_body,
    ),
    Case(
        "api-review-clarifications",
        uuid_of("bsc_review"),
        "POST",
        api(BSC_ACTING, ok=201, seen_by=BSC_DESK),
        body=clarification_body,
    ),
]

SESSION_ONLY = {"api-schema", "api-docs"}  # for people signed in on the pages (and tokens)


def send(client, world: World, case: Case, secret: str):
    url = reverse(case.name, kwargs=case.args(world))
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    if case.if_match is not None:
        headers["If-Match"] = case.if_match(world)
    if case.multipart:
        return client.post(url, case.body(world), headers=headers)
    body = json.dumps(case.body(world)) if case.body else None
    return client.generic(
        case.method, url, body or "", content_type="application/json", headers=headers
    )


def test_every_endpoint_is_in_the_matrix():
    endpoints = {p.name for p in portal_urls() if p.name and p.name.startswith("api-")}
    endpoints -= {"api-tokens", "api-token-revoke"} | SESSION_ONLY  # pages, not endpoints
    assert endpoints == {case.name for case in CASES}


@pytest.mark.parametrize(
    ("case", "kind"),
    [
        pytest.param(case, kind, id=f"{case.name}-{case.method}-{n}-{kind}")
        for n, case in enumerate(CASES)
        for kind in Kind
    ],
)
def test_each_kind_of_token_gets_what_the_matrix_says(client, world, case, kind):
    secret = "" if kind is K.ANONYMOUS else world.api_secrets[kind]

    with CaptureQueriesContext(connection) as queries:
        response = send(client, world, case, secret)

    expected = case.rule.expected(kind)
    assert response.status_code == expected, (
        f"{case.method} {case.name} as {kind}: expected {expected}, got "
        f"{response.status_code} {response.content[:300]!r}"
    )
    if response.streaming:  # a file: read to its end, which lets go of it
        assert b"".join(response.streaming_content)
    if response.status_code >= 400:
        problem = response.json()
        assert problem["status"] == response.status_code
        assert response["Content-Type"] == "application/problem+json"
        assert {"type", "title", "detail"} <= set(problem)
    if case.method not in ("GET", "HEAD") and case.rule.refuses(kind):
        assert_nothing_changed(world, writes(queries), f"A refused {case.method} to {case.name}")
    shown = "" if response.streaming else response.content.decode(errors="replace")
    for organisation in hidden_organisations(world, kind):
        assert organisation.legal_name not in shown, f"{case.name} shows {organisation} to {kind}"
        assert str(organisation.public_id) not in shown


WRITES = [case for case in CASES if case.body is not None and case.rule.allowed]


@pytest.mark.parametrize("case", WRITES, ids=lambda case: f"{case.name}-{case.method}")
def test_a_read_only_token_writes_nothing(client, world, case):
    with CaptureQueriesContext(connection) as queries:
        response = send(client, world, case, world.read_only_secret)

    assert response.status_code == 403
    assert "read only" in response.json()["detail"]
    assert_nothing_changed(world, writes(queries), f"A read-only token's {case.method}")


@pytest.mark.parametrize("case", WRITES, ids=lambda case: f"{case.name}-{case.method}")
def test_the_write_a_refused_token_sends_changes_data_when_allowed(client, world, case):
    """Otherwise "nothing changed" after a refused write could just mean the body was wrong."""
    response = send(client, world, case, world.api_secrets[sorted(case.rule.allowed)[0]])

    assert response.status_code == case.rule.ok
    assert access_matrix.changed_tables(world.baseline, access_matrix.fingerprint()) != []


# An identifier of B's inside a URL (or a body) that names one of A's objects, sent with a
# token of someone who may reach both: only the check that the one belongs to the other
# stands in the way. `by` is a kind, or "consultant" (a contributor of A and of B).
API_CROSSINGS = {
    "B's clarification answered through A's QAD": Case(
        "api-clarification-answer",
        named(public_id="a.clarified.public_id", clarification_id="b.clarification.pk"),
        "POST",
        api(frozenset()),
        body=reply_body,
    ),
    "another Code Body's criterion in the BSC's review": Case(
        "api-review-outcome",
        named(public_id="bsc_review.public_id", criterion_ref=Fixed("REC-3")),
        "PUT",
        api(frozenset()),
        body=outcome_body,
    ),
}
CROSSED_BY = {
    "B's clarification answered through A's QAD": "consultant",
    "another Code Body's criterion in the BSC's review": K.BSC_LEAD,
}


@pytest.mark.parametrize("name", API_CROSSINGS)
def test_an_identifier_reaches_only_objects_of_the_object_it_is_named_with(client, world, name):
    case = API_CROSSINGS[name]
    by = CROSSED_BY[name]
    secret = world.consultant_secret if by == "consultant" else world.api_secrets[by]

    with CaptureQueriesContext(connection) as queries:
        response = send(client, world, case, secret)

    assert response.status_code == 404, response.content
    assert_nothing_changed(world, writes(queries), name)
