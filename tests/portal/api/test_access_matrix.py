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
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.portal import access_matrix
from tests.portal.access_matrix import (
    A_MEMBERS,
    ALL_LEADS,
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


@dataclass(frozen=True)
class Case:
    name: str
    args: Callable[[World], dict[str, Any]]
    method: str
    rule: Rule
    body: Callable[[World], dict[str, Any]] | None = None
    if_match: Callable[[World], str] | None = None


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
    Case(
        "api-programme-status",
        access_matrix.NO_ARGS,
        "GET",
        api(PORTAL_ADMIN | ALL_LEADS, seen_by=SIGNED_IN),
    ),
    Case("api-programme-status", access_matrix.NO_ARGS, "POST", NOBODY),
]

SESSION_ONLY = {"api-schema", "api-docs"}  # for people signed in on the pages (and tokens)


def send(client, world: World, case: Case, secret: str):
    url = reverse(case.name, kwargs=case.args(world))
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    if case.if_match is not None:
        headers["If-Match"] = case.if_match(world)
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
    if response.status_code >= 400:
        problem = response.json()
        assert problem["status"] == response.status_code
        assert response["Content-Type"] == "application/problem+json"
        assert {"type", "title", "detail"} <= set(problem)
    if case.method not in ("GET", "HEAD") and case.rule.refuses(kind):
        assert_nothing_changed(world, writes(queries), f"A refused {case.method} to {case.name}")
    shown = response.content.decode(errors="replace")
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
    response = send(client, world, case, world.api_secrets[K.CONTRIBUTOR])

    assert response.status_code == 200
    assert access_matrix.changed_tables(world.baseline, access_matrix.fingerprint()) != []
