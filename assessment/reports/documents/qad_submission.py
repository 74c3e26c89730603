"""The QAD submission report: a submitted revision as the participant's record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from assessment.models import Report
from assessment.reports.documents.common import ReportPage, fingerprint_of, lines, role_lines
from evidence.enums import ScanState
from evidence.models import EvidenceLink
from qad.enums import AnswerType
from qad.models import Answer, OrphanedAnswer, Revision, Section, Signature
from qad.rules import can_view_submission
from qad.templatetags.qad_answers import answer_text, cell_text
from qualification.models import QualificationRole

# Part of every QAD report's fingerprint: bump it when the report's layout or content
# changes, so that reports rendered from now on follow the new layout (older PDFs stay as
# they were rendered).
QAD_SUBMISSION_FORMAT = "qad-submission/1"


# --------------------------------------------------------------------------- the record


@dataclass(frozen=True)
class TableAnswer:
    columns: list[str]
    rows: list[list[str]]


@dataclass
class QuestionEntry:
    ref: str
    prompt: str
    answered: bool
    text: str = ""
    table: TableAnswer | None = None
    evidence: list[int] = field(default_factory=list)  # register numbers


@dataclass
class SectionEntry:
    ref: str
    title: str
    depth: int
    anchor: str
    questions: list[QuestionEntry] = field(default_factory=list)

    @property
    def heading_level(self) -> int:
        """h2 for a top-level section, h3 and h4 below it (h1 is the report's title)."""
        return min(2 + self.depth, 4)


@dataclass
class RegisterEntry:
    number: int
    title: str
    type_name: str
    original_name: str
    size: int
    sha256: str
    state_label: str
    relied_on: bool
    questions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RelianceEntry:
    question_ref: str
    evidence_number: int
    title: str
    source: str
    statement: str


def _anchor(prefix: str, ref: str) -> str:
    return f"{prefix}-" + ref.replace(".", "-")


def _load_revision(revision_id: int) -> Revision:
    return Revision.objects.select_related(
        "submission__qualification__organisation",
        "submission__qualification__wave",
        "submission__template",
        "submitted_by",
    ).get(pk=revision_id)


def _roles(revision: Revision) -> list[QualificationRole]:
    return list(
        QualificationRole.objects.filter(qualification_id=revision.submission.qualification_id)
        .select_related("market_role", "mpid")
        .order_by("market_role__position", "market_role__code")
    )


def _signature(revision: Revision) -> Signature | None:
    return (
        Signature.objects.filter(revision=revision, submission_id=revision.submission_id)
        .select_related("signatory")
        .first()
    )


def _links(revision: Revision) -> list[EvidenceLink]:
    return list(
        EvidenceLink.objects.filter(revision=revision)
        .select_related(
            "question",
            "item__stored_file",
            "item__pack__publisher",
            "item__submission",
        )
        .order_by("question__position", "linked_at", "pk")
    )


def _state_label(item) -> str:
    label = str(item.state_label)
    if item.stored_file.malware_state == "not_scanned" and item.state == ScanState.CLEAN:
        label += " " + _("(no malware scanner configured)")
    return label


def _reliance_source(link: EvidenceLink, revision: Revision) -> str:
    item = link.item
    if item.pack_id:
        return _("Evidence pack “%(pack)s” published by %(publisher)s") % {
            "pack": item.pack.name,
            "publisher": item.pack.publisher.legal_name,
        }
    if item.submission_id and item.submission_id != revision.submission_id:
        return _("Our own evidence from the %(stage)s") % {
            "stage": item.submission.get_stage_display()
        }
    return _("Our own evidence")


def _register(
    links: list[EvidenceLink], type_names: dict[str, str], revision: Revision
) -> tuple[list[RegisterEntry], dict[int, list[int]], list[RelianceEntry]]:
    """The evidence register (one entry per file, numbered E1, E2... in question order),
    the register numbers attached to each question, and the reliance statements."""
    entries: dict[int, RegisterEntry] = {}
    by_question: dict[int, list[int]] = {}
    reliance: list[RelianceEntry] = []
    for link in links:
        item = link.item
        entry = entries.get(item.pk)
        if entry is None:
            number = len(entries) + 1
            entry = entries[item.pk] = RegisterEntry(
                number=number,
                title=item.title,
                type_name=type_names.get(item.evidence_type, item.evidence_type),
                original_name=item.original_name,
                size=item.stored_file.size,
                sha256=item.stored_file.sha256,
                state_label=_state_label(item),
                relied_on=False,
            )
        entry.questions.append(link.question.ref)
        by_question.setdefault(link.question_id, []).append(entry.number)
        if link.relied_on:
            entry.relied_on = True
            reliance.append(
                RelianceEntry(
                    question_ref=link.question.ref,
                    evidence_number=entry.number,
                    title=item.title,
                    source=_reliance_source(link, revision),
                    statement=lines(link.reliance_statement),
                )
            )
    return list(entries.values()), by_question, reliance


def _question_entry(answer: Answer | OrphanedAnswer, evidence: list[int]) -> QuestionEntry:
    question, value = answer.question, answer.value
    entry = QuestionEntry(
        ref=question.ref,
        prompt=question.prompt,
        answered=value not in (None, "", []),
        evidence=evidence,
    )
    if not entry.answered or question.answer_type == AnswerType.EVIDENCE_ONLY:
        return entry
    if question.answer_type == AnswerType.TABLE:
        columns = question.options.get("columns", [])
        entry.table = TableAnswer(
            columns=[column["label"] for column in columns],
            rows=[[cell_text(c, row.get(c["key"])) for c in columns] for row in value],
        )
    else:
        entry.text = lines(answer_text(question, value))
    return entry


def _kept(revision: Revision) -> list[tuple[OrphanedAnswer, QuestionEntry | None]]:
    """The answers a move to this version kept read-only, each drawn as under its own
    question (None where that question could not be found again)."""
    return [
        (orphan, _question_entry(orphan, []) if orphan.question_id else None)
        for orphan in revision.orphans.select_related("question", "from_template").order_by(
            "question_ref"
        )
    ]


def _sections(
    revision: Revision, answers: list[Answer], evidence: dict[int, list[int]]
) -> list[SectionEntry]:
    """The sections with questions that apply (those answered in this revision), under the
    headings of the sections that contain them."""
    by_section: dict[int, list[QuestionEntry]] = {}
    for answer in answers:
        by_section.setdefault(answer.question.section_id, []).append(
            _question_entry(answer, evidence.get(answer.question_id, []))
        )
    sections = list(
        Section.objects.filter(template_id=revision.submission.template_id).order_by("position")
    )
    used_refs = {s.ref for s in sections if s.pk in by_section}
    return [
        SectionEntry(
            ref=section.ref,
            title=section.title,
            depth=section.depth,
            anchor=_anchor("s", section.ref),
            questions=by_section.get(section.pk, []),
        )
        for section in sections
        if section.pk in by_section or any(ref.startswith(section.ref + ".") for ref in used_refs)
    ]


def qad_submission_context(revision_id: int) -> dict[str, Any]:
    """Everything the QAD submission report shows, in eight queries."""
    revision = _load_revision(revision_id)
    submission = revision.submission
    qualification = submission.qualification
    answers = list(
        Answer.objects.filter(revision=revision)
        .select_related("question")
        .order_by("question__position")
    )
    type_names = dict(submission.template.evidence_types.values_list("code", "name"))
    register, evidence, reliance = _register(_links(revision), type_names, revision)
    signature = _signature(revision)
    roles = role_lines(_roles(revision))
    organisation = qualification.organisation
    title = _("%(stage)s, revision %(n)s: %(organisation)s") % {
        "stage": submission.get_stage_display(),
        "n": revision.number,
        "organisation": organisation.legal_name,
    }
    return {
        "title": title,
        "revision": revision,
        "submission": submission,
        "qualification": qualification,
        "organisation": organisation,
        "roles": roles,
        "mpids": sorted({role.mpid for role in roles if role.mpid}),
        "sections": _sections(revision, answers, evidence),
        "kept": _kept(revision),
        "question_count": len(answers),
        "register": register,
        "reliance": reliance,
        "signature": signature,
        "signature_matches": bool(signature and signature.content_hash == revision.content_hash),
        "prepared_at": timezone.now(),
    }


def qad_submission_fingerprint(revision: Revision) -> str:
    """The facts a QAD report shows that can change after the revision is frozen: the
    answers and evidence (through the content hash), the signature, the checks' verdict on
    each file, and who the participant is (name, company number, roles and MPIDs, route and
    wave). Not the submission's review state: the report is the revision as submitted."""
    revision = _load_revision(revision.pk)
    organisation = revision.submission.qualification.organisation
    signature = _signature(revision)
    evidence = sorted(
        (sha256, state, malware, bool(justification))
        for sha256, state, malware, justification in EvidenceLink.objects.filter(
            revision=revision
        ).values_list(
            "item__stored_file__sha256",
            "item__stored_file__scan_state",
            "item__stored_file__malware_state",
            "item__findings_justification",
        )
    )
    facts = {
        "format": QAD_SUBMISSION_FORMAT,
        "content_hash": revision.content_hash,
        "submitted": [revision.submitted_at, revision.submitted_by_id],
        "signature": [signature.pk, signature.content_hash] if signature else None,
        "evidence": evidence,
        "organisation": [organisation.legal_name, organisation.company_number],
        "roles": [[r.market_role.code, r.mpid.code if r.mpid_id else ""] for r in _roles(revision)],
        "route": revision.submission.qualification.route,
        "wave": revision.submission.qualification.wave_id,
    }
    return fingerprint_of(facts)


def qad_submission_filename(report: Report) -> str:
    revision = report.revision
    submission = revision.submission
    organisation = slugify(submission.qualification.organisation.legal_name)[:60]
    stage = "final" if submission.stage == "final" else "initial"
    return f"qad-{stage}-revision-{revision.number}-{organisation}.pdf"


def can_view_qad_report(user, report: Report) -> bool:
    return report.revision_id is not None and can_view_submission(user, report.revision.submission)


def qad_submission_page(report: Report) -> ReportPage:
    revision = report.revision
    submission = revision.submission
    qualification = submission.qualification
    organisation = qualification.organisation
    stage = submission.get_stage_display()
    return ReportPage(
        title=f"{_('PDF report')} · {stage} · {organisation.legal_name}",
        heading=_("The %(stage)s, revision %(n)s, as a PDF")
        % {"stage": stage, "n": revision.number},
        intro=_(
            "The whole submitted revision of %(org)s: every answer, the evidence register with "
            "each file's SHA-256, reliance statements and the signature."
        )
        % {"org": organisation.legal_name},
        breadcrumbs=[
            (organisation.legal_name, qualification.get_absolute_url()),
            (stage, reverse("submission-detail", args=[submission.public_id])),
        ],
        retry_url=reverse("report-request-qad", args=[submission.public_id]),
        retry_fields={"revision": str(revision.number)},
        facts=[(_("Content hash of the revision"), revision.content_hash)],
    )


def revision_subject_key(revision: Revision) -> str:
    return f"revision:{revision.pk}"
