"""A believable demo world: participants across roles and routes, a user for every portal
role, and qualifications at different stages with partly filled answers.

Building it twice creates nothing new: everything is found by its natural key first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from assessment.models import Review
from assessment.services.criteria import criteria_set_load
from assessment.services.reviews import (
    applicable_criteria,
    outcome_record,
    review_assign,
    reviews_open,
)
from evidence.services import evidence_upload
from qad.enums import AnswerType, SubmissionStage, SubmissionState, VersionStatus
from qad.models import Answer, Question, Submission
from qad.services.answers import answer_save
from qad.services.submissions import final_qad_start, submission_transition
from qad.services.templates import qad_template_load, qad_template_publish
from qualification.enums import (
    CodeBodyRole,
    ContactPurpose,
    DeadlineStage,
    MembershipRole,
    PitApproach,
    QualificationState,
    Route,
    SignatoryCapacity,
)
from qualification.models import (
    CodeBody,
    CodeBodyMembership,
    Contact,
    MarketRole,
    Membership,
    Organisation,
    Qualification,
    User,
    Wave,
    WaveDeadline,
)
from qualification.security import needs_second_factor
from qualification.services import (
    organisation_create,
    pqs_decide,
    pqs_save,
    pqs_submit,
    qualification_start,
)

DATA_DIR = Path(settings.BASE_DIR) / "data"
SHIPPED_TEMPLATE = DATA_DIR / "qad" / "qad-v3.01.yaml"
SHIPPED_CRITERIA = sorted((DATA_DIR / "criteria").glob("*.yaml"))


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    job_title: str
    where: str  # organisation legal name, Code Body code, or "" for a portal admin
    role: str
    capacity: str = ""


@dataclass(frozen=True)
class DemoOrganisation:
    legal_name: str
    company_number: str
    mpids: list[tuple[str, str]]  # (MPID, market role code)
    route: Route
    wave: str | None
    stage: str  # what the demo shows: "pqs", "drafting", "submitted", "final"
    share_answered: float = 0.0
    places_reliance: bool = False
    sms_exemption_requested: bool = False
    contacts: list[tuple[str, str, str]] = field(default_factory=list)


ORGANISATIONS = [
    DemoOrganisation(
        "Northwind Energy Supply Ltd",
        "08123456",
        [("NWES", "SUP")],
        Route.SIT,
        None,
        "submitted",
        share_answered=1.0,
        contacts=[(ContactPurpose.PRIMARY, "Olivia Hart", "olivia.hart@northwind.example")],
    ),
    DemoOrganisation(
        "Brightwatt Data Services Ltd",
        "09234567",
        [("BWDA", "ADS"), ("BWDS", "SDS")],
        Route.QT,
        "W5",
        "drafting",
        share_answered=0.4,
        contacts=[(ContactPurpose.TESTING, "Sanjay Rao", "sanjay.rao@brightwatt.example")],
    ),
    DemoOrganisation(
        "Meterline Metering Services Ltd",
        "SC345678",
        [("MTLA", "MSA"), ("MTLS", "MSS")],
        Route.QT,
        "W6",
        "pqs",
        places_reliance=True,
        contacts=[(ContactPurpose.PRIMARY, "Fiona Reid", "fiona.reid@meterline.example")],
    ),
    DemoOrganisation(
        "Eastern Counties Distribution plc",
        "02456789",
        [("ECDN", "LDSO")],
        Route.NON_SIT_LDSO,
        "W4",
        "final",
        share_answered=0.6,
        contacts=[(ContactPurpose.TECHNICAL, "Tom Blake", "tom.blake@eastern-counties.example")],
    ),
    DemoOrganisation(
        "Lumen Unmetered Ltd",
        "10567890",
        [("LUMN", "UMSDS")],
        Route.QT,
        "W4",
        "drafting",
        share_answered=0.2,
    ),
    DemoOrganisation(
        "Greenfield Power Ltd",
        "11678901",
        [("GFPL", "SUP")],
        Route.ENDURING,
        "W6",
        "drafting",
        share_answered=0.3,
        sms_exemption_requested=True,
    ),
]

USERS = [
    DemoUser("admin@qad-portal.example", "Priya Shah", "Portal administrator", "", "portal_admin"),
    DemoUser(
        "admin@northwind.example",
        "Olivia Hart",
        "MHHS Programme Manager",
        "Northwind Energy Supply Ltd",
        MembershipRole.ORG_ADMIN,
    ),
    DemoUser(
        "contributor@northwind.example",
        "Ben Okafor",
        "Test Lead",
        "Northwind Energy Supply Ltd",
        MembershipRole.CONTRIBUTOR,
    ),
    DemoUser(
        "signatory@northwind.example",
        "Margaret Lowe",
        "Director",
        "Northwind Energy Supply Ltd",
        MembershipRole.SIGNATORY,
        SignatoryCapacity.DIRECTOR,
    ),
    DemoUser(
        "admin@brightwatt.example",
        "Sanjay Rao",
        "Head of Data Services",
        "Brightwatt Data Services Ltd",
        MembershipRole.ORG_ADMIN,
    ),
    DemoUser(
        "contributor@brightwatt.example",
        "Chloe Evans",
        "Compliance Analyst",
        "Brightwatt Data Services Ltd",
        MembershipRole.CONTRIBUTOR,
    ),
    DemoUser(
        "signatory@brightwatt.example",
        "David Chen",
        "Managing Director",
        "Brightwatt Data Services Ltd",
        MembershipRole.SIGNATORY,
        SignatoryCapacity.DIRECTOR,
    ),
    DemoUser(
        "admin@meterline.example",
        "Fiona Reid",
        "Operations Manager",
        "Meterline Metering Services Ltd",
        MembershipRole.ORG_ADMIN,
    ),
    DemoUser(
        "signatory@meterline.example",
        "Hamish Grant",
        "Head of Metering (delegate)",
        "Meterline Metering Services Ltd",
        MembershipRole.SIGNATORY,
        SignatoryCapacity.DELEGATE,
    ),
    DemoUser(
        "admin@eastern-counties.example",
        "Tom Blake",
        "Settlement Manager",
        "Eastern Counties Distribution plc",
        MembershipRole.ORG_ADMIN,
    ),
    DemoUser(
        "contributor@eastern-counties.example",
        "Aisha Patel",
        "Registration Analyst",
        "Eastern Counties Distribution plc",
        MembershipRole.CONTRIBUTOR,
    ),
    DemoUser(
        "admin@lumen.example",
        "Gareth Jones",
        "Director of Operations",
        "Lumen Unmetered Ltd",
        MembershipRole.ORG_ADMIN,
    ),
    DemoUser(
        "admin@greenfield.example",
        "Rachel Moore",
        "Compliance Manager",
        "Greenfield Power Ltd",
        MembershipRole.ORG_ADMIN,
    ),
    DemoUser(
        "assessor@bsc.example",
        "James Whitfield",
        "Qualification Analyst",
        CodeBody.BSC,
        CodeBodyRole.ASSESSOR,
    ),
    DemoUser(
        "lead@bsc.example",
        "Helen Carter",
        "Lead Qualification Analyst",
        CodeBody.BSC,
        CodeBodyRole.LEAD_ASSESSOR,
    ),
    DemoUser(
        "assessor@rec.example",
        "Nadia Hussain",
        "Performance Assurance Analyst",
        CodeBody.REC,
        CodeBodyRole.ASSESSOR,
    ),
    DemoUser(
        "lead@rec.example",
        "Owen Price",
        "Performance Assurance Lead",
        CodeBody.REC,
        CodeBodyRole.LEAD_ASSESSOR,
    ),
    DemoUser(
        "assessor@dip.example",
        "Leo Martin",
        "DIP Assurance Analyst",
        CodeBody.DIP,
        CodeBodyRole.ASSESSOR,
    ),
    DemoUser(
        "lead@dip.example",
        "Grace Kim",
        "DIP Assurance Lead",
        CodeBody.DIP,
        CodeBodyRole.LEAD_ASSESSOR,
    ),
]

# Wave dates are set relative to the day the demo is first built, so deadlines are live.
WAVES = [
    # code, name, testing starts, testing ends, {stage: due} (days from today)
    (
        "W4",
        "Wave 4",
        -120,
        -10,
        {DeadlineStage.PQS: -180, DeadlineStage.INITIAL_QAD: -5, DeadlineStage.FINAL_QAD: 30},
    ),
    (
        "W5",
        "Wave 5",
        -30,
        60,
        {DeadlineStage.PQS: -90, DeadlineStage.INITIAL_QAD: 21, DeadlineStage.FINAL_QAD: 90},
    ),
    (
        "W6",
        "Wave 6",
        45,
        150,
        {DeadlineStage.PQS: 14, DeadlineStage.INITIAL_QAD: 100, DeadlineStage.FINAL_QAD: 180},
    ),
]


def ensure_versions() -> None:
    """Load the shipped template and criteria; a file already loaded is left as it is."""
    # The criteria first: a template version is published once every Code Body assessing it
    # has criteria for it.
    template = qad_template_load(
        filename=str(SHIPPED_TEMPLATE.relative_to(settings.BASE_DIR)),
        content=SHIPPED_TEMPLATE.read_bytes(),
        publish=False,
    ).version
    for path in SHIPPED_CRITERIA:
        criteria_set_load(
            filename=str(path.relative_to(settings.BASE_DIR)), content=path.read_bytes()
        )
    if template.status == VersionStatus.DRAFT:
        qad_template_publish(template=template)


def build_demo(*, password: str | None = None) -> tuple[str, list[DemoUser]]:
    """Build (or refresh) the demo world; returns the demo users' password and the users."""
    password = password or generate_password()
    ensure_versions()
    with transaction.atomic():
        waves = ensure_waves()
        organisations = {spec.legal_name: _ensure_organisation(spec) for spec in ORGANISATIONS}
        users = {spec.email: _ensure_user(spec, password, organisations) for spec in USERS}
        for spec in ORGANISATIONS:
            _ensure_qualification(spec, organisations[spec.legal_name], waves, users)
    return password, USERS


def generate_password() -> str:
    return "-".join(secrets.token_urlsafe(4) for _ in range(3))


def ensure_waves() -> dict[str, Wave]:
    today = timezone.localdate()
    waves = {}
    for code, name, starts, ends, deadlines in WAVES:
        wave, created = Wave.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "testing_starts": today + dt.timedelta(days=starts),
                "testing_ends": today + dt.timedelta(days=ends),
            },
        )
        if created:
            WaveDeadline.objects.bulk_create(
                WaveDeadline(
                    wave=wave,
                    stage=stage,
                    due_date=today + dt.timedelta(days=offset),
                    source="Demo calendar",
                )
                for stage, offset in deadlines.items()
            )
        waves[code] = wave
    return waves


def _ensure_organisation(spec: DemoOrganisation) -> Organisation:
    organisation = Organisation.objects.filter(legal_name=spec.legal_name).first()
    if organisation is None:
        roles = {role.code: role for role in MarketRole.objects.all()}
        organisation = organisation_create(
            legal_name=spec.legal_name,
            company_number=spec.company_number,
            mpids=[(code, roles[role]) for code, role in spec.mpids],
        )
        for mpid in organisation.mpids.all():
            # Each MPID's DIP ID as the DIP Manager issues them: ten digits, its own.
            mpid.dip_id = dip_id_for(mpid.code)
            mpid.save(update_fields=["dip_id"])
        for purpose, name, email in spec.contacts:
            Contact.objects.create(
                organisation=organisation, purpose=purpose, name=name, email=email
            )
    return organisation


def _ensure_user(spec: DemoUser, password: str, organisations: dict[str, Organisation]) -> User:
    user = User.objects.filter(email=spec.email).first()
    if user is None:
        user = User.objects.create_user(
            spec.email, full_name=spec.full_name, job_title=spec.job_title
        )
    user.set_password(password)
    user.is_active = True
    if spec.role == "portal_admin":
        user.is_staff = user.is_superuser = True
    user.save()
    if spec.where in organisations:
        Membership.objects.get_or_create(
            user=user,
            organisation=organisations[spec.where],
            role=spec.role,
            defaults={"signatory_capacity": spec.capacity},
        )
    elif spec.where:
        CodeBodyMembership.objects.get_or_create(
            user=user,
            code_body=CodeBody.objects.get(code=spec.where),
            defaults={"role": spec.role},
        )
    _ensure_demo_authenticator(user, password)
    return user


DEMO_AUTHENTICATOR = "Demo authenticator"


def _ensure_demo_authenticator(user: User, password: str) -> None:
    """People who must use a second factor get an authenticator whose codes
    `manage.py demo_code` prints, so the demo can be tried without a phone. The key follows
    from the demo password, so it changes when the password does."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not needs_second_factor(user):
        return
    key = hmac.new(password.encode(), user.email.encode(), hashlib.sha1).hexdigest()
    TOTPDevice.objects.filter(user=user).exclude(name=DEMO_AUTHENTICATOR).delete()
    TOTPDevice.objects.update_or_create(
        user=user, name=DEMO_AUTHENTICATOR, defaults={"key": key, "confirmed": True}
    )


def demo_code(email: str) -> str:
    """The current six-digit code of a demo user's authenticator."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__email__iexact=email, name=DEMO_AUTHENTICATOR).first()
    if device is None:
        raise LookupError(f"{email} has no demo authenticator (only demo users who need one)")
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _ensure_qualification(
    spec: DemoOrganisation,
    organisation: Organisation,
    waves: dict[str, Wave],
    users: dict[str, User],
) -> Qualification:
    existing = organisation.qualifications.first()
    if existing is not None:
        return existing
    admin = next(
        users[u.email]
        for u in USERS
        if u.where == spec.legal_name and u.role == MembershipRole.ORG_ADMIN
    )
    mpids = {m.market_role.code: m for m in organisation.mpids.select_related("market_role")}
    qualification = qualification_start(
        organisation=organisation,
        route=spec.route,
        roles=[(mpid.market_role, mpid) for mpid in mpids.values()],
        created_by=admin,
        wave=waves.get(spec.wave) if spec.wave else None,
        places_reliance=spec.places_reliance,
        sms_exemption_requested=spec.sms_exemption_requested,
        target_migration_date=timezone.localdate() + dt.timedelta(days=240),
    )
    if qualification.state == QualificationState.PRE_QUALIFICATION:
        _pre_qualify(qualification, spec, admin, users, decide=spec.stage != "pqs")
    if spec.stage == "pqs":
        return qualification
    initial = Submission.objects.get(qualification=qualification, stage=SubmissionStage.INITIAL)
    _answer_share(initial, spec.share_answered, by=admin, organisation=organisation)
    if spec.share_answered >= 0.5:
        _attach_demo_evidence(initial, by=admin)
    if spec.stage in ("submitted", "final"):
        submission_transition(submission=initial, target=SubmissionState.SUBMITTED, actor=admin)
        reviews_open(submission=initial, revision=initial.revisions.get(number=1))
    if spec.stage == "final":
        _review_started(initial, users)
        final_qad_start(qualification=qualification, by=admin)
    return qualification


def _review_started(submission: Submission, users: dict[str, User]) -> None:
    """The BSC has picked up the review and recorded its first outcomes."""
    review = Review.objects.get(submission=submission, code_body__code=CodeBody.BSC)
    assessor = users["assessor@bsc.example"]
    review_assign(review=review, assignee=assessor, by=users["lead@bsc.example"])
    revision = submission.revisions.get(number=1)
    for criterion in applicable_criteria(review, revision)[:3]:
        outcome_record(
            review=review,
            criterion=criterion,
            outcome="met",
            comment="Clear and evidenced.",
            by=assessor,
        )


def _pre_qualify(
    qualification: Qualification,
    spec: DemoOrganisation,
    admin: User,
    users: dict[str, User],
    *,
    decide: bool,
) -> None:
    """Fill in and submit the PQS; a lead assessor of an approving Code Body accepts it."""
    today = timezone.localdate()
    pre_qualification = pqs_save(
        pre_qualification=qualification.pre_qualification,
        by=admin,
        preferred_wave=qualification.wave,
        pit_approach=PitApproach.RELIANCE if spec.places_reliance else PitApproach.IN_HOUSE,
        pit_starts=today - dt.timedelta(days=150),
        pit_ends=today - dt.timedelta(days=40),
        target_migration_date=today + dt.timedelta(days=240),
        places_reliance=spec.places_reliance,
        reliance_summary=(
            "PIT and QT evidence of our metering platform vendor, which qualified the same "
            "release for two other MEMs."
            if spec.places_reliance
            else ""
        ),
    )
    pqs_submit(pre_qualification=pre_qualification, by=admin)
    if decide:
        body = qualification.roles.first().market_role.approvers.exclude(code="DIP").first()
        lead = users[f"lead@{body.code.lower()}.example"]
        pre_qualification.refresh_from_db()
        pqs_decide(pre_qualification=pre_qualification, accept=True, note="", by=lead)


def _attach_demo_evidence(submission: Submission, *, by: User) -> None:
    """A few small, real files: a test execution log, a defect log and a process note."""
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    revision = submission.revisions.get(number=1)
    wanted = {
        "test_execution_log": (
            "PIT execution log.csv",
            "test case,scenario,result,executed on\n"
            "TC-SUP-001,Change of supplier,passed,2025-03-03\n"
            "TC-SUP-002,Registration,passed,2025-03-04\n"
            "TC-SUP-003,Appointment,failed,2025-03-05\n",
        ),
        "defect_log": (
            "Defect log.csv",
            "defect,severity,status,due\nDEF-101,Medium,Open,2026-12-31\n",
        ),
        "process_document": (
            "MHHS operating procedures.txt",
            "Settlement operations: daily checks of DIP message queues; escalation to the "
            "Settlement Manager within one working day.\n",
        ),
    }
    for answer in revision.answers.select_related("question").order_by("question__position"):
        types = [e["type"] for e in answer.question.evidence]
        for code in [t for t in types if t in wanted]:
            name, text = wanted.pop(code)
            content = text.encode()
            evidence_upload(
                submission=submission,
                upload=SimpleUploadedFile(name, content),
                sha256=hashlib.sha256(content).hexdigest(),
                title=name.rsplit(".", 1)[0],
                evidence_type=code,
                questions=[answer.question],
                by=by,
            )


def _answer_share(
    submission: Submission, share: float, *, by: User, organisation: Organisation
) -> None:
    """Answer the first `share` of the submission's questions with plausible values."""
    revision = submission.revisions.get(number=1)
    answers = list(
        Answer.objects.filter(revision=revision)
        .select_related("question")
        .order_by("question__position")
    )
    dates: dict[str, dt.date] = {}
    for answer in answers[: round(len(answers) * share)]:
        value = sample_value(
            answer.question, dates, organisation, route=submission.qualification.route
        )
        if value is not None:
            answer_save(answer=answer, value=value, expected_version=answer.version, by=by)


# Answers the demo knows from the organisation itself (QAD section 3).
KNOWN_ANSWERS = {"3.1": "legal_name", "3.2": "company_number"}

# Short answers a participant gives in a few words, by question.
SHORT_ANSWERS = {
    "3.8": "The Wave confirmed in the Code Bodies' acceptance of our PQS",
    "4.3.3": "QT test scenarios v3.2 and test cases v2.1, as issued in May 2025",
    "4.4.1": "The Programme's RTTM template v1.4",
    "11.2.1": "Margaret Lowe, Managing Director",
}

# What a participant writes about its own processes, by part of the QAD: how the work is
# done, who owns it, how it is checked. `{org}` is the organisation's name.
PROCESS_ANSWERS = {
    "4": (
        "{org} tested against the Programme's plan: entry and exit criteria were agreed with "
        "the Code Bodies before each phase, every defect is in our defect log with an owner and "
        "a target date, and the exit report attached records the results phase by phase."
    ),
    "5": (
        "{org} runs this in its registration and billing platform. The steps are written in "
        "our MHHS operating manual, the Head of Market Operations owns them, and the "
        "settlement performance reports are checked against them every month."
    ),
    "6": (
        "Our Data Service team runs this on the settlement platform we operate for {org}'s "
        "customers: daily jobs with alerts to the on-call analyst, a runbook for each failure, "
        "and a monthly review of performance against the settlement timetable."
    ),
    "7": (
        "{org}'s field and back-office teams follow our metering procedures, which map each "
        "step to the MHHS messages we send; exceptions go to the metering control desk, which "
        "clears them within two working days and reports weekly."
    ),
    "8": (
        "As the distribution network operator, {org} does this in its registration system, "
        "kept in line with the Central Switching Service; a daily reconciliation report goes "
        "to the Registration Service manager, and any difference is corrected the same day."
    ),
    "9": (
        "{org}'s MHHS Steering Group owns this. Changes go through our change board with the "
        "Code Bodies' obligations checked first, third parties report to us monthly against "
        "their service levels, and internal audit reviews the controls each year."
    ),
    "10": (
        "{org} relies on the testing named in 10.1 because the same platform and versions "
        "serve us; the provider's evidence is attached, and our own tests cover the "
        "configuration that is ours."
    ),
}


def dip_id_for(mpid: str) -> str:
    """A demo DIP ID: ten digits, the same for an MPID each time the demo is built."""
    return "40" + "".join(f"{ord(ch) % 100:02d}" for ch in mpid)


def sample_value(
    question: Question,
    dates: dict[str, dt.date],
    organisation: Organisation,
    *,
    route: str | None = None,
) -> object:
    """A plausible answer of this organisation; its identifiers (MPIDs with their roles and
    DIP IDs, the route) are its own, as the portal holds them."""
    options = question.options
    kind = question.answer_type
    if kind == AnswerType.FREE_TEXT:
        if question.ref in KNOWN_ANSWERS:
            return getattr(organisation, KNOWN_ANSWERS[question.ref])
        text = SHORT_ANSWERS.get(question.ref) or PROCESS_ANSWERS.get(
            question.ref.split(".")[0],
            "{org} documents this in its MHHS operating manual; the Settlement Manager owns it "
            "and the attached records show it working.",
        ).format(org=organisation.legal_name)
        if len(text) > options.get("max_length", len(text)):
            text = f"Ref. {organisation.company_number}-{question.ref}"
        return text
    if kind == AnswerType.YES_NO:
        return True
    if kind == AnswerType.DATE:
        earliest = dates.get(
            options.get("not_before", ""), timezone.localdate() - dt.timedelta(days=90)
        )
        value = earliest + dt.timedelta(days=14)
        dates[question.ref] = value
        return value.isoformat()
    if kind == AnswerType.SINGLE_CHOICE:
        values = [choice["value"] for choice in options["choices"]]
        if route in values and set(values) <= set(Route.values):
            return route
        return values[0]
    if kind == AnswerType.NUMBER:
        low, high = options.get("min", 0), options.get("max", low_default(options))
        return round((low + high) / 2) if isinstance(low, int) and isinstance(high, int) else low
    if kind == AnswerType.TABLE:
        rows = [_sample_row(options["columns"], n) for n in (1, 2)]
        if any(column["key"] == "mpid" for column in options["columns"]):
            rows = [
                {
                    **rows[0],
                    "role": mpid.market_role.name,
                    "mpid": mpid.code,
                    "dip_participant_id": mpid.dip_id or "pending",
                }
                for mpid in organisation.mpids.select_related("market_role").order_by("code")
            ] or rows
        return rows
    return None  # evidence-only questions are answered by uploading evidence


def low_default(options: dict) -> int:
    return options.get("min", 0) + 100


# Table cells a reader of the demo recognises, by column key, for the first and second row;
# a column not named here gets its label and the row number.
SAMPLE_CELLS = {
    "name": ("Olivia Hart", "Daniel Osei"),
    "position": ("Settlement Manager", "Head of Market Operations"),
    "email": ("olivia.hart@example.com", "daniel.osei@example.com"),
    "phone": ("020 7946 0012", "0161 496 0345"),
    "role": ("Supplier", "Supplier"),
    "market_role_code": ("X", "X"),
    "mpid": ("NWES", "NWEX"),
    "provider_mpid": ("BWDS", ""),
    "dip_participant_id": ("4000000412", "4000000413"),
    "provider": ("Brightwatt Data Services Ltd", "Ledgerline Systems Ltd"),
    "service": ("Smart Data Service", "Settlement billing platform"),
    "version": ("4.2", "2024.3"),
    "product_version": ("MeterFlow 4.2", "Ledgerline 2024.3"),
    "party": ("Brightwatt Data Services Ltd", "Ledgerline Systems Ltd"),
    "scope": ("Registration and consumption scenarios", "Billing interfaces"),
    "category": ("Functional", "Non-functional"),
    "scenario_ref": ("SIT-F-001", "SIT-F-014"),
    "gate": ("Gate 1", "Gate 2"),
    "interface": ("IF-021", "IF-031"),
    "direction": ("Send", "Receive"),
    "planned": (120, 45),
    "test_cases": (120, 45),
    "executed": (120, 45),
    "passed": (117, 45),
    "failed": (3, 0),
    "open_defects": (1, 0),
}


def _sample_row(columns: list[dict], number: int) -> dict:
    def cell(column: dict):
        if column["key"] in SAMPLE_CELLS:
            return SAMPLE_CELLS[column["key"]][number - 1]
        return {
            "text": f"{column.get('label', column['key'])} {number}",
            "date": (timezone.localdate() + dt.timedelta(days=30 * number)).isoformat(),
            "number": number * 10,
            "yes_no": number == 1,
        }[column["type"]]

    return {column["key"]: cell(column) for column in columns}
