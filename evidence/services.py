"""Adding, linking, replacing and justifying evidence, and recording what the checks found."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.enums import MalwareState, ScanState
from evidence.models import EvidenceItem, EvidenceLink, EvidencePack, StoredFile
from evidence.rules import can_add_evidence, can_manage_packs
from evidence.scanning import MalwareStatus, Outcome, safe_display_name
from evidence.selectors import reusable_evidence
from evidence.signals import file_checked
from evidence.storage import store
from qad.models import Answer, Question, Revision, Submission
from qad.published import template_outline
from qad.rules import can_edit_answer
from qad.services.answers import send_recompute
from qad.services.templates import current_template
from qualification.audit import audit_record
from qualification.models import User
from qualification.outbox import enqueue_on_commit
from qualification.text_limits import text_within

# A file's title and a pack's name (their columns' length).
TITLE_LIMIT = 200


@dataclass(frozen=True)
class UploadResult:
    item: EvidenceItem
    duplicate: bool  # the same content had been uploaded already and was linked instead


def _check_questions(revision: Revision, questions: Iterable[Question], by: User) -> list[Answer]:
    answers = list(
        Answer.objects.filter(revision=revision, question__in=list(questions)).select_related(
            "question"
        )
    )
    if not answers:
        raise ValidationError(_("Choose at least one question this evidence supports."))
    for answer in answers:
        if not can_edit_answer(by, answer, revision):
            raise PermissionDenied(
                _("Evidence for %(ref)s cannot be changed now.") % {"ref": answer.question.ref}
            )
    return answers


def _check_type(submission: Submission, evidence_type: str) -> None:
    if not submission.template.evidence_types.filter(code=evidence_type).exists():
        raise ValidationError(_("Choose one of the evidence types listed."))


def evidence_upload(
    *,
    submission: Submission,
    upload: UploadedFile,
    sha256: str,
    title: str,
    evidence_type: str,
    questions: Iterable[Question],
    by: User,
) -> UploadResult:
    """Store an uploaded file (once per content) and link it to questions of the current
    revision. The checks run in a worker; until they pass the file shows as being checked."""
    if not can_add_evidence(by, submission):
        raise PermissionDenied(_("Evidence cannot be added to this QAD now."))
    _check_type(submission, evidence_type)
    revision = submission.revisions.order_by("-number").first()
    answers = _check_questions(revision, questions, by)
    title = text_within(title.strip(), limit=TITLE_LIMIT, what=_("A title")) or (
        safe_display_name(upload.name)
    )
    stored, created = None, False
    try:
        with transaction.atomic():
            stored, created = _stored_file_for(upload, sha256)
            result = _record_upload(
                submission, revision, answers, stored, created, upload, title, evidence_type, by
            )
    except BaseException:
        if created:
            # Stored for this upload alone, whose record was rolled back: no file without one.
            default_storage.delete(stored.storage_name)
        raise
    return result


def _record_upload(
    submission: Submission,
    revision: Revision,
    answers: list[Answer],
    stored: StoredFile,
    created: bool,
    upload: UploadedFile,
    title: str,
    evidence_type: str,
    by: User,
) -> UploadResult:
    """The evidence item of an upload, its links and audit event; inside its transaction."""
    organisation = submission.qualification.organisation
    item = (
        EvidenceItem.objects.filter(organisation=organisation, stored_file=stored)
        .order_by("uploaded_at")
        .first()
    )
    duplicate = item is not None
    if item is None:
        item = EvidenceItem.objects.create(
            organisation=organisation,
            submission=submission,
            stored_file=stored,
            title=title,
            evidence_type=evidence_type,
            original_name=safe_display_name(upload.name),
            uploaded_by=by,
        )
    for answer in answers:
        EvidenceLink.objects.get_or_create(
            revision=revision,
            question=answer.question,
            item=item,
            defaults={"linked_by": by},
        )
    audit_record(
        kind="evidence.uploaded" if not duplicate else "evidence.linked",
        actor=by,
        summary=(
            f"Evidence “{item.title}” {'linked' if duplicate else 'uploaded'} for "
            + ", ".join(a.question.ref for a in answers)
        ),
        qualification=submission.qualification,
        target=item,
        after={"sha256": stored.sha256, "size": stored.size, "type": evidence_type},
    )
    send_recompute(revision)
    if created or stored.scan_state == ScanState.PENDING:
        _send_scan(stored)
    return UploadResult(item=item, duplicate=duplicate)


def _stored_file_for(upload: UploadedFile, sha256: str) -> tuple[StoredFile, bool]:
    """The stored content for this hash, storing the upload only if it is new."""
    existing = StoredFile.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing, False
    name = store(upload, sha256=sha256)
    try:
        with transaction.atomic():
            return StoredFile.objects.create(
                sha256=sha256, size=upload.size, storage_name=name
            ), True
    except IntegrityError:
        # The same content arrived twice at once; keep the first, drop our copy.
        default_storage.delete(name)
        return StoredFile.objects.get(sha256=sha256), False


def _send_scan(stored: StoredFile) -> None:
    enqueue_on_commit("qad.evidence.scan", stored_file_id=stored.pk)


def evidence_unlink(*, link: EvidenceLink, by: User) -> None:
    """Take evidence off a question of a revision still being written. The file itself is
    kept: it may support other questions, and it stays in the record."""
    revision = link.revision
    if revision.is_frozen:
        raise PermissionDenied(_("Evidence of a submitted revision cannot be removed."))
    _check_questions(revision, [link.question], by)
    with transaction.atomic():
        audit_record(
            kind="evidence.unlinked",
            actor=by,
            summary=f"Evidence “{link.item.title}” removed from {link.question.ref}",
            qualification=revision.submission.qualification,
            target=link.item,
        )
        link.delete()
        send_recompute(revision)


def evidence_change(
    *,
    item: EvidenceItem,
    title: str,
    evidence_type: str,
    questions: Iterable[Question],
    by: User,
) -> EvidenceItem:
    """Correct an uploaded file's title and evidence type, and which questions of the draft
    it supports; recorded with what it was before. A file that is part of a submitted revision
    keeps what the Code Bodies saw: only its links in the draft change."""
    submission = item.submission
    if submission is None or item.pack_id is not None:
        raise PermissionDenied(_("This file belongs to an evidence pack: change it there."))
    if not can_add_evidence(by, submission):
        raise PermissionDenied(_("Evidence cannot be changed in this QAD now."))
    _check_type(submission, evidence_type)
    title = text_within(title.strip(), limit=TITLE_LIMIT, what=_("A title"))
    if not title:
        raise ValidationError(_("Give the file a title."))
    revision = submission.revisions.order_by("-number").first()
    answers = _check_questions(revision, questions, by)
    with transaction.atomic():
        item = EvidenceItem.objects.select_for_update().get(pk=item.pk)
        links = list(
            EvidenceLink.objects.filter(revision=revision, item=item).select_related("question")
        )
        before = {
            "title": item.title,
            "type": item.evidence_type,
            "questions": sorted(link.question.ref for link in links),
        }
        submitted = EvidenceLink.objects.filter(item=item, revision__submitted_at__isnull=False)
        if (title, evidence_type) != (item.title, item.evidence_type) and submitted.exists():
            raise ValidationError(
                _(
                    "This file is part of a submitted revision, so its title and type stay as "
                    "the Code Bodies saw them; upload a new version to change them."
                )
            )
        wanted = {answer.question_id for answer in answers}
        dropped = [link for link in links if link.question_id not in wanted]
        if dropped:  # taking a file off a question is a change to that question's answer
            _check_questions(revision, [link.question for link in dropped], by)
        for link in dropped:
            link.delete()
        for answer in answers:
            EvidenceLink.objects.get_or_create(
                revision=revision, question=answer.question, item=item, defaults={"linked_by": by}
            )
        item.title, item.evidence_type = title, evidence_type
        item.save(update_fields=["title", "evidence_type"])
        after = {
            "title": title,
            "type": evidence_type,
            "questions": sorted(answer.question.ref for answer in answers),
        }
        if after != before:
            audit_record(
                kind="evidence.changed",
                actor=by,
                summary=f"Evidence “{title}” changed",
                qualification=submission.qualification,
                target=item,
                before=before,
                after=after,
            )
        send_recompute(revision)
    return item


def evidence_replace(
    *,
    link: EvidenceLink,
    upload: UploadedFile,
    sha256: str,
    by: User,
) -> EvidenceItem:
    """A new version of a file: it takes the old one's place wherever the old one supports a
    question in the current revision; the old version is kept for the record."""
    revision, old = link.revision, link.item
    if revision.is_frozen:
        raise PermissionDenied(_("Evidence of a submitted revision cannot be replaced."))
    _check_questions(revision, [link.question], by)
    if hasattr(old, "replaced_by"):
        raise ValidationError(_("This file has already been replaced."))
    stored, created = _stored_file_for(upload, sha256)
    with transaction.atomic():
        new = EvidenceItem.objects.create(
            organisation=old.organisation,
            submission=revision.submission,
            stored_file=stored,
            title=old.title,
            evidence_type=old.evidence_type,
            original_name=safe_display_name(upload.name),
            uploaded_by=by,
            replaces=old,
        )
        EvidenceLink.objects.filter(revision=revision, item=old).update(item=new)
        audit_record(
            kind="evidence.replaced",
            actor=by,
            summary=f"Evidence “{old.title}” replaced by a new version",
            qualification=revision.submission.qualification,
            target=new,
            before={"sha256": old.stored_file.sha256},
            after={"sha256": stored.sha256},
        )
        send_recompute(revision)
        if created or stored.scan_state == ScanState.PENDING:
            _send_scan(stored)
    return new


def evidence_justify(*, item: EvidenceItem, justification: str, by: User) -> EvidenceItem:
    """The uploader explains why personal data findings are false positives."""
    if item.submission is None or not can_add_evidence(by, item.submission):
        raise PermissionDenied(_("Only the participant can explain its evidence."))
    if item.stored_file.scan_state != ScanState.NEEDS_ATTENTION:
        raise ValidationError(_("This file has no personal data findings to explain."))
    if len(justification.strip()) < 20:
        raise ValidationError(_("Explain in a sentence or two why these are not personal data."))
    with transaction.atomic():
        item.findings_justification = justification.strip()
        item.justified_by = by
        item.justified_at = timezone.now()
        item.save(update_fields=["findings_justification", "justified_by", "justified_at"])
        audit_record(
            kind="evidence.justified",
            actor=by,
            summary=f"Personal data findings in “{item.title}” explained",
            qualification=item.submission.qualification,
            target=item,
            after=item.findings_justification,
        )
        for revision_id in item.links.values_list("revision_id", flat=True).distinct():
            send_recompute(Revision(pk=revision_id))
    return item


def evidence_rely(
    *,
    submission: Submission,
    item: EvidenceItem,
    question: Question,
    statement: str,
    by: User,
) -> EvidenceLink:
    """Place reliance on evidence accepted elsewhere: the organisation's own earlier
    evidence, or a shared pack it has been granted. The statement says why it applies."""
    organisation = submission.qualification.organisation
    if item not in reusable_evidence(organisation, exclude_submission=submission):
        raise PermissionDenied(_("That evidence is not available to rely on."))
    if len(statement.strip()) < 20:
        raise ValidationError(
            _(
                "Say why this evidence applies to you (same product, version and set-up, or "
                "how yours differs)."
            )
        )
    revision = submission.revisions.order_by("-number").first()
    _check_questions(revision, [question], by)
    with transaction.atomic():
        link, _created = EvidenceLink.objects.update_or_create(
            revision=revision,
            question=question,
            item=item,
            defaults={"linked_by": by, "relied_on": True, "reliance_statement": statement.strip()},
        )
        audit_record(
            kind="evidence.relied_on",
            actor=by,
            summary=f"Reliance placed on “{item.title}” for {question.ref}",
            qualification=submission.qualification,
            target=item,
            after=statement.strip(),
        )
        send_recompute(revision)
    return link


def stored_file_record_checks(*, stored: StoredFile, report) -> StoredFile:
    """Record what the checks found (called by the scanning task). Submitted revisions that
    link the file have their assessment checks run again once its scan is finished."""
    malware = report.malware
    malware_state = {
        None: "",
        MalwareStatus.CLEAN: MalwareState.CLEAN,
        MalwareStatus.INFECTED: MalwareState.INFECTED,
        MalwareStatus.UNAVAILABLE: MalwareState.UNAVAILABLE,
        MalwareStatus.LIMIT_EXCEEDED: MalwareState.REJECTED,
        MalwareStatus.NOT_SCANNED: MalwareState.NOT_SCANNED,
    }[malware.status if malware else None]
    findings = report.personal_data.findings if report.personal_data else ()
    if report.outcome == Outcome.PENDING:
        state = ScanState.PENDING
    elif report.outcome == Outcome.REJECTED:
        state = ScanState.REJECTED
    elif findings:
        state = ScanState.NEEDS_ATTENTION
    else:
        state = ScanState.CLEAN
    with transaction.atomic():
        locked = StoredFile.objects.select_for_update().get(pk=stored.pk)
        locked.scan_state = state
        locked.content_type = report.file_type.content_type or locked.content_type
        locked.malware_state = malware_state
        locked.malware_name = (malware.signature or "") if malware else ""
        locked.reasons = list(report.reasons)
        locked.findings = [
            {
                "kind": str(f.kind),
                "label": f.kind.label,
                "location": f.location,
                "preview": f.preview,
            }
            for f in findings
        ]
        locked.findings_total = report.personal_data.total if report.personal_data else 0
        locked.personal_data_notes = (
            list(report.personal_data.notes) if report.personal_data else []
        )
        locked.personal_data_complete = (
            report.personal_data.complete if report.personal_data else True
        )
        locked.scan_attempts += 1
        locked.scanned_at = timezone.now()
        locked.save()
        revisions = EvidenceLink.objects.filter(item__stored_file=locked).values_list(
            "revision_id", flat=True
        )
        for revision_id in set(revisions):
            send_recompute(Revision(pk=revision_id))
        if state != ScanState.PENDING:
            file_checked.send(sender=StoredFile, stored_file=locked, revision_ids=set(revisions))
    return locked


def pack_create(*, publisher, name: str, description: str, by: User):
    """A provider or vendor publishes an evidence pack for its customers to rely on."""
    if not can_manage_packs(by, publisher):
        raise PermissionDenied(_("Only the organisation admin can publish evidence packs."))
    if not name.strip():
        raise ValidationError(_("Give the pack a name."))
    name = text_within(name.strip(), limit=TITLE_LIMIT, what=_("A pack's name"))
    with transaction.atomic():
        pack = EvidencePack.objects.create(
            publisher=publisher, name=name, description=description.strip()
        )
        audit_record(
            kind="pack.created",
            actor=by,
            summary=f"Evidence pack “{pack.name}” published",
            organisation=publisher,
            target=pack,
        )
    return pack


def pack_evidence_types() -> dict[str, str]:
    """{code: name} of the evidence types a pack's files may have: the current template's
    (a pack serves customers on any version, so the one new work uses)."""
    template = current_template()
    return dict(template_outline(template).evidence_type_names) if template else {}


def pack_upload(
    *, pack, upload: UploadedFile, sha256: str, title: str, evidence_type: str, by: User
) -> EvidenceItem:
    if not can_manage_packs(by, pack.publisher):
        raise PermissionDenied(_("Only the organisation admin can add to this pack."))
    if evidence_type not in pack_evidence_types():
        raise ValidationError(_("Choose one of the evidence types listed."))
    title = text_within(title.strip(), limit=TITLE_LIMIT, what=_("A title")) or (
        safe_display_name(upload.name)
    )
    stored, created = _stored_file_for(upload, sha256)
    with transaction.atomic():
        item = EvidenceItem.objects.create(
            organisation=pack.publisher,
            pack=pack,
            stored_file=stored,
            title=title,
            evidence_type=evidence_type,
            original_name=safe_display_name(upload.name),
            uploaded_by=by,
        )
        audit_record(
            kind="pack.item_added",
            actor=by,
            summary=f"“{item.title}” added to evidence pack “{pack.name}”",
            organisation=pack.publisher,
            target=item,
            after={"sha256": stored.sha256},
        )
        if created or stored.scan_state == ScanState.PENDING:
            _send_scan(stored)
    return item


def pack_grant(*, pack, organisation, by: User, grant: bool = True) -> None:
    """Let an organisation rely on the pack's evidence (or take that back)."""
    if not can_manage_packs(by, pack.publisher):
        raise PermissionDenied(_("Only the organisation admin can share this pack."))
    if organisation == pack.publisher:
        raise ValidationError(_("Your own organisation always has its packs."))
    with transaction.atomic():
        if grant:
            pack.granted_to.add(organisation)
        else:
            pack.granted_to.remove(organisation)
        audit_record(
            kind="pack.granted" if grant else "pack.revoked",
            actor=by,
            summary=f"Evidence pack “{pack.name}” {'shared with' if grant else 'withdrawn from'} "
            f"{organisation.legal_name}",
            organisation=pack.publisher,
            target=pack,
        )
