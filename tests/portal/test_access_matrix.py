"""The access-control matrix: every URL of the portal, every kind of user, GET and POST.

The table below has one entry per URL name. A URL added to the portal without an entry here
fails `test_every_url_of_the_portal_has_an_entry`; so does an entry whose URL is gone. Each
entry names the objects of organisation A its arguments point at and, for each method, who
may do it and what everyone else gets (see `Rule` in tests/portal/access_matrix.py). A refused POST
carries the body a real form would send, and must leave every table as it was.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qad.models import Answer
from qualification.models import MarketRole, Membership
from tests.portal import access_matrix
from tests.portal.access_matrix import (
    A_ACTING,
    A_LEADS,
    A_MEMBERS,
    ALL_LEADS,
    BSC,
    EVERYONE,
    METHOD_NOT_ALLOWED,
    NO_ARGS,
    NOT_FOUND,
    PORTAL_ADMIN,
    SEES_A,
    SEES_A_DRAFT,
    SEES_B,
    SIGNED_IN,
    Access,
    Args,
    Body,
    Fixed,
    Json,
    K,
    Kind,
    World,
    assert_nothing_changed,
    changed_tables,
    fingerprint,
    hidden_organisations,
    named,
    only,
    outcome,
    page,
    portal_urls,
    send,
    sign_in,
    url_parameters,
    uuid_of,
    writes,
)
from tests.qualification.factories import PASSWORD
from tests.version_files import JOURNEY_TEMPLATE, as_bytes

pytestmark = pytest.mark.django_db

# The world and its files, built once for this module.
matrix_media_root = access_matrix.matrix_media_root
world_fixture = access_matrix.world_fixture
world_media_fixture = access_matrix.world_media_fixture

A_ORG_ADMINS = frozenset({K.ORG_ADMIN, K.PORTAL_ADMIN})
A_ORGANISATION = A_MEMBERS | PORTAL_ADMIN  # who may see organisation A itself
BSC_DESK = BSC | PORTAL_ADMIN  # who may see the BSC's review of A's QAD
QUESTION_3_1 = Fixed("3.1")  # the free-text question every QAD of the world has


# --- What the forms send -------------------------------------------------------------------


def _file(name: str, content: bytes = b"test case,result\nTC-1,passed\n") -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def _answer_fields(world: World, ref: str, value: str) -> dict[str, Any]:
    revision = world.a.draft.revisions.get()
    answer = revision.answers.select_related("question").get(question__ref=ref)
    prefix = f"q{answer.question_id}"
    return {f"{prefix}-version": answer.version, f"{prefix}-value": value}


def answer_body(world: World) -> dict[str, Any]:
    return _answer_fields(world, "3.1", "Rewritten by whoever sent this.")


def start_body(world: World) -> dict[str, Any]:
    return {"route": "SIT", "mpids": [m.pk for m in world.a.organisation.mpids.all()]}


def mpid_body(world: World) -> dict[str, Any]:
    return {"market_role": MarketRole.objects.get(code="SDS").pk, "code": "BWSD"}


def pqs_body(world: World) -> dict[str, Any]:
    return {
        "preferred_wave": world.wave.pk,
        "pit_approach": "in_house",
        "pit_starts": "2025-09-01",
        "pit_ends": "2025-12-19",
        "target_migration_date": "2026-09-01",
        "reliance_summary": "",
    }


def accept_body(world: World) -> dict[str, Any]:
    return {"decision": "accept", "note": ""}


# The BSC board meeting the world's Service Activation qualification was scheduled for.
MEETING_DAY = timezone.localdate().isoformat()


def nothing(world: World) -> dict[str, Any]:
    return {}


def invite_body(world: World) -> dict[str, Any]:
    return {
        "email": "insider@brightwatt.example",
        "full_name": "An Insider",
        "organisation": str(world.a.organisation.public_id),
        "membership_role": "org_admin",
    }


def membership_body(world: World) -> dict[str, Any]:
    return {
        "action": "add_membership",
        "organisation": str(world.a.organisation.public_id),
        "role": "org_admin",
    }


def register_body(world: World) -> dict[str, Any]:
    return {"legal_name": "Shadow Energy Ltd", "company_number": "09999999", "mpids": "SHDW SUP"}


def invitation_body(world: World) -> dict[str, Any]:
    return {
        "password": "a-new-colleague-password-7",
        "password_again": "a-new-colleague-password-7",
    }


def submit_body(world: World) -> dict[str, Any]:
    return {"revision": 1}


def keep_mine(world: World) -> dict[str, Any]:
    # The panel also sends the version of the saved text it showed.
    conflict = world.a.conflict
    seen = Answer.objects.get(pk=conflict.answer_id).version
    return {"keep": "mine", f"conflict-{conflict.pk}-seen": seen}


def clarification_body(world: World) -> dict[str, Any]:
    return {f"clarification-{world.a.clarification.pk}-text": "GridSoft runs it for us."}


def sign_body(world: World) -> dict[str, Any]:
    return {"confirm": "on", "password": PASSWORD}


def upload_body(world: World) -> dict[str, Any]:
    question = world.a.draft.template.questions.get(ref="4.5")
    return {
        "files": [_file("log.csv")],
        "title": "Test execution log",
        "evidence_type": "process_document",
        "questions": [question.pk],
    }


def change_body(world: World) -> dict[str, Any]:
    return {
        "title": "Draft procedures, renamed",
        "evidence_type": "process_document",
        "questions": [world.a.draft_link.question_id],
    }


def rely_body(world: World) -> dict[str, Any]:
    return {
        "item": str(world.a.evidence.public_id),
        "question": world.a.draft.template.questions.get(ref="4.5").pk,
        "statement": "The same procedures, unchanged since our earlier submission.",
    }


def replace_body(world: World) -> dict[str, Any]:
    return {"files": [_file("draft-v2.csv")]}


def justify_body(world: World) -> dict[str, Any]:
    return {"justification": "These are the test system's made-up contacts, not real people."}


def pack_body(world: World) -> dict[str, Any]:
    return {"name": "Brightwatt platform SIT", "description": ""}


def pack_upload_body(world: World) -> dict[str, Any]:
    return {"files": [_file("sit.csv")], "title": "SIT report", "evidence_type": "process_document"}


def share_body(world: World) -> dict[str, Any]:
    return {"organisation": world.b.organisation.company_number, "action": "grant"}


def assign_body(world: World) -> dict[str, Any]:
    # The review is assigned to the BSC assessor already: assigning it to them again
    # changes nothing, so the proof reassigns it to the lead.
    return {"assignee": world.users[K.BSC_LEAD].pk}


def colleague_body(world: World) -> dict[str, Any]:
    return {
        "action": "invite",
        "full_name": "Ravi Kumar",
        "email": "ravi@new-colleague.example",
        "membership_role": "contributor",
    }


def publish_body(world: World) -> dict[str, Any]:
    # v99.1 has no criteria of its own: the admin accepts that, saying why.
    return {"accept_gap": ["BSC", "REC", "DIP"], "reason": "Criteria are being written"}


def outcome_body(world: World) -> dict[str, Any]:
    return {"outcome": "not_met", "comment": "The operating model is not described."}


def work_off_body(world: World) -> dict[str, Any]:
    return {
        "defect_reference": "DEF-2",
        "description": "Late flows on IF-033 in one test cycle.",
        "owner": "Integration team",
        "due_date": "2026-12-31",
        "status": "open",
        "required": "on",
    }


def approve_body(world: World) -> dict[str, Any]:
    return {"outcome": "approved", "reason": "", "conditions": "", "confirmed": "yes"}


def sms_exemption_body(world: World) -> dict[str, Any]:
    return {"code_body": "BSC", "decided_on": "2026-11-02", "reference": "PAB/299/05"}


def version_file_body(world: World) -> dict[str, Any]:
    document = {**JOURNEY_TEMPLATE, "version": "99.2", "title": "Journey QAD v99.2"}
    return {"kind": "template", "file": _file("journey-99.2.yaml", as_bytes(document))}


def move_body(world: World) -> dict[str, Any]:
    return {"qualifications": [str(world.old_version_qualification.public_id)], "apply": "1"}


def report_body(world: World) -> dict[str, Any]:
    return {"revision": 1}


def sign_in_body(world: World) -> dict[str, Any]:
    return {"username": world.users[K.CONTRIBUTOR].email, "password": "not-the-password"}


def authenticator_code(world: World) -> dict[str, Any]:
    return {"code": "000000"}


def reset_body(world: World) -> dict[str, Any]:
    return {"email": world.users[K.CONTRIBUTOR].email}


def csp_body(world: World) -> Json:
    return Json({"csp-report": {"violated-directive": "script-src", "blocked-uri": "inline"}})


def api_token_body(world: World) -> dict[str, Any]:
    expires = timezone.localdate() + dt.timedelta(days=30)
    return {"name": "Tracker", "expires_on": expires.strftime("%d/%m/%Y"), "scope": "read"}


NO_SECOND_FACTOR = frozenset({K.CONTRIBUTOR, K.ORG_ADMIN, K.OTHER_ORG_ADMIN})
# A page's session at the API: 401 for everyone, whatever the method.
API_SESSION = only(frozenset(), hidden=401, anonymous=401)

# --- The table -----------------------------------------------------------------------------


# One entry per URL name. To add a URL: name the objects its arguments point at (`uuid_of`,
# `named`), then say who may GET and who may POST it with `only(...)`; a POST that changes
# something also gets the `body` its form sends and the `proof` kind it works for.
ACCESS: dict[str, Access] = {
    # Signing in and out, and the second factor.
    "home": page(NO_ARGS, only(SIGNED_IN)),
    "login": page(NO_ARGS, only(EVERYONE, ok=302, anonymous=200), body=sign_in_body),
    "logout": Access(NO_ARGS, get=METHOD_NOT_ALLOWED, post=only(EVERYONE, ok=302)),
    "two-factor-setup": Access(
        NO_ARGS, get=only(SIGNED_IN), post=only(SIGNED_IN, ok=400), body=authenticator_code
    ),
    "two-factor-verify": page(NO_ARGS, only(SIGNED_IN, ok=302), body=authenticator_code),
    # The QAD as a Word document: for whoever may read it.
    "submission-word": Access(uuid_of("a.draft"), get=only(SEES_A_DRAFT), post=METHOD_NOT_ALLOWED),
    # Bringing a filled document back: for those who may change the QAD (an upload without a
    # document is refused with a message; applying with nothing read goes back to the form).
    "submission-word-import": Access(
        uuid_of("a.draft"),
        get=only(A_MEMBERS, seen_by=PORTAL_ADMIN),
        post=only(A_MEMBERS, ok=400, seen_by=PORTAL_ADMIN),
        body=nothing,
    ),
    "submission-word-apply": Access(
        uuid_of("a.draft"),
        get=METHOD_NOT_ALLOWED,
        post=only(A_MEMBERS, ok=302, seen_by=PORTAL_ADMIN),
        body=nothing,
    ),
    # Each person's own API tokens; another person's token does not exist for you.
    # Making one asks for a verified second factor of everyone who must use one (signatories,
    # Code Body staff, portal admins): these sessions are signed in without it.
    "api-tokens": Access(
        NO_ARGS,
        get=only(SIGNED_IN),
        post=only(NO_SECOND_FACTOR, ok=302, seen_by=SIGNED_IN, denied=400),
        body=api_token_body,
        proof=K.CONTRIBUTOR,
    ),
    "api-token-revoke": Access(
        uuid_of("api_token"),
        get=METHOD_NOT_ALLOWED,
        post=only({K.CONTRIBUTOR}, ok=302),
        body=lambda world: {},
        proof=K.CONTRIBUTOR,
    ),
    # The API answers personal tokens only: a signed-in page's session gets 401 from every
    # endpoint (its own matrix, with tokens: tests/portal/api/test_access_matrix.py). Its
    # schema and documentation are for anyone signed in.
    "api-schema": Access(
        NO_ARGS,
        get=only(SIGNED_IN, anonymous=401),
        post=only(frozenset(), hidden=405, anonymous=401),
    ),
    "api-docs": Access(NO_ARGS, get=only(SIGNED_IN), post=only(frozenset(), hidden=405)),
    "api-qualifications": Access(NO_ARGS, get=API_SESSION, post=API_SESSION),
    "api-qualification": Access(
        uuid_of("a.draft.qualification"), get=API_SESSION, post=API_SESSION
    ),
    "api-submission": Access(uuid_of("a.draft"), get=API_SESSION, post=API_SESSION),
    "api-submission-questions": Access(uuid_of("a.draft"), get=API_SESSION, post=API_SESSION),
    "api-answers": Access(uuid_of("a.draft"), get=API_SESSION, post=API_SESSION),
    "api-answer": Access(
        named(public_id="a.draft.public_id", question_ref=QUESTION_3_1),
        get=API_SESSION,
        post=API_SESSION,
    ),
    "api-programme-status": Access(NO_ARGS, get=API_SESSION, post=API_SESSION),
    "api-submission-evidence": Access(uuid_of("a.draft"), get=API_SESSION, post=API_SESSION),
    "api-evidence": Access(uuid_of("a.evidence"), get=API_SESSION, post=API_SESSION),
    "api-evidence-download": Access(uuid_of("a.evidence"), get=API_SESSION, post=API_SESSION),
    "api-evidence-questions": Access(
        uuid_of("a.draft_link.item"), get=API_SESSION, post=API_SESSION
    ),
    "api-clarifications": Access(uuid_of("a.clarified"), get=API_SESSION, post=API_SESSION),
    "api-clarification-answer": Access(
        named(public_id="a.clarified.public_id", clarification_id="a.clarification.pk"),
        get=API_SESSION,
        post=API_SESSION,
    ),
    "api-queue": Access(named(code="bsc_review.code_body.code"), get=API_SESSION, post=API_SESSION),
    "api-review": Access(uuid_of("bsc_review"), get=API_SESSION, post=API_SESSION),
    "api-review-outcome": Access(
        named(public_id="bsc_review.public_id", criterion_ref=Fixed("BSC-3")),
        get=API_SESSION,
        post=API_SESSION,
    ),
    "api-review-clarifications": Access(uuid_of("bsc_review"), get=API_SESSION, post=API_SESSION),
    "password_reset": Access(
        NO_ARGS, get=only(EVERYONE), post=only(EVERYONE, ok=302), body=reset_body
    ),
    "password_reset_done": Access(NO_ARGS, get=only(EVERYONE), post=METHOD_NOT_ALLOWED),
    "password_reset_confirm": page(attrgetter("password_reset"), only(EVERYONE, ok=302)),
    "password_reset_complete": Access(NO_ARGS, get=only(EVERYONE), post=METHOD_NOT_ALLOWED),
    # The dependencies' states, for load balancers: nobody signs in, nothing of anyone's shown.
    "health": Access(NO_ARGS, get=only(EVERYONE), post=METHOD_NOT_ALLOWED),
    "health-live": Access(NO_ARGS, get=only(EVERYONE), post=METHOD_NOT_ALLOWED),
    "csp-report": Access(
        NO_ARGS, get=METHOD_NOT_ALLOWED, post=only(EVERYONE, ok=204), body=csp_body
    ),
    "invitation-accept": Access(
        named(token="invitation_token"),
        get=only(EVERYONE),
        post=only(EVERYONE, ok=302),
        body=invitation_body,
        proof=K.ANONYMOUS,
    ),
    # The audit trail and the programme view.
    "audit": page(NO_ARGS, only(PORTAL_ADMIN, hidden=403)),
    "organisation-audit": page(
        uuid_of("a.organisation"), only(A_ORG_ADMINS, seen_by=A_ORGANISATION)
    ),
    # The programme's status, one row per qualification: for portal admins, and for each
    # Code Body's lead assessors the qualifications their own body approves.
    "programme": page(NO_ARGS, only(ALL_LEADS | PORTAL_ADMIN, hidden=403)),
    "programme-export": page(
        named(file_format=Fixed("csv")), only(ALL_LEADS | PORTAL_ADMIN, hidden=403)
    ),
    # People and organisations, managed by portal admins.
    "people": Access(
        NO_ARGS,
        get=only(PORTAL_ADMIN, hidden=403),
        post=only(PORTAL_ADMIN, ok=302, hidden=403),
        body=invite_body,
        proof=K.PORTAL_ADMIN,
    ),
    "person": Access(
        uuid_of("contributor"),
        get=only(PORTAL_ADMIN, hidden=403),
        post=only(PORTAL_ADMIN, ok=302, hidden=403),
        body=membership_body,
        proof=K.PORTAL_ADMIN,
    ),
    "organisations": Access(
        NO_ARGS,
        get=only(PORTAL_ADMIN, hidden=403),
        post=only(PORTAL_ADMIN, ok=302, hidden=403),
        body=register_body,
        proof=K.PORTAL_ADMIN,
    ),
    # Organisation A and its qualifications.
    # The organisation's own people, managed by its admins (and portal admins).
    "organisation-people": Access(
        uuid_of("a.organisation"),
        get=only(A_ORG_ADMINS, seen_by=A_ORGANISATION),
        post=only(A_ORG_ADMINS, ok=302, seen_by=A_ORGANISATION),
        body=colleague_body,
        proof=K.ORG_ADMIN,
    ),
    "qualification-start": Access(
        uuid_of("a.organisation"),
        get=only(A_ORG_ADMINS, seen_by=A_ORGANISATION),
        post=only(A_ORG_ADMINS, ok=302, seen_by=A_ORGANISATION),
        body=start_body,
        proof=K.ORG_ADMIN,
    ),
    "mpid-add": Access(
        uuid_of("a.organisation"),
        get=only(A_ORG_ADMINS, seen_by=A_ORGANISATION),
        post=only(A_ORG_ADMINS, ok=302, seen_by=A_ORGANISATION),
        body=mpid_body,
        proof=K.ORG_ADMIN,
    ),
    "qualification-detail": page(uuid_of("a.reviewed.qualification"), only(SEES_A)),
    "pqs-edit": Access(
        uuid_of("pqs_draft"),
        get=only(SEES_A),
        post=only({K.ORG_ADMIN}, ok=302, seen_by=SEES_A),
        body=pqs_body,
        proof=K.ORG_ADMIN,
    ),
    "pqs-decide": Access(
        uuid_of("pqs_submitted"),
        get=METHOD_NOT_ALLOWED,
        post=only(A_LEADS | PORTAL_ADMIN, ok=302, seen_by=SEES_A),
        body=accept_body,
        proof=K.DIP_LEAD,
    ),
    "final-qad-start": Access(
        uuid_of("a.reviewed.qualification"),
        get=METHOD_NOT_ALLOWED,
        # The participant declares its testing complete (or the Programme for it): no Code
        # Body's lead starts another organisation's Final QAD.
        post=only({K.ORG_ADMIN} | PORTAL_ADMIN, ok=302, seen_by=SEES_A),
        body=nothing,
        proof=K.ORG_ADMIN,
    ),
    "work-off": Access(
        uuid_of("a.reviewed.qualification"),
        get=only(SEES_A),
        post=only(A_MEMBERS | A_ACTING, ok=302, seen_by=SEES_A),
        body=work_off_body,
        proof=K.CONTRIBUTOR,
    ),
    # A's QAD submissions. Any member of A may write. Whoever may see the qualification may
    # read, drafts included (qad.rules.can_view_submission); to those who only read, the
    # writing actions do not exist (404).
    "submission-detail": page(uuid_of("a.reviewed"), only(SEES_A)),
    "submission-checklist": page(uuid_of("a.draft"), only(SEES_A_DRAFT)),
    # The pre-check reads the draft and stores nothing; the draft is A's own, so even those
    # who may read it (portal admins) are not shown the checks' findings on it.
    "submission-precheck": Access(
        uuid_of("a.draft"),
        get=METHOD_NOT_ALLOWED,
        post=only(A_MEMBERS),
        body=nothing,
    ),
    "revision-detail": page(named(public_id="a.reviewed.public_id", number=Fixed(1)), only(SEES_A)),
    "submission-section": Access(
        named(public_id="a.draft.public_id", section_ref=Fixed("3")),
        get=only(SEES_A_DRAFT),
        # Readers' forms are not editable: the save goes through and saves nothing.
        post=only(A_MEMBERS, ok=302, seen_by=SEES_A_DRAFT, denied=302),
        body=answer_body,
        proof=K.CONTRIBUTOR,
    ),
    "answer-autosave": Access(
        named(public_id="a.draft.public_id", question_ref=QUESTION_3_1),
        get=METHOD_NOT_ALLOWED,
        # htmx swaps 2xx answers only: a refusal is a 200 with its status in X-Save-Outcome.
        post=only(A_MEMBERS, seen_by=SEES_A_DRAFT, denied=200),
        body=answer_body,
        proof=K.CONTRIBUTOR,
    ),
    # A plain visit opens the panel on the section page; htmx gets the panel itself.
    "answer-evidence": Access(
        named(public_id="a.draft.public_id", question_ref=QUESTION_3_1),
        get=only(SEES_A_DRAFT, ok=302),
        post=METHOD_NOT_ALLOWED,
    ),
    "answer-confirm": Access(
        named(public_id="a.draft.public_id", question_ref=QUESTION_3_1),
        get=METHOD_NOT_ALLOWED,
        post=only(A_MEMBERS, ok=302),
        body=nothing,
        proof=K.CONTRIBUTOR,
    ),
    "submission-submit": Access(
        uuid_of("a.draft"),
        get=METHOD_NOT_ALLOWED,
        post=only({K.ORG_ADMIN, K.SIGNATORY}, ok=302, seen_by=A_MEMBERS),
        body=submit_body,
        proof=K.ORG_ADMIN,
    ),
    "conflict-resolve": Access(
        named(public_id="a.clarified.public_id", conflict_id="a.conflict.pk"),
        get=METHOD_NOT_ALLOWED,
        # Only the person whose words the conflict keeps settles it.
        post=only({K.CONTRIBUTOR}, ok=302),
        body=keep_mine,
        proof=K.CONTRIBUTOR,
    ),
    "clarification-answer": Access(
        named(public_id="a.clarified.public_id", clarification_id="a.clarification.pk"),
        get=METHOD_NOT_ALLOWED,
        post=only(A_MEMBERS, ok=302),
        body=clarification_body,
        proof=K.CONTRIBUTOR,
    ),
    # Only a Director signs, and only the agreed Final QAD.
    "submission-sign": Access(
        uuid_of("final"),
        get=only({K.SIGNATORY}, seen_by=A_MEMBERS),
        post=only({K.SIGNATORY}, ok=302, seen_by=A_MEMBERS),
        body=sign_body,
        proof=K.SIGNATORY,
    ),
    # Anyone who may see the submission may have its PDF made.
    "report-request-qad": Access(
        uuid_of("a.clarified"),
        get=METHOD_NOT_ALLOWED,
        post=only(SEES_A, ok=302),
        body=report_body,
        proof=K.BSC_REVIEWER,
    ),
    # A Code Body's own assessment of A, for its desk only: participants never see it.
    "report-request-assessment": Access(
        uuid_of("bsc_review"),
        get=METHOD_NOT_ALLOWED,
        post=only(BSC_DESK, ok=302),
        body=nothing,
        proof=K.BSC_REVIEWER,
    ),
    "board-meetings": Access(named(code=Fixed("BSC")), get=only(BSC_DESK), post=METHOD_NOT_ALLOWED),
    "report-request-board": Access(
        named(code=Fixed("BSC"), meeting_date=Fixed(MEETING_DAY)),
        get=METHOD_NOT_ALLOWED,
        post=only(BSC_DESK, ok=302),
        body=nothing,
        proof=K.BSC_LEAD,
    ),
    # A's letter for its Qualified role: A's people and the Code Bodies that approved it.
    "report-request-letter": Access(
        named(
            public_id="activation_step.qualification_role.qualification.public_id",
            role_code=Fixed("ADS"),
        ),
        get=METHOD_NOT_ALLOWED,
        post=only(SEES_A, ok=302),
        body=nothing,
        proof=K.CONTRIBUTOR,
    ),
    "report-detail": Access(uuid_of("report"), get=only(SEES_A), post=METHOD_NOT_ALLOWED),
    "report-download": Access(uuid_of("report"), get=only(SEES_A), post=METHOD_NOT_ALLOWED),
    # Evidence.
    "evidence-register": page(uuid_of("a.draft"), only(SEES_A_DRAFT)),
    "evidence-upload": Access(
        uuid_of("a.draft"),
        get=NOT_FOUND,
        post=only(A_MEMBERS, ok=302),
        body=upload_body,
        proof=K.CONTRIBUTOR,
    ),
    "evidence-rely": Access(
        uuid_of("a.draft"),
        get=METHOD_NOT_ALLOWED,
        post=only(A_MEMBERS, ok=302),
        body=rely_body,
        proof=K.CONTRIBUTOR,
    ),
    "evidence-remove": Access(
        named(public_id="a.draft.public_id", link_id="a.draft_link.pk"),
        get=METHOD_NOT_ALLOWED,
        post=only(A_MEMBERS, ok=302),
        body=nothing,
        proof=K.CONTRIBUTOR,
    ),
    "evidence-replace": Access(
        named(public_id="a.draft.public_id", link_id="a.draft_link.pk"),
        get=NOT_FOUND,
        post=only(A_MEMBERS, ok=302),
        body=replace_body,
        proof=K.CONTRIBUTOR,
    ),
    "evidence-download": page(uuid_of("a.evidence"), only(SEES_A)),
    "evidence-state": page(uuid_of("a.evidence"), only(SEES_A)),
    "evidence-change": Access(
        uuid_of("a.draft_link.item"),
        get=only(A_MEMBERS),
        post=only(A_MEMBERS, ok=302),
        body=change_body,
        proof=K.CONTRIBUTOR,
    ),
    "evidence-justify": Access(
        uuid_of("a.flagged"),
        get=METHOD_NOT_ALLOWED,
        post=only(A_MEMBERS, ok=302),
        body=justify_body,
        proof=K.CONTRIBUTOR,
    ),
    # Evidence packs are published by the organisation admin alone.
    "pack-list": Access(
        uuid_of("a.organisation"),
        get=only({K.ORG_ADMIN}, seen_by=A_ORGANISATION),
        post=only({K.ORG_ADMIN}, ok=302, seen_by=A_ORGANISATION),
        body=pack_body,
        proof=K.ORG_ADMIN,
    ),
    "pack-detail": page(uuid_of("pack"), only({K.ORG_ADMIN}, seen_by=A_ORGANISATION)),
    "pack-upload": Access(
        uuid_of("pack"),
        get=NOT_FOUND,
        post=only({K.ORG_ADMIN}, ok=302, seen_by=A_ORGANISATION),
        body=pack_upload_body,
        proof=K.ORG_ADMIN,
    ),
    "pack-share": Access(
        uuid_of("pack"),
        get=METHOD_NOT_ALLOWED,
        post=only({K.ORG_ADMIN}, ok=302, seen_by=A_ORGANISATION),
        body=share_body,
        proof=K.ORG_ADMIN,
    ),
    # The Code Body side: the BSC's review of A's submitted Initial QAD.
    "review-queue": page(named(code="bsc_review.code_body.code"), only(BSC_DESK)),
    "review-detail": page(uuid_of("bsc_review"), only(BSC_DESK)),
    "review-word": Access(uuid_of("bsc_review"), get=only(BSC_DESK), post=METHOD_NOT_ALLOWED),
    "review-changes": page(uuid_of("bsc_review"), only(BSC_DESK)),
    "checks-rerun": Access(
        uuid_of("bsc_review"),
        get=METHOD_NOT_ALLOWED,
        post=only(PORTAL_ADMIN, ok=302, seen_by=BSC_DESK),
        body=nothing,
        proof=K.PORTAL_ADMIN,
    ),
    "review-assign": Access(
        uuid_of("bsc_review"),
        get=METHOD_NOT_ALLOWED,
        # Refused with a message on the review page.
        post=only({K.BSC_LEAD}, ok=302, seen_by=BSC_DESK, denied=302),
        body=assign_body,
        proof=K.BSC_LEAD,
    ),
    "outcome-record": Access(
        named(public_id="bsc_review.public_id", criterion_id="bsc_criterion.pk"),
        get=METHOD_NOT_ALLOWED,
        post=only({K.BSC_ASSESSOR, K.BSC_LEAD}, ok=302),
        body=outcome_body,
        proof=K.BSC_ASSESSOR,
    ),
    "clarifications-send": Access(
        uuid_of("bsc_review"),
        get=METHOD_NOT_ALLOWED,
        post=only({K.BSC_ASSESSOR, K.BSC_LEAD}, ok=302, seen_by=BSC_DESK, denied=302),
        body=nothing,
        proof=K.BSC_ASSESSOR,
    ),
    "review-criteria-move": Access(
        uuid_of("bsc_review"),
        get=METHOD_NOT_ALLOWED,
        # Refused with a message on the review page.
        post=only({K.BSC_LEAD}, ok=302, seen_by=BSC_DESK, denied=302),
        body=nothing,
        proof=K.BSC_LEAD,
    ),
    "review-complete": Access(
        uuid_of("bsc_review"),
        get=METHOD_NOT_ALLOWED,
        post=only({K.BSC_LEAD}, ok=302, seen_by=BSC_DESK, denied=302),
        body=nothing,
        proof=K.BSC_LEAD,
    ),
    "approval-decide": Access(
        uuid_of("approval"),
        get=METHOD_NOT_ALLOWED,
        post=only({K.DIP_LEAD}, ok=302, seen_by=SEES_A, denied=302),
        body=approve_body,
        proof=K.DIP_LEAD,
    ),
    "sms-exemption-record": Access(
        uuid_of("b.reviewed.qualification"),
        get=METHOD_NOT_ALLOWED,
        post=only({K.BSC_LEAD}, ok=302, seen_by=SEES_B),
        body=sms_exemption_body,
        proof=K.BSC_LEAD,
    ),
    # The first step of A's Service Activation is the DIP Manager's to confirm.
    "activation-step": Access(
        uuid_of("activation_step"),
        get=METHOD_NOT_ALLOWED,
        post=only({K.DIP_LEAD}, ok=302, seen_by=SEES_A, denied=302),
        body=nothing,
        proof=K.DIP_LEAD,
    ),
    # QAD template and criteria versions: reference data, for portal admins.
    "versions": Access(
        NO_ARGS,
        get=only(PORTAL_ADMIN, hidden=403),
        post=only(PORTAL_ADMIN, ok=302, hidden=403),
        body=version_file_body,
        proof=K.PORTAL_ADMIN,
    ),
    "template-version": page(named(pk="journey_template.pk"), only(PORTAL_ADMIN, hidden=403)),
    "template-publish": Access(
        named(pk="draft_template.pk"),
        get=METHOD_NOT_ALLOWED,
        post=only(PORTAL_ADMIN, ok=302, hidden=403),
        body=publish_body,
        proof=K.PORTAL_ADMIN,
    ),
    "template-move": Access(
        named(pk="journey_template.pk"),
        get=only(PORTAL_ADMIN, hidden=403),
        post=only(PORTAL_ADMIN, hidden=403),
        body=move_body,
        proof=K.PORTAL_ADMIN,
    ),
    "criteria-version": page(named(pk="draft_criteria.pk"), only(PORTAL_ADMIN, hidden=403)),
    "criteria-publish": Access(
        named(pk="draft_criteria.pk"),
        get=METHOD_NOT_ALLOWED,
        post=only(PORTAL_ADMIN, ok=302, hidden=403),
        body=nothing,
        proof=K.PORTAL_ADMIN,
    ),
    "criteria-recheck": Access(
        named(pk="bsc_criterion.criteria_set_id"),
        get=METHOD_NOT_ALLOWED,
        post=only(PORTAL_ADMIN, ok=302, hidden=403),
        body=nothing,
        proof=K.PORTAL_ADMIN,
    ),
    "criteria-recheck-progress": Access(
        named(pk="bsc_criterion.criteria_set_id"),
        get=only(PORTAL_ADMIN, hidden=403),
        post=METHOD_NOT_ALLOWED,
    ),
}


# --- The world, built once for the module (tests/portal/access_matrix.py) ---------------------


def request(
    client: Client, world: World, name: str, method: str, body: Body | None = None
) -> HttpResponse:
    access = ACCESS[name]
    url = reverse(name, kwargs=access.args(world))
    body = body or access.body
    return send(client, url, method, body(world) if body and method == "POST" else None)


# --- The tests -----------------------------------------------------------------------------


def test_every_url_of_the_portal_has_an_entry():
    names = [pattern.name for pattern in portal_urls()]
    unnamed = [pattern.route for pattern in portal_urls() if not pattern.name]
    missing = sorted(set(names) - set(ACCESS) - {None})
    stale = sorted(set(ACCESS) - set(names))
    assert unnamed == [], f"Name these URLs so the access matrix can list them: {unnamed}"
    assert missing == [], f"Add these URLs to ACCESS in {__name__}: {missing}"
    assert stale == [], f"These ACCESS entries name no URL any more: {stale}"


CASES = [
    pytest.param(name, method, kind, id=f"{name}-{method}-{kind}")
    for name in ACCESS
    for method in ("GET", "POST")
    for kind in Kind
]


@pytest.mark.parametrize(("name", "method", "kind"), CASES)
def test_each_kind_of_user_gets_what_the_table_says(client, world, name, method, kind):
    """The status the table gives; after a refused POST, every table as it was; and no page
    that names an organisation this user may know nothing about."""
    access = ACCESS[name]
    rule = access.get if method == "GET" else access.post
    sign_in(client, world, kind)

    with CaptureQueriesContext(connection) as queries:
        response = request(client, world, name, method)

    expected = rule.expected(kind)
    assert outcome(response) == expected, (
        f"{method} {name} as {kind}: expected {expected}, got {outcome(response)} "
        f"{response.get('Location', '')}"
    )
    if method == "POST" and rule.refuses(kind):
        assert_nothing_changed(world, writes(queries), f"A refused POST to {name} as {kind}")
    if not access.discloses and not response.streaming:
        shown = response.content.decode(errors="replace")
        for organisation in hidden_organisations(world, kind):
            assert organisation.legal_name not in shown, f"{name} shows {organisation} to {kind}"
            assert str(organisation.public_id) not in shown


PROVEN = [name for name, access in ACCESS.items() if access.proof is not None]


@pytest.mark.parametrize("name", PROVEN)
def test_the_body_of_a_refused_post_changes_data_when_allowed(client, world, name):
    """Otherwise "nothing changed" after a refused POST could just mean the body was wrong."""
    access = ACCESS[name]
    assert access.body is not None and access.proof in access.post.allowed
    sign_in(client, world, access.proof)

    response = request(client, world, name, "POST")

    assert outcome(response) == access.post.ok
    assert changed_tables(world.baseline, fingerprint()) != [], f"{name}: nothing changed"


# --- Identifiers -----------------------------------------------------------------------------

# URL parameters that are not participant data, so need no unguessable identifier.
REFERENCE_PARAMETERS = {
    "meeting_date": "the date of a board meeting",
    "role_code": "a market role's code",
    "section_ref": "a section's number in the QAD template",
    "question_ref": "a question's number in the QAD template",
    "criterion_id": "a Code Body's assessment criterion, published reference data",
    "criterion_ref": "a criterion's ref in a Code Body's published criteria",
    "code": "a Code Body's code",
    "file_format": "csv or xlsx",
    "token": "a one-time secret sent by e-mail",
    "uidb64": "Django's password reset link, signed by its token",
}
# Versions of the QAD template and the criteria are reference data too.
VERSION_URLS = {
    "template-version",
    "template-publish",
    "template-move",
    "criteria-version",
    "criteria-publish",
    "criteria-recheck",
    "criteria-recheck-progress",
}
# Parts of a submission found inside the submission its UUID names (tested below).
SUB_OBJECTS = {
    ("revision-detail", "number"),
    ("conflict-resolve", "conflict_id"),
    ("clarification-answer", "clarification_id"),
    ("api-clarification-answer", "clarification_id"),
    ("evidence-remove", "link_id"),
    ("evidence-replace", "link_id"),
}


def test_participant_data_is_named_by_uuid():
    """An integer or a free string in a URL is guessable: one naming participant data must
    be a UUID, or a part of the object a UUID names in the same URL."""
    guessable = [
        f"{url.name}: {parameter}"
        for url in portal_urls()
        for parameter, converter in url_parameters(url.route).items()
        if converter != "uuid"
        and parameter not in REFERENCE_PARAMETERS
        and url.name not in VERSION_URLS
        and (url.name, parameter) not in SUB_OBJECTS
    ]
    assert guessable == []


@dataclass(frozen=True)
class Crossing:
    """A request that names one of A's objects and, inside the URL or in the body it posts,
    one of B's. `by` is a kind, or the consultant who works for both organisations (so
    that only the check that the second object belongs to the first stands in the way)."""

    name: str
    args: Args
    by: Kind | str = "consultant"
    method: str = "POST"
    body: Body | None = None
    expected: int = 404


def b_clarification_body(world: World) -> dict[str, Any]:
    return {f"clarification-{world.b.clarification.pk}-text": "Answered through A's QAD."}


def rely_on_b(world: World) -> dict[str, Any]:
    return {**rely_body(world), "item": str(world.b.evidence.public_id)}


def close_with_b_evidence(world: World) -> dict[str, Any]:
    return {
        **work_off_body(world),
        "status": "closed",
        "closure_evidence": str(world.b.evidence.public_id),
    }


def assign_to_rec(world: World) -> dict[str, Any]:
    return {"assignee": world.users[K.REC_ASSESSOR].pk}


def remove_b_membership(world: World) -> dict[str, Any]:
    membership = Membership.objects.get(user=world.consultant, organisation=world.b.organisation)
    return {"action": "remove_membership", "membership": membership.pk}


CROSSINGS = {
    "B's conflict inside A's QAD": Crossing(
        "conflict-resolve",
        named(public_id="a.clarified.public_id", conflict_id="b.conflict.pk"),
        body=keep_mine,
    ),
    "B's clarification inside A's QAD": Crossing(
        "clarification-answer",
        named(public_id="a.clarified.public_id", clarification_id="b.clarification.pk"),
        body=b_clarification_body,
    ),
    "B's evidence link removed through A's QAD": Crossing(
        "evidence-remove",
        named(public_id="a.draft.public_id", link_id="b.draft_link.pk"),
        body=nothing,
    ),
    "B's evidence link replaced through A's QAD": Crossing(
        "evidence-replace",
        named(public_id="a.draft.public_id", link_id="b.draft_link.pk"),
        body=replace_body,
    ),
    "a revision the submission does not have": Crossing(
        "revision-detail",
        named(public_id="a.reviewed.public_id", number=Fixed(2)),
        by=K.CONTRIBUTOR,
        method="GET",
    ),
    "another Code Body's criterion in the BSC's review": Crossing(
        "outcome-record",
        named(public_id="bsc_review.public_id", criterion_id="rec_criterion.pk"),
        by=K.BSC_LEAD,
        body=outcome_body,
    ),
    "B's evidence relied on in A's QAD": Crossing(
        "evidence-rely", uuid_of("a.draft"), body=rely_on_b, expected=302
    ),
    "B's evidence closing A's work-off item": Crossing(
        "work-off", uuid_of("a.reviewed.qualification"), body=close_with_b_evidence, expected=302
    ),
    "a REC assessor assigned to the BSC's review": Crossing(
        "review-assign", uuid_of("bsc_review"), by=K.BSC_LEAD, body=assign_to_rec, expected=302
    ),
    "another person's membership removed from this person's page": Crossing(
        "person",
        uuid_of("contributor"),
        by=K.PORTAL_ADMIN,
        body=remove_b_membership,
    ),
    "an invitation token nobody was sent": Crossing(
        "invitation-accept",
        named(token=Fixed("not-a-token-anyone-was-sent")),
        by=K.ANONYMOUS,
        body=invitation_body,
    ),
}


@pytest.mark.parametrize("case", CROSSINGS)
def test_an_identifier_reaches_only_objects_of_the_object_it_is_named_with(client, world, case):
    crossing = CROSSINGS[case]
    user = world.consultant if crossing.by == "consultant" else world.users.get(crossing.by)
    if user is not None:
        client.force_login(user)
    url = reverse(crossing.name, kwargs=crossing.args(world))

    with CaptureQueriesContext(connection) as queries:
        response = send(client, url, crossing.method, crossing.body and crossing.body(world))

    assert_nothing_changed(world, writes(queries), case)
    assert response.status_code == crossing.expected


def test_every_part_of_a_submission_in_a_url_is_tried_inside_another_submission():
    from tests.portal.api.test_access_matrix import API_CROSSINGS

    tried = {crossing.name for crossing in [*CROSSINGS.values(), *API_CROSSINGS.values()]}
    assert {name for name, _parameter in SUB_OBJECTS} <= tried


# --- Django's admin --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [K.ANONYMOUS, K.ORG_ADMIN, K.BSC_LEAD])
def test_people_who_are_not_staff_are_sent_to_the_admin_sign_in(client, world, kind):
    sign_in(client, world, kind)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_portal_admin_who_is_not_a_superuser_can_change_nothing_in_the_admin(client, world):
    """Portal admins invited through the portal are staff without model permissions: the
    admin opens but lists nothing, and no model's pages open (no self-promotion to
    superuser through the user pages)."""
    sign_in(client, world, K.PORTAL_ADMIN)

    index = client.get(reverse("admin:index"))
    users = client.get(reverse("admin:qualification_user_changelist"))
    promote = client.post(
        reverse("admin:qualification_user_change", args=[world.users[K.PORTAL_ADMIN].pk]),
        {"is_superuser": "on"},
    )

    assert index.status_code == 200
    assert index.context["app_list"] == []
    assert users.status_code == 403
    assert promote.status_code == 403


# --- Evidence named on pages that list an organisation's evidence ----------------------------

SEES_DRAFT_FILES = A_MEMBERS | PORTAL_ADMIN  # a draft's files are the participant's own
SEES_PACK_FILES = frozenset({K.ORG_ADMIN, K.PORTAL_ADMIN})  # A publishes the pack: its admins


@pytest.mark.parametrize("kind", sorted(SIGNED_IN))
@pytest.mark.parametrize(
    ("name", "qualification"),
    [
        ("work-off", "a.reviewed.qualification"),
        ("qualification-detail", "a.reviewed.qualification"),
        ("qualification-detail", "a.draft.qualification"),
    ],
)
def test_draft_evidence_and_pack_files_are_named_only_to_those_who_may_see_them(
    client, world, name, qualification, kind
):
    """The work-off page's closure evidence and the qualification page's activity name
    evidence through one rule (evidence.rules.visible_evidence): a Code Body sees what was
    submitted to it, never a draft's files or a pack A publishes."""
    draft_file = world.a.draft_link.item.title
    pack_file = world.pack.items.get().title
    sign_in(client, world, kind)
    response = client.get(reverse(name, kwargs=uuid_of(qualification)(world)))
    shown = response.content.decode(errors="replace")
    assert (draft_file in shown) <= (kind in SEES_DRAFT_FILES), f"{name} names {draft_file}"
    assert (pack_file in shown) <= (kind in SEES_PACK_FILES), f"{name} names {pack_file}"
    if name == "work-off" and kind == K.ORG_ADMIN:  # the one who edits the plan and sees both
        assert pack_file in shown and draft_file in shown, "the rule still lets them through"
