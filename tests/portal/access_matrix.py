"""The world the access-control matrix runs against, and the pieces its table is made of.

Two participants: organisation A, a Data Service (ADS, approved by the DIP Manager and the
BSC, not by the REC), with an object in every state a URL acts on; and organisation B, a
Supplier, whose objects are the identifiers that must never reach A's data. Every kind of
person who uses the portal is signed in as one user each.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from operator import attrgetter
from typing import Any, NamedTuple

import pytest
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.db.models import Max, Model
from django.http import HttpResponse
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from assessment.models import (
    Clarification,
    CriteriaSet,
    Criterion,
    CriterionOutcome,
    Report,
    Review,
    ServiceActivationStep,
    WorkOffItem,
)
from assessment.reports.services import qad_report_request
from assessment.services.clarifications import clarification_raise
from assessment.services.criteria import criteria_set_load
from assessment.services.decisions import approval_decide, approval_schedule
from assessment.services.reviews import (
    outcome_record,
    review_assign,
    review_send_clarifications,
)
from assessment.services.workoff import work_off_save
from evidence.enums import ScanState
from evidence.models import EvidenceItem, EvidenceLink, EvidencePack
from qad.enums import SubmissionState
from qad.models import AnswerConflict, QadTemplate, Question, Submission
from qad.services.answers import StaleAnswer, answer_save
from qad.services.signing import submission_sign
from qad.services.submissions import final_qad_start, submission_submit, submission_transition
from qad.services.templates import qad_template_load
from qualification.api_tokens import token_create
from qualification.enums import ApprovalOutcome, CodeBodyRole, QualificationState, Route
from qualification.models import ApiToken, Organisation, Qualification, RoleApproval, User, Wave
from qualification.people import invitation_create
from qualification.services import pqs_save, pqs_submit, qualification_transition
from tests.evidence.factories import evidence_item, link
from tests.module_builds import built_for_the_module
from tests.participants import Participant, declare, load_journey_template
from tests.qad.test_submit_and_sign import COMPLETE
from tests.qualification.factories import (
    PASSWORD,
    CodeBodyMemberFactory,
    MembershipFactory,
    UserFactory,
    code_body,
    member_of,
    start_qualification,
)
from tests.version_files import JOURNEY_CRITERIA, JOURNEY_TEMPLATE, as_bytes


class Kind(StrEnum):
    """Who is asking: one signed-in user of each kind (or nobody)."""

    ANONYMOUS = "anonymous"
    CONTRIBUTOR = "contributor"  # of organisation A, as are the next two
    SIGNATORY = "signatory"
    ORG_ADMIN = "org-admin"
    OTHER_ORG_ADMIN = "other-org-admin"  # organisation admin of B
    BSC_ASSESSOR = "bsc-assessor"
    BSC_LEAD = "bsc-lead"
    BSC_REVIEWER = "bsc-reviewer"
    REC_ASSESSOR = "rec-assessor"
    REC_LEAD = "rec-lead"
    REC_REVIEWER = "rec-reviewer"
    DIP_ASSESSOR = "dip-assessor"
    DIP_LEAD = "dip-lead"
    DIP_REVIEWER = "dip-reviewer"
    PORTAL_ADMIN = "portal-admin"


K = Kind
EVERYONE = frozenset(Kind)
SIGNED_IN = EVERYONE - {K.ANONYMOUS}
PORTAL_ADMIN = frozenset({K.PORTAL_ADMIN})
A_MEMBERS = frozenset({K.CONTRIBUTOR, K.SIGNATORY, K.ORG_ADMIN})
BSC = frozenset({K.BSC_ASSESSOR, K.BSC_LEAD, K.BSC_REVIEWER})
DIP = frozenset({K.DIP_ASSESSOR, K.DIP_LEAD, K.DIP_REVIEWER})
# A Data Service is approved by the DIP Manager and the BSC: the REC never sees its QAD.
A_ASSESSING = BSC | DIP
A_ACTING = frozenset({K.BSC_ASSESSOR, K.BSC_LEAD, K.DIP_ASSESSOR, K.DIP_LEAD})
A_LEADS = frozenset({K.BSC_LEAD, K.DIP_LEAD})
ALL_LEADS = A_LEADS | {K.REC_LEAD}
SEES_A = A_MEMBERS | A_ASSESSING | PORTAL_ADMIN
# A QAD never yet submitted is the participant's own working copy.
SEES_A_DRAFT = A_MEMBERS | PORTAL_ADMIN
# B is a Supplier: all three Code Bodies assess it; of the kinds, only A's people do not see it.
SEES_B = SIGNED_IN - A_MEMBERS

BODY_ROLES = {
    "BSC": {
        K.BSC_ASSESSOR: CodeBodyRole.ASSESSOR,
        K.BSC_LEAD: CodeBodyRole.LEAD_ASSESSOR,
        K.BSC_REVIEWER: CodeBodyRole.REVIEWER,
    },
    "REC": {
        K.REC_ASSESSOR: CodeBodyRole.ASSESSOR,
        K.REC_LEAD: CodeBodyRole.LEAD_ASSESSOR,
        K.REC_REVIEWER: CodeBodyRole.REVIEWER,
    },
    "DIP": {
        K.DIP_ASSESSOR: CodeBodyRole.ASSESSOR,
        K.DIP_LEAD: CodeBodyRole.LEAD_ASSESSOR,
        K.DIP_REVIEWER: CodeBodyRole.REVIEWER,
    },
}

PROCESS_NOTE = b"Settlement operations: daily checks of DIP message queues.\n"
ANSWER_IN_CONFLICT = "A second wording of the operating model."


@dataclass
class Side:
    """One organisation's objects, each in the state the URLs that name it act on."""

    organisation: Organisation
    # An Initial QAD being written, complete and clean: it can be saved, added to, submitted.
    draft: Submission
    draft_link: EvidenceLink
    # A submitted Initial QAD under review by the BSC, with a drafted clarification.
    reviewed: Submission
    evidence: EvidenceItem
    # An Initial QAD sent back with an open clarification, an unresolved edit conflict, and a
    # file with personal data findings to explain.
    clarified: Submission
    clarification: Clarification
    conflict: AnswerConflict
    flagged: EvidenceItem


@dataclass
class World:
    """Organisation A's objects (the URLs' arguments), B's, and a user of each kind."""

    users: dict[Kind, User]
    consultant: User  # a contributor of both A and B
    a: Side
    b: Side
    bsc_review: Review
    bsc_criterion: Criterion
    rec_criterion: Criterion
    report: Report
    old_version_qualification: Qualification  # still on the shipped QAD v3.01
    final: Submission  # agreed complete, waiting for the Director's signature
    approval: RoleApproval  # the DIP Manager's decision on a signed QAD, pending
    activation_step: ServiceActivationStep
    pqs_draft: Qualification
    pqs_submitted: Qualification
    pack: EvidencePack
    wave: Wave
    journey_template: QadTemplate
    draft_template: QadTemplate
    draft_criteria: CriteriaSet
    invitation_token: str
    reset_user: User
    # Every table as the world left it, to compare with after a refused request.
    baseline: dict[str, Any] = field(default_factory=dict)
    # A read and write API token of each kind of user (its secret), and a read-only one of the
    # contributor's: the API's own matrix (tests/portal/api/test_access_matrix.py).
    api_secrets: dict[Kind, str] = field(default_factory=dict)
    read_only_secret: str = ""
    consultant_secret: str = ""  # a read and write token of the contributor of A and B
    api_token: ApiToken | None = None  # the contributor's read and write token

    @property
    def contributor(self) -> User:
        return self.users[K.CONTRIBUTOR]

    @property
    def password_reset(self) -> dict[str, str]:
        return {
            "uidb64": urlsafe_base64_encode(force_bytes(self.reset_user.pk)),
            "token": default_token_generator.make_token(self.reset_user),
        }


def fill(submission: Submission, by: User, answers: dict[str, Any] = COMPLETE) -> None:
    revision = submission.revisions.order_by("-number").first()
    for ref, value in answers.items():
        answer = revision.answers.select_related("question").get(question__ref=ref)
        answer_save(answer=answer, value=value, expected_version=answer.version, by=by)


def question(submission: Submission, ref: str) -> Question:
    return submission.template.questions.get(ref=ref)


def _file(submission: Submission, by: User, name: str, **state) -> EvidenceItem:
    content = PROCESS_NOTE + f"{submission.public_id} {name}\n".encode()
    return evidence_item(
        content,
        name=name,
        evidence_type="process_document",
        organisation=submission.qualification.organisation,
        submission=submission,
        uploaded_by=by,
        **state,
    )


def _start(organisation: Organisation, role: str, admin: User, **options) -> Qualification:
    return start_qualification(
        organisation=organisation, role_codes=(role,), created_by=admin, **options
    )


def _submitted(organisation: Organisation, role: str, member: User, admin: User) -> Submission:
    """An Initial QAD answered, with a clean file on 4.5, and submitted."""
    submission = _start(organisation, role, admin).submissions.get()
    fill(submission, member)
    item = _file(submission, member, "procedures.txt")
    link(submission.revisions.get(), "4.5", item, by=member)
    submission_submit(submission=submission, by=admin, revision_number=1)
    return submission


def _body_review(submission: Submission, code: str) -> Review:
    return Review.objects.get(submission=submission, code_body__code=code)


def _side(
    participant: Participant, role: str, bsc: dict[Kind, User], *, conflict_by: User
) -> tuple[Side, Review]:
    organisation, admin, member = (
        participant.organisation,
        participant.admin,
        participant.contributor,
    )
    draft = _start(organisation, role, admin).submissions.get()
    fill(draft, member)
    draft_link = link(draft.revisions.get(), "4.5", _file(draft, member, "draft.txt"), by=member)

    reviewed = _submitted(organisation, role, member, admin)
    bsc_review = _body_review(reviewed, "BSC")
    review_assign(review=bsc_review, assignee=bsc[K.BSC_ASSESSOR], by=bsc[K.BSC_LEAD])
    for criterion in bsc_review.code_body.criteria_sets.get(version="99.0").criteria.all():
        outcome_record(
            review=bsc_review,
            criterion=criterion,
            outcome=CriterionOutcome.Outcome.MET,
            comment="",
            by=bsc[K.BSC_ASSESSOR],
        )
    clarification_raise(
        submission=reviewed,
        question=question(reviewed, "3.1"),
        code_body=bsc_review.code_body,
        text="Which provider runs the settlement platform?",
        by=bsc[K.BSC_ASSESSOR],
    )

    clarified = _submitted(organisation, role, member, admin)
    asked = _body_review(clarified, "BSC")
    outcome_record(
        review=asked,
        criterion=asked.code_body.criteria_sets.get(version="99.0").criteria.get(ref="BSC-3"),
        outcome=CriterionOutcome.Outcome.CLARIFICATION,
        comment="Name the provider that runs settlement.",
        by=bsc[K.BSC_ASSESSOR],
        clarification_question=question(clarified, "3.1"),
    )
    review_send_clarifications(review=asked, by=bsc[K.BSC_ASSESSOR])
    clarified.refresh_from_db()
    reopened = clarified.revisions.order_by("-number").first()
    answer = reopened.answers.select_related("question").get(question__ref="3.1")
    started_from = answer.version
    colleague = admin if conflict_by != admin else member
    answer = answer_save(
        answer=answer,
        value="Our provider runs settlement.",
        expected_version=started_from,
        by=colleague,
    )
    try:
        # Saved over the version the colleague has just changed: kept as a conflict.
        answer_save(
            answer=answer, value=ANSWER_IN_CONFLICT, expected_version=started_from, by=conflict_by
        )
    except StaleAnswer as stale:
        conflict = stale.conflict
    flagged = _file(
        clarified,
        member,
        "contacts.csv",
        scan_state=ScanState.NEEDS_ATTENTION,
        findings_total=1,
    )
    side = Side(
        organisation=organisation,
        draft=draft,
        draft_link=draft_link,
        reviewed=reviewed,
        evidence=reviewed.evidence.get(),
        clarified=clarified,
        clarification=Clarification.objects.get(submission=clarified),
        conflict=conflict,
        flagged=flagged,
    )
    return side, bsc_review


def _agreed_final(organisation: Organisation, role: str, member: User, admin: User) -> Submission:
    """The Final QAD agreed complete by every Code Body, waiting for the signature."""
    initial = _submitted(organisation, role, member, admin)
    final = final_qad_start(qualification=initial.qualification, by=admin)
    declare(final, by=admin)
    submission_submit(submission=final, by=admin, revision_number=1)
    for target in (SubmissionState.UNDER_REVIEW, SubmissionState.AGREED_COMPLETE):
        submission_transition(submission=final, target=target, actor=None)
    qualification_transition(
        qualification=final.qualification,
        target=QualificationState.AWAITING_SIGNATURE,
        actor=None,
    )
    final.refresh_from_db()
    return final


def _signed(
    organisation: Organisation, role: str, member: User, admin: User, signatory: User
) -> Qualification:
    """Signed by the Director: waiting for the approvers' decisions."""
    final = _agreed_final(organisation, role, member, admin)
    submission_sign(submission=final, user=signatory, password=PASSWORD, declaration_confirmed=True)
    return final.qualification


def _approval(qualification: Qualification, code: str) -> RoleApproval:
    return RoleApproval.objects.get(
        qualification_role__qualification=qualification, code_body__code=code
    )


def build_world() -> World:
    """Everything the matrix's URLs name, built through the services as the portal builds it."""
    users: dict[Kind, User] = {}
    a = Participant("Brightwatt Data Services Ltd", role_codes=("ADS",))
    # Started before the journey QAD is published, so it can be moved onto it.
    old_version_qualification = a.qualification
    journey_template = load_journey_template()
    b = Participant("Northwind Energy Supply Ltd")
    users[K.CONTRIBUTOR], users[K.SIGNATORY], users[K.ORG_ADMIN] = (
        a.contributor,
        a.signatory,
        a.admin,
    )
    users[K.OTHER_ORG_ADMIN] = b.admin
    for code, kinds in BODY_ROLES.items():
        for kind, role in kinds.items():
            users[kind] = CodeBodyMemberFactory(
                code_body=code_body(code),
                role=role,
                user__full_name=f"{code} {role.label}",
                user__email=f"{kind}@{code.lower()}.example",
            ).user
    users[K.PORTAL_ADMIN] = UserFactory(
        full_name="Priya Nair", email="admin@qad-portal.example", is_staff=True
    )
    # A consultant writes QADs for both organisations: each URL still reaches only the
    # objects of the organisation it names.
    consultant = member_of(a.organisation, full_name="Sam Consultant")
    MembershipFactory(organisation=b.organisation, user=consultant)

    a_side, bsc_review = _side(a, "ADS", users, conflict_by=a.contributor)
    b_side, _b_review = _side(b, "SUP", users, conflict_by=consultant)

    with TestCase.captureOnCommitCallbacks(execute=True):
        report = qad_report_request(revision=a_side.reviewed.revisions.get(), by=a.admin)
    report.refresh_from_db()
    work_off_save(
        qualification=a_side.reviewed.qualification,
        by=a.contributor,
        defect_reference="DEF-1",
        description="Estimation of missing reads fails for one profile class.",
        owner="Settlement team",
        due_date=dt.date(2026, 12, 31),
        status=WorkOffItem.Status.OPEN,
        required=True,
    )

    final = _agreed_final(a.organisation, "ADS", a.contributor, a.admin)
    awaiting = _signed(a.organisation, "ADS", a.contributor, a.admin, a.signatory)
    activating = _signed(a.organisation, "ADS", a.contributor, a.admin, a.signatory)
    approval_decide(
        approval=_approval(activating, "DIP"),
        outcome=ApprovalOutcome.APPROVED,
        by=users[K.DIP_LEAD],
    )
    approval_schedule(
        approval=_approval(activating, "BSC"),
        meeting_date=timezone.localdate(),
        by=users[K.BSC_LEAD],
    )
    approval_decide(
        approval=_approval(activating, "BSC"),
        outcome=ApprovalOutcome.APPROVED,
        by=users[K.BSC_LEAD],
    )

    wave = Wave.objects.create(
        code="W9",
        name="Wave 9",
        testing_starts=dt.date(2026, 3, 2),
        testing_ends=dt.date(2026, 5, 29),
    )
    pqs_draft = _start(a.organisation, "ADS", a.admin, route=Route.QT)
    pqs_submitted = _start(a.organisation, "ADS", a.admin, route=Route.QT)
    saved = pqs_save(
        pre_qualification=pqs_submitted.pre_qualification,
        by=a.admin,
        preferred_wave=wave,
        pit_approach="in_house",
        pit_starts=dt.date(2025, 9, 1),
        pit_ends=dt.date(2025, 12, 19),
        target_migration_date=dt.date(2026, 9, 1),
    )
    pqs_submit(pre_qualification=saved, by=a.admin)

    pack = EvidencePack.objects.create(publisher=a.organisation, name="Brightwatt platform QT")
    evidence_item(
        b"platform qt report",
        name="qt.pdf",
        evidence_type="process_document",
        organisation=a.organisation,
        pack=pack,
        uploaded_by=a.admin,
    )
    _invitation, invitation_token = invitation_create(
        email="new.colleague@brightwatt.example",
        full_name="New Colleague",
        organisation=a.organisation,
        membership_role="contributor",
        by=users[K.PORTAL_ADMIN],
    )
    draft_template = qad_template_load(
        filename="journey-99.1.yaml",
        content=as_bytes({**JOURNEY_TEMPLATE, "version": "99.1", "title": "Journey QAD v99.1"}),
        publish=False,
    ).version
    draft_criteria = criteria_set_load(
        filename="journey-bsc-99.1.yaml",
        content=as_bytes({**JOURNEY_CRITERIA["BSC"], "version": "99.1"}),
        publish=False,
    ).version
    # Newer BSC criteria published while the reviews are under way: they keep 99.0 until the
    # lead assessor moves them.
    criteria_set_load(
        filename="journey-bsc-99.2.yaml",
        content=as_bytes({**JOURNEY_CRITERIA["BSC"], "version": "99.2"}),
        publish=True,
    )
    bsc_criteria = bsc_review.code_body.criteria_sets.get(version="99.0")
    # B, a Supplier, asks for the Smart Meter Segment exemption (P476): the BSC and the REC
    # each record their decision on it.
    Qualification.objects.filter(pk=b_side.reviewed.qualification_id).update(
        sms_exemption_requested=True
    )
    b_side.reviewed.qualification.refresh_from_db()
    made = {
        kind: token_create(
            user=user,
            name=f"{kind} tracker",
            expires_on=timezone.localdate() + dt.timedelta(days=30),
            scope=ApiToken.Scope.READ_WRITE,
            verified=True,
        )
        for kind, user in users.items()
    }
    read_only = token_create(
        user=users[K.CONTRIBUTOR],
        name="Reporting",
        expires_on=timezone.localdate() + dt.timedelta(days=30),
        scope=ApiToken.Scope.READ,
        verified=True,
    )
    consultant_token = token_create(
        user=consultant,
        name="Consultancy tracker",
        expires_on=timezone.localdate() + dt.timedelta(days=30),
        scope=ApiToken.Scope.READ_WRITE,
        verified=True,
    )
    return World(
        consultant_secret=consultant_token.secret,
        api_secrets={kind: found.secret for kind, found in made.items()},
        read_only_secret=read_only.secret,
        api_token=made[K.CONTRIBUTOR].token,
        users=users,
        consultant=consultant,
        a=a_side,
        b=b_side,
        bsc_review=bsc_review,
        bsc_criterion=bsc_criteria.criteria.get(ref="BSC-3"),
        rec_criterion=Criterion.objects.get(
            criteria_set__code_body__code="REC", criteria_set__version="99.0", ref="REC-3"
        ),
        report=report,
        old_version_qualification=old_version_qualification,
        final=final,
        approval=_approval(awaiting, "DIP"),
        activation_step=ServiceActivationStep.objects.filter(
            qualification_role__qualification=activating
        )
        .order_by("position")
        .first(),
        pqs_draft=pqs_draft,
        pqs_submitted=pqs_submitted,
        pack=pack,
        wave=wave,
        journey_template=journey_template,
        draft_template=draft_template,
        draft_criteria=draft_criteria,
        invitation_token=invitation_token,
        reset_user=b.contributor,
    )


# --- The URLs of the portal ------------------------------------------------------------------


class PortalUrl(NamedTuple):
    name: str | None
    route: str  # the whole path, e.g. "submissions/<uuid:public_id>/sign/"


def portal_urls(patterns: list | None = None, prefix: str = "") -> Iterator[PortalUrl]:
    """Every URL of the portal, walked from the root URLconf; Django's admin protects its own
    pages and is left out."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            yield from portal_urls(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield PortalUrl(entry.name, prefix + str(entry.pattern))


PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def url_parameters(route: str) -> dict[str, str]:
    """{parameter: converter} of one URL's route, e.g. {"public_id": "uuid"}."""
    return {match["name"]: match["converter"] or "str" for match in PARAMETER.finditer(route)}


# --- Has anything changed? --------------------------------------------------------------------

# Signing in touches these and nothing else: they are not what a refused request may change.
IGNORED_TABLES = {"django_session"}
IGNORED_COLUMNS = {"last_login", "last_used_at"}  # of a user, of an API token
# Reference content loaded with a version (hundreds of rows, only ever added to): counted.
COUNTED_ONLY = {
    "qad.Question",
    "qad.Section",
    "qad.EvidenceType",
    "assessment.Criterion",
    "assessment.Criterion_questions",
}


def fingerprint() -> dict[str, Any]:
    """Every row of every table, reduced to a digest per table (counts and highest key for
    the bulky version content), so that any write a refused request made shows up."""
    prints: dict[str, Any] = {}
    for model in _models():
        label = model._meta.label
        if label in COUNTED_ONLY:
            prints[label] = model.objects.aggregate(top=Max("pk")) | {"rows": model.objects.count()}
            continue
        columns = [
            f.attname for f in model._meta.concrete_fields if f.attname not in IGNORED_COLUMNS
        ]
        rows = model.objects.order_by("pk").values_list(*columns)
        prints[label] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return prints


def _models() -> list[type[Model]]:
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table in IGNORED_TABLES or not model._meta.managed:
            continue
        found.append(model)
    return found


def changed_tables(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(
        label for label in before.keys() | after.keys() if before.get(label) != after.get(label)
    )


# --- What each kind of user gets ---------------------------------------------------------------

LOGIN = "sign in"  # a redirect to the sign-in page, which comes back to the URL afterwards


@dataclass(frozen=True)
class Rule:
    """Who may make one request (the GET or the POST of one URL), and what everyone else gets.

    `allowed` get `ok`. Of the others, those in `seen_by` (who may know the object exists)
    get `denied`; everyone else gets `hidden`, by default 404: another organisation's object
    does not exist for them. Someone signed out is sent to sign in, unless `anonymous` says
    otherwise (or they are allowed).
    """

    allowed: frozenset[Kind]
    ok: int = 200
    seen_by: frozenset[Kind] = frozenset()
    denied: int = 403
    hidden: int = 404
    anonymous: int | str | None = None

    def expected(self, kind: Kind) -> int | str:
        if kind is K.ANONYMOUS and self.anonymous is not None:
            return self.anonymous
        if kind in self.allowed:
            return self.ok
        if kind is K.ANONYMOUS:
            return LOGIN
        if kind in self.seen_by:
            return self.denied
        return self.hidden

    def refuses(self, kind: Kind) -> bool:
        return kind not in self.allowed


def only(
    allowed: frozenset[Kind] | set[Kind],
    *,
    ok: int = 200,
    seen_by: frozenset[Kind] | set[Kind] = frozenset(),
    denied: int = 403,
    hidden: int = 404,
    anonymous: int | str | None = None,
) -> Rule:
    return Rule(frozenset(allowed), ok, frozenset(seen_by), denied, hidden, anonymous)


# The view only takes the other method (require_POST / require_GET): 405 for everyone.
METHOD_NOT_ALLOWED = Rule(frozenset(), hidden=405, anonymous=405)
# The view asks people to sign in first, then answers this method with 404.
NOT_FOUND = Rule(frozenset(), hidden=404)


class Json(dict):
    """A POST body sent as application/json rather than as a form."""


Args = Callable[[World], dict[str, Any]]
Body = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Access:
    """One URL of the portal: the objects its arguments name, and who may GET and POST it.

    `body` is what a POST sends: the fields the view's form expects, so that a missing
    permission check would change something. `proof` is a kind of user for whom exactly
    that POST does change something, which shows the body is not refused for being wrong.
    """

    args: Args
    get: Rule
    post: Rule
    body: Body | None = None
    proof: Kind | None = None
    # Why the page may show an organisation to someone who cannot otherwise see it.
    discloses: str = ""


def page(args: Args, rule: Rule, **options: Any) -> Access:
    """A page that only reads: a POST shows it again, to the same people, and changes nothing."""
    return Access(args, get=rule, post=rule, **options)


@dataclass(frozen=True)
class Fixed:
    """A URL argument given as it is rather than read off the world."""

    value: Any


def named(**paths: str | Fixed) -> Args:
    """URL arguments read off the world, e.g. named(public_id="a.draft.public_id")."""

    def args(world: World) -> dict[str, Any]:
        return {
            key: path.value if isinstance(path, Fixed) else attrgetter(path)(world)
            for key, path in paths.items()
        }

    return args


def uuid_of(path: str) -> Args:
    return named(public_id=f"{path}.public_id")


NO_ARGS = named()


# --- Sending requests and reading the answers --------------------------------------------------


def sign_in(client: Client, world: World, kind: Kind) -> None:
    if kind is not K.ANONYMOUS:
        client.force_login(world.users[kind])


def send(client: Client, url: str, method: str, body: dict[str, Any] | None) -> HttpResponse:
    if method == "GET":
        return client.get(url)
    if isinstance(body, Json):
        return client.post(url, json.dumps(body), content_type="application/json")
    return client.post(url, body or {})


def outcome(response: HttpResponse) -> int | str:
    """The status, or LOGIN for a redirect to the sign-in page that comes back here."""
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith(f"{reverse('login')}?next="):
        return LOGIN
    return response.status_code


def hidden_organisations(world: World, kind: Kind) -> list[Organisation]:
    """The organisations this kind of user may know nothing about."""
    hidden = []
    if kind not in SEES_A:
        hidden.append(world.a.organisation)
    if kind not in SEES_B:
        hidden.append(world.b.organisation)
    return hidden


WRITE = re.compile(r'^\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.IGNORECASE)


def writes(queries: CaptureQueriesContext) -> list[str]:
    """The statements of a request that wrote to a table (the session aside)."""
    written = []
    for query in queries.captured_queries:
        match = WRITE.match(query["sql"])
        if match and match.group(1) not in IGNORED_TABLES:
            written.append(query["sql"][:200])
    return written


def assert_nothing_changed(world: World, statements: list[str], what: str) -> None:
    # Without a write statement nothing can have changed; after one, the tables decide (a
    # write undone by a rolled-back savepoint changed nothing).
    if not statements:
        return
    changed = changed_tables(world.baseline, fingerprint())
    assert changed == [], f"{what} changed {changed}; it wrote:\n" + "\n".join(statements)


# --- The world, built once for each module that uses it -----------------------------------------


# Fixtures for the modules that import them (by these names, under the names pytest knows).


@pytest.fixture(scope="module", name="world_media")
def world_media_fixture(tmp_path_factory):
    return tmp_path_factory.mktemp("matrix-media")


@pytest.fixture(scope="module", name="world")
def world_fixture(django_db_setup, django_db_blocker, world_media) -> Iterator[World]:
    """Built once for the module; each test runs in a savepoint of its own on top of it, so
    even an allowed POST leaves it as it was."""
    yield from built_for_the_module(_world_with_its_baseline, django_db_blocker, world_media)


def _world_with_its_baseline() -> World:
    built = build_world()
    built.baseline = fingerprint()
    return built


@pytest.fixture(autouse=True, name="media_root")
def matrix_media_root(settings, world_media):
    """The world's files stay where it stored them (tests/conftest.py gives each test a fresh
    folder)."""
    settings.MEDIA_ROOT = world_media
