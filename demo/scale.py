"""A programme-sized data set for measuring the portal: hundreds of participants, each with a
fully answered QAD, 200 evidence files, reviews in every state and automated check results.

Built with bulk inserts, not through the services one change at a time (which would take
hours): every row is what the services would have written, and the figures the pages show
(completeness, content hashes, check fingerprints) are computed by the same code the
services use. Evidence content is a small pool of real files stored once and shared, as the
portal itself stores identical content once.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from assessment import models as assessment_models
from assessment.enums import CheckRunStatus
from assessment.services.activation import activation_start
from assessment.services.checks import check_plans, checks_run_all
from demo.world import ensure_versions, ensure_waves, sample_value
from evidence import models as evidence_models
from evidence.enums import MalwareState, ScanState
from evidence.storage import store
from qad import models as qad_models
from qad.content_hash import revision_content_hash
from qad.enums import SubmissionStage, SubmissionState, VersionStatus
from qad.services.answers import question_complete
from qad.services.signing import declaration_for
from qualification import models as qualification_models
from qualification.enums import (
    ApprovalOutcome,
    CodeBodyRole,
    MembershipRole,
    PreQualificationState,
    QualificationState,
    Route,
    SignatoryCapacity,
)

NAME_PREFIX = "Scale Participant"
EMAIL_DOMAIN = "scale.example"
EVIDENCE_PER_ORGANISATION = 200
ASSESSORS_PER_BODY = 3

# Which market roles each participant seeks, in turn (most have a BSC role, so that the BSC
# work queue carries nearly every submission, as it does in the programme).
ROLE_SETS: tuple[tuple[str, ...], ...] = (
    ("SUP",),
    ("ADS", "SDS"),
    ("SUP",),
    ("LDSO",),
    ("UMSDS",),
    ("MSA", "MSS"),
    ("SUP",),
    ("ADS",),
)


class ScaleAlreadyLoaded(Exception):
    """The data set is in this database already; it is built once per database."""


@dataclass(frozen=True)
class Scenario:
    """Where a participant stands: the stage reached and each review's state."""

    name: str
    qualification_state: str
    initial_state: str
    initial_revisions: int = 1  # 2: a second revision answers clarifications
    final_state: str | None = None  # a Final QAD exists in this state
    review_state: str | None = None  # of the reviews of the submission under review
    outcomes_share: float = 0.0  # of applicable criteria with an outcome recorded
    approvals: str = ApprovalOutcome.PENDING


S = SubmissionState
R = assessment_models.Review.State
SCENARIOS: tuple[Scenario, ...] = (
    Scenario("drafting", QualificationState.TESTING, S.DRAFT),
    Scenario("submitted", QualificationState.TESTING, S.SUBMITTED, review_state=R.WAITING),
    Scenario(
        "in review",
        QualificationState.TESTING,
        S.UNDER_REVIEW,
        review_state=R.IN_REVIEW,
        outcomes_share=0.4,
    ),
    Scenario(
        "clarification requested",
        QualificationState.TESTING,
        S.CLARIFICATION_REQUESTED,
        initial_revisions=2,
        review_state=R.AWAITING_PARTICIPANT,
        outcomes_share=0.7,
    ),
    Scenario(
        "clarifications answered",
        QualificationState.TESTING,
        S.UNDER_REVIEW,
        initial_revisions=2,
        review_state=R.WAITING,
        outcomes_share=0.7,
    ),
    Scenario(
        "final QAD drafting",
        QualificationState.FINAL_QAD,
        S.AGREED_COMPLETE,
        final_state=S.DRAFT,
        review_state=R.COMPLETE,
        outcomes_share=1.0,
    ),
    Scenario(
        "final QAD submitted",
        QualificationState.FINAL_QAD,
        S.AGREED_COMPLETE,
        final_state=S.SUBMITTED,
        review_state=R.WAITING,
    ),
    Scenario(
        "awaiting signature",
        QualificationState.AWAITING_SIGNATURE,
        S.AGREED_COMPLETE,
        final_state=S.AGREED_COMPLETE,
        review_state=R.COMPLETE,
        outcomes_share=1.0,
    ),
    Scenario(
        "awaiting approval",
        QualificationState.AWAITING_APPROVAL,
        S.AGREED_COMPLETE,
        final_state=S.SIGNED,
        review_state=R.COMPLETE,
        outcomes_share=1.0,
        approvals=ApprovalOutcome.SCHEDULED,
    ),
    Scenario(
        "service activation",
        QualificationState.SERVICE_ACTIVATION,
        S.AGREED_COMPLETE,
        final_state=S.SIGNED,
        review_state=R.COMPLETE,
        outcomes_share=1.0,
        approvals=ApprovalOutcome.APPROVED,
    ),
)
# Out of every 20 participants: how many stand in each scenario, in SCENARIOS order.
SCENARIO_MIX = (3, 4, 4, 2, 1, 2, 1, 1, 1, 1)
SCENARIO_CYCLE = tuple(
    scenario for scenario, n in zip(SCENARIOS, SCENARIO_MIX, strict=True) for _ in range(n)
)


@dataclass
class ScaleReport:
    organisations: int = 0
    users: int = 0
    answers: int = 0
    evidence_items: int = 0
    evidence_links: int = 0
    reviews: int = 0
    check_runs: int = 0
    check_results: int = 0
    scenarios: dict[str, int] = field(default_factory=dict)
    timings: list[tuple[str, float]] = field(default_factory=list)
    password: str = ""


# ---------------------------------------------------------------- the evidence pool


@dataclass(frozen=True)
class PoolFile:
    name: str
    content_type: str
    content: bytes
    scan_state: str = ScanState.CLEAN
    reasons: tuple[str, ...] = ()
    findings: tuple[dict, ...] = ()


def _csv(rows: Iterable[Iterable[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def _xlsx(rows: Iterable[Iterable[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "RTTM"
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pdf(title: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title, "/CreationDate": "D:20260105090000Z"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 79, 138)).save(out, format="PNG")
    return out.getvalue()


def evidence_pool() -> dict[str, list[PoolFile]]:
    """{evidence type: files of that kind}; "" holds files that suit any type."""
    log_rows = [("test case", "scenario", "result", "executed on")]
    log_rows += [
        (f"TC-{n:03d}", f"Scenario {n % 7 + 1}", "passed" if n % 9 else "failed", "2026-01-12")
        for n in range(1, 41)
    ]
    return {
        "test_execution_log": [
            PoolFile("PIT execution log.csv", "text/csv", _csv(log_rows)),
            PoolFile("QT execution log.csv", "text/csv", _csv(log_rows[:1] + log_rows[:0:-1])),
        ],
        "defect_log": [
            PoolFile(
                "Defect log.csv",
                "text/csv",
                _csv(
                    [("defect", "severity", "status", "due")]
                    + [(f"DEF-{n}", "Medium", "Open", "2026-12-31") for n in range(1, 6)]
                ),
            )
        ],
        "rttm": [
            PoolFile(
                "RTTM.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                _xlsx(
                    [("requirement", "test case", "result")]
                    + [(f"REQ-{n:03d}", f"TC-{n:03d}", "passed") for n in range(1, 41)]
                ),
            )
        ],
        "training_record": [
            PoolFile(
                "Training record.csv",
                "text/csv",
                _csv([("course", "completed")] + [(f"MHHS module {n}", "yes") for n in range(8)]),
            )
        ],
        "test_completion_report": [
            PoolFile("Test completion report.pdf", "application/pdf", _pdf("Test completion"))
        ],
        "nfr_test_results": [PoolFile("NFR results.png", "image/png", _png())],
        "": [
            PoolFile(
                "Operating procedures.txt",
                "text/plain",
                b"Settlement operations: daily checks of DIP message queues; escalation to the "
                b"Settlement Manager within one working day.\n",
            ),
            PoolFile("Controls and policy.pdf", "application/pdf", _pdf("Controls and policy")),
        ],
    }


# Files that show the states a draft's register must handle. Submitted revisions hold only
# files that passed the checks (the checklist stops anything else from being submitted).
PROBLEM_FILES = (
    PoolFile(
        "Contact list.txt",
        "text/plain",
        b"Escalation contacts for migration weekend.\n",
        scan_state=ScanState.NEEDS_ATTENTION,
        findings=(
            {"kind": "email", "label": "E-mail address", "location": "line 2", "preview": "j***@"},
            {"kind": "phone", "label": "Phone number", "location": "line 3", "preview": "07***"},
        ),
    ),
    PoolFile(
        "Archive.zip", "application/zip", b"PK\x05\x06" + bytes(18), scan_state=ScanState.PENDING
    ),
    PoolFile(
        "Macro sheet.xlsm",
        "application/octet-stream",
        b"not really a workbook",
        scan_state=ScanState.REJECTED,
        reasons=("Files of this type (.xlsm) are not accepted.",),
    ),
)


def _store_pool(
    files: Iterable[PoolFile], *, now: dt.datetime
) -> dict[str, evidence_models.StoredFile]:
    """{file name: stored file}: content stored once, found by its hash if already there."""
    stored: dict[str, evidence_models.StoredFile] = {}
    for pool_file in files:
        sha256 = hashlib.sha256(pool_file.content).hexdigest()
        existing = evidence_models.StoredFile.objects.filter(sha256=sha256).first()
        if existing is None:
            existing = evidence_models.StoredFile.objects.create(
                sha256=sha256,
                size=len(pool_file.content),
                storage_name=store(ContentFile(pool_file.content), sha256=sha256),
                content_type=pool_file.content_type,
                scan_state=pool_file.scan_state,
                malware_state=""
                if pool_file.scan_state == ScanState.PENDING
                else MalwareState.NOT_SCANNED,
                reasons=list(pool_file.reasons),
                findings=list(pool_file.findings),
                findings_total=len(pool_file.findings),
                scan_attempts=0 if pool_file.scan_state == ScanState.PENDING else 1,
                scanned_at=None if pool_file.scan_state == ScanState.PENDING else now,
            )
        stored[pool_file.name] = existing
    return stored


# ---------------------------------------------------------------- the template, in memory


@dataclass(frozen=True)
class TemplateShape:
    """The questions that apply to one combination of roles, route and facts."""

    questions: list[qad_models.Question]
    evidence_slots: list[tuple[qad_models.Question, str]]  # (question, expected evidence type)


class TemplateIndex:
    def __init__(self, template: qad_models.QadTemplate):
        self.template = template
        self.sections = list(
            qad_models.Section.objects.filter(template=template).order_by("position")
        )
        self.questions = list(
            qad_models.Question.objects.filter(template=template)
            .select_related("section")
            .order_by("position")
        )
        self._shapes: dict[tuple, TemplateShape] = {}

    def shape(
        self,
        *,
        role_codes: tuple[str, ...],
        route: str,
        conditions: frozenset[str],
        stage: str = SubmissionStage.INITIAL,
    ):
        """The questions a QAD of `stage` asks (the declaration only in the Final QAD)."""
        key = (role_codes, route, conditions, stage)
        if key not in self._shapes:
            facts = {
                "role_codes": role_codes,
                "route": route,
                "conditions": conditions,
                "stage": stage,
            }
            sections = {s.pk for s in self.sections if s.applies_to(**facts)}
            questions = [
                q for q in self.questions if q.section_id in sections and q.applies_to(**facts)
            ]
            slots = [(q, e["type"]) for q in questions for e in q.evidence]
            if not slots:  # every question can carry supporting evidence
                slots = [(q, "process_document") for q in questions]
            self._shapes[key] = TemplateShape(questions, slots)
        return self._shapes[key]


# ---------------------------------------------------------------- building


def _timed(report: ScaleReport, label: str, started: float) -> float:
    now = time.perf_counter()
    report.timings.append((label, now - started))
    return now


def _mpid(index: int, slot: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    n, code = index, ""
    for _ in range(3):
        n, rest = divmod(n, 36)
        code = digits[rest] + code
    return "XYZW"[slot] + code


def _route(role_codes: tuple[str, ...], index: int) -> str:
    if role_codes == ("LDSO",):
        return Route.NON_SIT_LDSO
    if "SUP" in role_codes and index % 2 == 0:
        return Route.SIT
    return Route.QT


def scale_load(
    *,
    organisations: int,
    password: str,
    progress: Callable[[str], None] = lambda message: None,
    check_runs: bool = True,
    evidence: int = EVIDENCE_PER_ORGANISATION,
) -> ScaleReport:
    """Build the data set. Refuses (ScaleAlreadyLoaded) when it is in the database already."""
    if qualification_models.Organisation.objects.filter(
        legal_name__startswith=NAME_PREFIX
    ).exists():
        raise ScaleAlreadyLoaded(
            f"Organisations named “{NAME_PREFIX} …” exist already: the scale data set is "
            "loaded in this database. Load it into a fresh database instead."
        )
    report = ScaleReport(password=password)
    started = time.perf_counter()
    ensure_versions()
    template = qad_models.QadTemplate.objects.get(
        document_code="QAD", status=VersionStatus.PUBLISHED
    )
    index = TemplateIndex(template)
    now = timezone.now()
    with transaction.atomic():
        waves = ensure_waves()
        stored = _store_pool(
            [*itertools.chain.from_iterable(evidence_pool().values()), *PROBLEM_FILES], now=now
        )
        started = _timed(report, "versions, waves and the evidence pool", started)
        builder = _Builder(
            template=template,
            index=index,
            waves=waves,
            stored=stored,
            now=now,
            password_hash=make_password(password),
            report=report,
            evidence=evidence,
        )
        builder.people(organisations)
        started = _timed(report, f"{organisations} organisations, their people and MPIDs", started)
        progress("organisations and people")
        builder.qualifications()
        started = _timed(report, "qualifications, roles, approvals", started)
        builder.submissions()
        started = _timed(report, "submissions, revisions and answers", started)
        progress("answers")
        builder.evidence()
        started = _timed(report, "evidence items and links", started)
        progress("evidence")
        builder.freeze()
        started = _timed(report, "completeness and content hashes", started)
        builder.reviews()
        started = _timed(report, "reviews, outcomes, clarifications", started)
        progress("reviews")
    if check_runs:
        builder.check_runs()
        started = _timed(report, "automated check runs", started)
    return report


def supplier_review_in_review(code_body: str = "BSC") -> assessment_models.Review | None:
    """The first Supplier's submission a Code Body has in review in the scale data set: the
    review screen the benchmarks and their tests open."""
    return (
        assessment_models.Review.objects.filter(
            code_body__code=code_body,
            state=assessment_models.Review.State.IN_REVIEW,
            submission__qualification__roles__market_role__code="SUP",
        )
        .select_related("submission")
        .order_by("pk")
        .first()
    )


@dataclass
class _Participant:
    index: int
    organisation: qualification_models.Organisation
    scenario: Scenario
    role_codes: tuple[str, ...]
    route: str
    admin: qualification_models.User | None = None
    signatory: qualification_models.User | None = None
    mpids: list[qualification_models.Mpid] = field(default_factory=list)
    qualification: qualification_models.Qualification | None = None
    roles: list[qualification_models.QualificationRole] = field(default_factory=list)
    shape: TemplateShape | None = None  # what its Initial QAD asks
    final_shape: TemplateShape | None = None
    # stage -> revisions, oldest first
    revisions: dict[str, list[qad_models.Revision]] = field(default_factory=dict)
    submissions: dict[str, qad_models.Submission] = field(default_factory=dict)
    items: list[evidence_models.EvidenceItem] = field(default_factory=list)


class _Builder:
    def __init__(self, *, template, index, waves, stored, now, password_hash, report, evidence):
        self.template: qad_models.QadTemplate = template
        self.index: TemplateIndex = index
        self.waves: dict[str, qualification_models.Wave] = waves
        self.stored: dict[str, evidence_models.StoredFile] = stored
        self.now: dt.datetime = now
        self.password_hash: str = password_hash
        self.report: ScaleReport = report
        self.participants: list[_Participant] = []
        self.evidence_per_organisation: int = evidence
        self.roles = {
            r.code: r for r in qualification_models.MarketRole.objects.prefetch_related("approvers")
        }
        self.bodies = {b.code: b for b in qualification_models.CodeBody.objects.all()}
        self.assessors: dict[str, list[qualification_models.User]] = {}
        self.leads: dict[str, qualification_models.User] = {}
        self.answers: dict[int, list[qad_models.Answer]] = {}  # revision id -> answers
        self.links: dict[int, list[evidence_models.EvidenceLink]] = {}  # revision id -> links

    def _user(
        self, email: str, full_name: str, job_title: str = "", **extra
    ) -> qualification_models.User:
        return qualification_models.User(
            email=email,
            full_name=full_name,
            job_title=job_title,
            password=self.password_hash,
            **extra,
        )

    # -- organisations and people

    def people(self, count: int) -> None:
        organisations = qualification_models.Organisation.objects.bulk_create(
            qualification_models.Organisation(
                legal_name=f"{NAME_PREFIX} {n:04d} Ltd",
                company_number=f"{70_000_000 + n:08d}",
            )
            for n in range(1, count + 1)
        )
        for n, organisation in enumerate(organisations, start=1):
            role_codes = ROLE_SETS[(n - 1) % len(ROLE_SETS)]
            self.participants.append(
                _Participant(
                    index=n,
                    organisation=organisation,
                    scenario=SCENARIO_CYCLE[(n - 1) % len(SCENARIO_CYCLE)],
                    role_codes=role_codes,
                    route=_route(role_codes, n),
                )
            )
        users: list[qualification_models.User] = []
        people: list[tuple[_Participant, str, str]] = []
        for p in self.participants:
            domain = f"p{p.index:04d}.{EMAIL_DOMAIN}"
            for role, name, title in (
                (MembershipRole.ORG_ADMIN, "Alex Morgan", "MHHS Programme Manager"),
                (MembershipRole.CONTRIBUTOR, "Sam Patel", "Test Lead"),
                (MembershipRole.SIGNATORY, "Jo Lowe", "Director"),
            ):
                users.append(self._user(f"{role.replace('_', '-')}@{domain}", name, title))
                people.append((p, role, name))
        for code in self.bodies:
            domain = f"{code.lower()}.{EMAIL_DOMAIN}"
            lead = self._user(f"lead@{domain}", f"{code} Lead Assessor", "Lead assessor")
            assessors = [
                self._user(f"assessor{n}@{domain}", f"{code} Assessor {n}", "Assessor")
                for n in range(1, ASSESSORS_PER_BODY + 1)
            ]
            users += [lead, *assessors]
        users.append(
            self._user(
                f"admin@{EMAIL_DOMAIN}", "Scale Portal Admin", is_staff=True, is_superuser=True
            )
        )
        created = {u.email: u for u in qualification_models.User.objects.bulk_create(users)}
        self.report.users = len(created)
        memberships = []
        for (p, role, _name), user in zip(people, users, strict=False):
            memberships.append(
                qualification_models.Membership(
                    user=user,
                    organisation=p.organisation,
                    role=role,
                    signatory_capacity=SignatoryCapacity.DIRECTOR
                    if role == MembershipRole.SIGNATORY
                    else "",
                )
            )
            if role == MembershipRole.ORG_ADMIN:
                p.admin = user
            elif role == MembershipRole.SIGNATORY:
                p.signatory = user
        qualification_models.Membership.objects.bulk_create(memberships)
        body_members = []
        for code, body in self.bodies.items():
            domain = f"{code.lower()}.{EMAIL_DOMAIN}"
            self.leads[code] = created[f"lead@{domain}"]
            self.assessors[code] = [
                created[f"assessor{n}@{domain}"] for n in range(1, ASSESSORS_PER_BODY + 1)
            ]
            body_members.append(
                qualification_models.CodeBodyMembership(
                    user=self.leads[code], code_body=body, role=CodeBodyRole.LEAD_ASSESSOR
                )
            )
            body_members += [
                qualification_models.CodeBodyMembership(
                    user=u, code_body=body, role=CodeBodyRole.ASSESSOR
                )
                for u in self.assessors[code]
            ]
        qualification_models.CodeBodyMembership.objects.bulk_create(body_members)
        mpids = []
        for p in self.participants:
            for slot, code in enumerate(p.role_codes):
                mpid = qualification_models.Mpid(
                    organisation=p.organisation,
                    market_role=self.roles[code],
                    code=_mpid(p.index, slot),
                )
                p.mpids.append(mpid)
                mpids.append(mpid)
        qualification_models.Mpid.objects.bulk_create(mpids)
        self.report.organisations = len(self.participants)

    # -- qualifications

    def qualifications(self) -> None:
        wave_codes = sorted(self.waves)
        qualifications = []
        for p in self.participants:
            wave = (
                self.waves[wave_codes[p.index % len(wave_codes)]] if p.route == Route.QT else None
            )
            p.qualification = qualification_models.Qualification(
                organisation=p.organisation,
                route=p.route,
                wave=wave,
                state=p.scenario.qualification_state,
                created_by=p.admin,
                target_migration_date=self.now.date() + dt.timedelta(days=200 + p.index % 90),
            )
            qualifications.append(p.qualification)
            self.report.scenarios[p.scenario.name] = (
                self.report.scenarios.get(p.scenario.name, 0) + 1
            )
        qualification_models.Qualification.objects.bulk_create(qualifications)
        roles, pqs, transitions, events = [], [], [], []
        for p in self.participants:
            q = p.qualification
            for code, mpid in zip(p.role_codes, p.mpids, strict=True):
                role = qualification_models.QualificationRole(
                    qualification=q,
                    market_role=self.roles[code],
                    mpid=mpid,
                    qualified_on=self.now.date() - dt.timedelta(days=p.index % 20)
                    if p.scenario.approvals == ApprovalOutcome.APPROVED
                    else None,
                )
                p.roles.append(role)
                roles.append(role)
            if Route.needs_pre_qualification(p.route, places_reliance=False):
                pqs.append(
                    qualification_models.PreQualification(
                        qualification=q,
                        preferred_wave=q.wave,
                        state=PreQualificationState.ACCEPTED,
                        submitted_at=self.now - dt.timedelta(days=120),
                        submitted_by=p.admin,
                        decided_at=self.now - dt.timedelta(days=110),
                        decided_by=self.leads["BSC"],
                    )
                )
            transitions.append(
                qualification_models.QualificationTransition(
                    qualification=q,
                    from_state="",
                    to_state=QualificationState.TESTING,
                    actor=p.admin,
                    at=self.now - dt.timedelta(days=100),
                    note="Qualification started",
                )
            )
            if q.state != QualificationState.TESTING:
                transitions.append(
                    qualification_models.QualificationTransition(
                        qualification=q,
                        from_state=QualificationState.TESTING,
                        to_state=q.state,
                        actor=p.admin,
                        at=self.now - dt.timedelta(days=10),
                    )
                )
            events.append(
                qualification_models.AuditEvent(
                    kind="qualification.started",
                    actor=p.admin,
                    summary="Qualification started for "
                    + ", ".join(self.roles[c].name for c in p.role_codes),
                    organisation=p.organisation,
                    qualification=q,
                    object_type=qualification_models.Qualification._meta.label,
                    object_id=str(q.pk),
                )
            )
        qualification_models.QualificationRole.objects.bulk_create(roles)
        qualification_models.PreQualification.objects.bulk_create(pqs)
        qualification_models.QualificationTransition.objects.bulk_create(transitions)
        qualification_models.AuditEvent.objects.bulk_create(events)
        approvals = []
        for p in self.participants:
            for role in p.roles:
                for body in role.market_role.approvers.all():
                    outcome = p.scenario.approvals
                    if outcome == ApprovalOutcome.SCHEDULED and not body.decides_at_meeting:
                        outcome = ApprovalOutcome.PENDING
                    decided = outcome == ApprovalOutcome.APPROVED
                    approvals.append(
                        qualification_models.RoleApproval(
                            qualification_role=role,
                            code_body=body,
                            outcome=outcome,
                            meeting_date=self.now.date() + dt.timedelta(days=14)
                            if outcome == ApprovalOutcome.SCHEDULED
                            else None,
                            decided_by=self.leads[body.code] if decided else None,
                            decided_at=self.now - dt.timedelta(days=p.index % 60)
                            if decided
                            else None,
                        )
                    )
        qualification_models.RoleApproval.objects.bulk_create(approvals)
        self.activation_steps()

    def activation_steps(self) -> None:
        """The approved roles start Service Activation as the portal starts it, the first
        step done where a Code Body confirms it."""
        for p in self.participants:
            if p.scenario.approvals != ApprovalOutcome.APPROVED:
                continue
            for role in p.roles:
                steps = activation_start(role)
                first = steps[0] if steps else None
                if first is not None and first.confirmer is not None:
                    first.done_at = self.now - dt.timedelta(days=2)
                    first.done_by = self.leads[first.confirmer.code]
                    first.save(update_fields=["done_at", "done_by"])

    # -- submissions, revisions, answers

    def submissions(self) -> None:
        submissions = []
        for p in self.participants:
            p.shape = self.index.shape(
                role_codes=p.role_codes, route=p.route, conditions=p.qualification.conditions
            )
            p.final_shape = self.index.shape(
                role_codes=p.role_codes,
                route=p.route,
                conditions=p.qualification.conditions,
                stage=SubmissionStage.FINAL,
            )
            stages = [(SubmissionStage.INITIAL, p.scenario.initial_state)]
            if p.scenario.final_state:
                stages.append((SubmissionStage.FINAL, p.scenario.final_state))
            for stage, state in stages:
                submission = qad_models.Submission(
                    qualification=p.qualification, stage=stage, template=self.template, state=state
                )
                p.submissions[stage] = submission
                submissions.append(submission)
        qad_models.Submission.objects.bulk_create(submissions)
        revisions = []
        for p in self.participants:
            for stage, submission in p.submissions.items():
                count = p.scenario.initial_revisions if stage == SubmissionStage.INITIAL else 1
                p.revisions[stage] = [
                    qad_models.Revision(submission=submission, number=n)
                    for n in range(1, count + 1)
                ]
                revisions += p.revisions[stage]
        qad_models.Revision.objects.bulk_create(revisions)
        answers = []
        for p in self.participants:
            dates: dict[str, dt.date] = {}
            values = {
                q.pk: sample_value(q, dates, p.organisation, route=p.route)
                for q in p.final_shape.questions
            }
            reopened = self._reopened_questions(p)
            for stage, stage_revisions in p.revisions.items():
                shape = p.shape if stage == SubmissionStage.INITIAL else p.final_shape
                for revision in stage_revisions:
                    rows = [
                        qad_models.Answer(
                            revision=revision,
                            question=q,
                            value=values[q.pk],
                            version=1 if values[q.pk] is not None else 0,
                            updated_by=p.admin if values[q.pk] is not None else None,
                            updated_at=self.now - dt.timedelta(days=30)
                            if values[q.pk] is not None
                            else None,
                            reopened=revision.number == 2 and q.pk in reopened,
                        )
                        for q in shape.questions
                    ]
                    self.answers[id(revision)] = rows
                    answers += rows
        qad_models.Answer.objects.bulk_create(answers, batch_size=5000)
        self.report.answers = len(answers)

    def _reopened_questions(self, p: _Participant) -> set[int]:
        """Questions a clarification is about: two a BSC or REC assessor asked about."""
        answerable = [q for q in p.shape.questions if q.answer_type != "evidence_only"]
        return {q.pk for q in answerable[3:5]}

    # -- evidence

    def evidence(self) -> None:
        pool = evidence_pool()
        items = []
        for p in self.participants:
            draft = p.scenario.initial_state == SubmissionState.DRAFT
            slots = p.shape.evidence_slots
            for n in range(self.evidence_per_organisation):
                question, evidence_type = slots[n % len(slots)]
                files = pool.get(evidence_type) or pool[""]
                pool_file = files[n % len(files)]
                if draft and n % 25 == 7:
                    pool_file = PROBLEM_FILES[(n // 25) % len(PROBLEM_FILES)]
                extension = pool_file.name.rsplit(".", 1)[-1]
                title = f"{pool_file.name.rsplit('.', 1)[0]} {n + 1:03d}"
                item = evidence_models.EvidenceItem(
                    organisation=p.organisation,
                    submission=p.submissions[SubmissionStage.INITIAL],
                    stored_file=self.stored[pool_file.name],
                    title=title,
                    evidence_type=evidence_type,
                    original_name=f"{title}.{extension}",
                    uploaded_by=p.admin,
                )
                item.question = question  # which question it was uploaded for
                p.items.append(item)
                items.append(item)
        evidence_models.EvidenceItem.objects.bulk_create(items, batch_size=5000)
        links = []
        for p in self.participants:
            for stage_revisions in p.revisions.values():
                for revision in stage_revisions:
                    rows = [
                        evidence_models.EvidenceLink(
                            revision=revision, question=item.question, item=item, linked_by=p.admin
                        )
                        for item in p.items
                    ]
                    self.links[id(revision)] = rows
                    links += rows
        evidence_models.EvidenceLink.objects.bulk_create(links, batch_size=5000)
        self.report.evidence_items = len(items)
        self.report.evidence_links = len(links)

    # -- completeness, freezing and hashes

    def freeze(self) -> None:
        revisions, transitions, frozen = [], [], []
        for p in self.participants:
            for stage, stage_revisions in p.revisions.items():
                submission = p.submissions[stage]
                for revision in stage_revisions:
                    self._completeness(revision)
                    revisions.append(revision)
                    if self._is_submitted(submission, revision, stage_revisions):
                        days = 2 + (p.index * 7 + revision.number * 3) % 45
                        revision.submitted_at = self.now - dt.timedelta(
                            days=days if stage == SubmissionStage.INITIAL else days // 3
                        )
                        revision.submitted_by = p.admin
                        frozen.append(revision)
                        transitions.append(
                            qad_models.SubmissionTransition(
                                submission=submission,
                                revision=revision,
                                from_state=SubmissionState.DRAFT,
                                to_state=SubmissionState.SUBMITTED,
                                actor=p.admin,
                            )
                        )
        for revision in frozen:
            revision.content_hash = revision_content_hash(revision)
        qad_models.Revision.objects.bulk_update(
            revisions,
            [
                "required_count",
                "answered_count",
                "section_progress",
                "completeness_stale",
                "completeness_updated_at",
                "submitted_at",
                "submitted_by",
                "content_hash",
            ],
            batch_size=500,
        )
        qad_models.SubmissionTransition.objects.bulk_create(transitions)
        # `at` is set on insert; spread the submissions over the weeks they happened in.
        by_day: dict[dt.date, list[int]] = defaultdict(list)
        for transition in transitions:
            by_day[transition.revision.submitted_at.date()].append(transition.pk)
        for day, ids in by_day.items():
            qad_models.SubmissionTransition.objects.filter(pk__in=ids).update(
                at=dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC)
            )
        signatures = []
        for p in self.participants:
            final = p.submissions.get(SubmissionStage.FINAL)
            if final is not None and final.state == SubmissionState.SIGNED:
                revision = p.revisions[SubmissionStage.FINAL][-1]
                signatures.append(
                    qad_models.Signature(
                        submission=final,
                        revision=revision,
                        signatory=p.signatory,
                        signatory_name=p.signatory.full_name,
                        signatory_job_title=p.signatory.job_title,
                        capacity=SignatoryCapacity.DIRECTOR,
                        declaration=declaration_for(final),
                        content_hash=revision.content_hash,
                    )
                )
        qad_models.Signature.objects.bulk_create(signatures)

    @staticmethod
    def _is_submitted(
        submission: qad_models.Submission, revision: qad_models.Revision, revisions: list
    ) -> bool:
        if submission.state == SubmissionState.DRAFT:
            return False
        if submission.state == SubmissionState.CLARIFICATION_REQUESTED:
            return revision.number < len(revisions)  # the newest answers the clarifications
        return True

    def _completeness(self, revision: qad_models.Revision) -> None:
        attached: dict[int, set[str]] = defaultdict(set)
        for link in self.links[id(revision)]:
            if link.item.stored_file.scan_state != ScanState.REJECTED:
                attached[link.question.pk].add(link.item.evidence_type)
        per_section: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for answer in self.answers[id(revision)]:
            if not answer.question.required:
                continue
            counts = per_section[answer.question.section.ref]
            counts[1] += 1
            counts[0] += question_complete(answer, attached.get(answer.question.pk, set()))
        revision.section_progress = dict(per_section)
        revision.required_count = sum(required for _, required in per_section.values())
        revision.answered_count = sum(answered for answered, _ in per_section.values())
        revision.completeness_stale = False
        revision.completeness_updated_at = self.now

    # -- reviews

    def reviews(self) -> None:
        criteria = self._criteria_by_body()
        reviews, meta = [], []
        for p in self.participants:
            bodies = sorted(
                {b.code for r in p.roles for b in r.market_role.approvers.all()},
                key=lambda c: self.bodies[c].position,
            )
            for stage, submission in p.submissions.items():
                if submission.state == SubmissionState.DRAFT:
                    continue
                stage_revisions = p.revisions[stage]
                submitted = [r for r in stage_revisions if r.submitted_at]
                latest = submitted[-1]
                current_stage = (
                    SubmissionStage.FINAL
                    if SubmissionStage.FINAL in p.submissions
                    else SubmissionStage.INITIAL
                )
                is_current = stage == current_stage
                state = (
                    p.scenario.review_state
                    if is_current
                    else assessment_models.Review.State.COMPLETE
                )
                for number, code in enumerate(bodies):
                    body_state = state
                    if (
                        state == assessment_models.Review.State.AWAITING_PARTICIPANT
                        and code not in ("BSC", "REC")
                    ):
                        body_state = assessment_models.Review.State.IN_REVIEW
                    assignee = (
                        None
                        if body_state == assessment_models.Review.State.WAITING and p.index % 3 == 0
                        else self.assessors[code][(p.index + number) % ASSESSORS_PER_BODY]
                    )
                    review = assessment_models.Review(
                        submission=submission,
                        code_body=self.bodies[code],
                        state=body_state,
                        assignee=assignee,
                        waiting_since=latest.submitted_at,
                        reviewed_revision=submitted[-2] if len(submitted) > 1 else None,
                        completed_by=self.leads[code]
                        if body_state == assessment_models.Review.State.COMPLETE
                        else None,
                        completed_at=self.now - dt.timedelta(days=3)
                        if body_state == assessment_models.Review.State.COMPLETE
                        else None,
                    )
                    reviews.append(review)
                    share = p.scenario.outcomes_share if is_current else 1.0
                    meta.append((p, stage, review, latest, share))
        assessment_models.Review.objects.bulk_create(reviews)
        self.report.reviews = len(reviews)
        assignments, outcomes = [], []
        clarifications: list[tuple[assessment_models.Clarification, _Participant, str]] = []
        for p, stage, review, latest, share in meta:
            code = review.code_body.code
            if review.assignee is not None:
                assignments.append(
                    assessment_models.ReviewAssignment(
                        review=review, assignee=review.assignee, assigned_by=self.leads[code]
                    )
                )
            present = {a.question.pk for a in self.answers[id(latest)]}
            applicable = [c for c in criteria[code] if c.question_ids & present]
            decided = applicable[: round(len(applicable) * share)]
            reopened = self._reopened_questions(p)
            asks = code in ("BSC", "REC") and p.scenario.initial_revisions == 2
            for n, criterion in enumerate(decided):
                ask = asks and stage == SubmissionStage.INITIAL and n == 0
                outcome = (
                    assessment_models.CriterionOutcome.Outcome.CLARIFICATION
                    if ask and review.state != assessment_models.Review.State.WAITING
                    else assessment_models.CriterionOutcome.Outcome.NOT_APPLICABLE
                    if n % 11 == 10
                    else assessment_models.CriterionOutcome.Outcome.NOT_MET
                    if review.state == assessment_models.Review.State.IN_REVIEW and n % 7 == 6
                    else assessment_models.CriterionOutcome.Outcome.MET
                )
                outcomes.append(
                    assessment_models.CriterionOutcome(
                        review=review,
                        criterion=criterion.criterion,
                        outcome=outcome,
                        comment="Clear and evidenced." if outcome == "met" else "See the evidence.",
                        revision=p.revisions[stage][0],
                        recorded_by=review.assignee or self.leads[code],
                    )
                )
            if asks and stage == SubmissionStage.INITIAL:
                question_id = sorted(reopened)[0 if code == "BSC" else 1]
                answered = p.scenario.initial_state != SubmissionState.CLARIFICATION_REQUESTED
                clarification = assessment_models.Clarification(
                    submission=review.submission,
                    question_id=question_id,
                    code_body=review.code_body,
                    raised_in=p.revisions[stage][0],
                    answered_in=p.revisions[stage][1] if answered else None,
                    state=assessment_models.Clarification.State.ANSWERED
                    if answered
                    else assessment_models.Clarification.State.OPEN,
                    raised_by=review.assignee or self.leads[code],
                    sent_at=self.now - dt.timedelta(days=6),
                )
                clarifications.append((clarification, p, code))
        assessment_models.ReviewAssignment.objects.bulk_create(assignments)
        assessment_models.CriterionOutcome.objects.bulk_create(outcomes, batch_size=5000)
        assessment_models.Clarification.objects.bulk_create(c for c, _p, _code in clarifications)
        messages = []
        for clarification, p, _code in clarifications:
            messages.append(
                assessment_models.ClarificationMessage(
                    clarification=clarification,
                    author=clarification.raised_by,
                    text="Please say which test cases cover the exception path.",
                    from_code_body=True,
                )
            )
            if clarification.state == assessment_models.Clarification.State.ANSWERED:
                messages.append(
                    assessment_models.ClarificationMessage(
                        clarification=clarification,
                        author=p.admin,
                        text="TC-014 to TC-019; the execution log is attached.",
                    )
                )
        assessment_models.ClarificationMessage.objects.bulk_create(messages)

    def _criteria_by_body(self) -> dict[str, list[_CriterionFacts]]:
        sets = assessment_models.CriteriaSet.objects.filter(
            template=self.template, status=VersionStatus.PUBLISHED
        ).select_related("code_body")
        by_body: dict[str, list[_CriterionFacts]] = {code: [] for code in self.bodies}
        for criteria_set in sets:
            for criterion in criteria_set.criteria.prefetch_related(
                Prefetch("questions", queryset=qad_models.Question.objects.only("pk"))
            ).order_by("position"):
                by_body[criteria_set.code_body.code].append(
                    _CriterionFacts(criterion, frozenset(q.pk for q in criterion.questions.all()))
                )
        return by_body

    # -- automated checks

    def check_runs(self) -> None:
        """Each submitted revision's check results. The checks themselves run once for each
        kind of participant (roles, route, stage, signed or not); the others of that kind,
        whose files and answers are alike, get a copy of its results keyed by their own
        fingerprints, as a run of their own would be."""
        runs_by_kind: dict[
            tuple, dict[int, tuple[assessment_models.CheckRun, list[assessment_models.CheckResult]]]
        ] = {}
        new_runs, pending_results = [], []
        for p in self.participants:
            for stage, stage_revisions in p.revisions.items():
                frozen = [r for r in stage_revisions if r.submitted_at]
                if not frozen:
                    continue
                revision = qad_models.Revision.objects.select_related(
                    "submission__qualification__organisation", "submission__template"
                ).get(pk=frozen[-1].pk)
                kind = (
                    p.role_codes,
                    p.route,
                    stage,
                    p.submissions[stage].state == SubmissionState.SIGNED,
                )
                if kind not in runs_by_kind:
                    runs_by_kind[kind] = {
                        run.code_body_id: (run, list(run.results.order_by("pk")))
                        for run in checks_run_all(revision=revision, trigger="load_scale")
                    }
                    continue
                for plan in check_plans(revision):
                    model, results = runs_by_kind[kind][plan.code_body.pk]
                    run = assessment_models.CheckRun(
                        revision=revision,
                        code_body=plan.code_body,
                        criteria_fingerprint=plan.criteria_fingerprint,
                        inputs_fingerprint=plan.inputs_fingerprint,
                        criteria_versions=plan.versions,
                        status=CheckRunStatus.COMPLETE,
                        trigger="load_scale",
                        started_at=self.now,
                        finished_at=self.now,
                        confirmed_at=self.now,
                        duration_ms=model.duration_ms,
                        criteria_checked=model.criteria_checked,
                        criteria_not_applicable=model.criteria_not_applicable,
                        counts=model.counts,
                        check_counts=model.check_counts,
                        check_timings=model.check_timings,
                        files_read=model.files_read,
                    )
                    new_runs.append(run)
                    pending_results.append((run, results))
        assessment_models.CheckRun.objects.bulk_create(new_runs)
        copies = [
            assessment_models.CheckResult(
                run=run,
                criterion_id=result.criterion_id,
                position=result.position,
                check_name=result.check_name,
                status=result.status,
                message=result.message,
                refs={"questions": result.refs.get("questions", [])},
            )
            for run, results in pending_results
            for result in results
        ]
        assessment_models.CheckResult.objects.bulk_create(copies, batch_size=5000)
        firsts = [first for by_body in runs_by_kind.values() for first in by_body.values()]
        self.report.check_runs = len(new_runs) + len(firsts)
        self.report.check_results = len(copies) + sum(len(r) for _, r in firsts)


@dataclass(frozen=True)
class _CriterionFacts:
    criterion: assessment_models.Criterion
    question_ids: frozenset[int]
