"""Loading and publishing QAD template versions."""

from __future__ import annotations

from collections.abc import Collection
from typing import Unpack

from django.db import transaction

from qad.enums import VersionStatus
from qad.models import EvidenceType, QadTemplate, Question, Section
from qad.services.versions import (
    LoadOptions,
    VersionKind,
    VersionLoad,
    draft_fields,
    lock_draft,
    publish_over,
)
from qad.signals import template_publishing
from qad.template_file import TemplateSpec, Vocabulary, read_template
from qad.version_file_reader import Source
from qualification.models import CodeBody, MarketRole, User


def template_vocabulary() -> Vocabulary:
    roles = MarketRole.objects.prefetch_related("approvers")
    loaded: dict[tuple[str, str], set[str]] = {}
    for code, version, ref in Question.objects.values_list(
        "template__document_code", "template__version", "ref"
    ):
        loaded.setdefault((code, version), set()).add(ref)
    return Vocabulary(
        role_approvers={r.code: frozenset(a.code for a in r.approvers.all()) for r in roles},
        code_bodies=frozenset(CodeBody.objects.values_list("code", flat=True)),
        loaded_questions={key: frozenset(refs) for key, refs in loaded.items()},
    )


def qad_template_load(**options: Unpack[LoadOptions]) -> VersionLoad[TemplateSpec, QadTemplate]:
    """Check a template file and load it as a new version, all or nothing (options: those
    of `VersionKind.load`)."""
    return TEMPLATE_FILES.load(**options)


def _write_template(spec: TemplateSpec, source: Source, loaded_by: User | None) -> QadTemplate:
    template = QadTemplate.objects.create(
        document_code=spec.document_code,
        document_name=spec.document_name,
        previous_version=spec.previous,
        removed=spec.removed,
        **draft_fields(spec, source, loaded_by),
    )
    EvidenceType.objects.bulk_create(
        EvidenceType(
            template=template, code=e.code, name=e.name, description=e.description, position=i
        )
        for i, e in enumerate(spec.evidence_types)
    )
    sections = Section.objects.bulk_create(
        Section(
            template=template,
            ref=s.ref,
            title=s.title,
            guidance=s.guidance,
            applies_roles=s.applies.roles,
            applies_routes=s.applies.routes,
            applies_when=s.applies.when,
            applies_stages=s.applies.stages,
            position=i,
        )
        for i, s in enumerate(spec.sections)
    )
    questions = []
    for section, section_spec in zip(sections, spec.sections, strict=True):
        for q in section_spec.questions:
            questions.append(
                Question(
                    template=template,
                    section=section,
                    ref=q.ref,
                    prompt=q.prompt,
                    guidance=q.guidance,
                    answer_type=q.answer_type,
                    required=q.required,
                    options=q.options,
                    assessed_by=q.assessed_by,
                    requirements=q.requirements,
                    evidence=q.evidence,
                    replaces=q.replaces,
                    split_from=q.split_from,
                    applies_roles=q.applies.roles,
                    applies_routes=q.applies.routes,
                    applies_when=q.applies.when,
                    applies_stages=q.applies.stages,
                    position=len(questions),
                )
            )
    Question.objects.bulk_create(questions)
    return template


def qad_template_publish(
    *,
    template: QadTemplate,
    by: User | None = None,
    accepted_gaps: Collection[str] = (),
    reason: str = "",
) -> QadTemplate:
    """Make a draft version the current one for its document; earlier ones are superseded.
    The apps above may refuse it (`template_publishing`): every Code Body that assesses its
    questions needs something to assess them against, unless the admin accepts the gap
    (`accepted_gaps`, Code Body codes) and says why (`reason`)."""
    with transaction.atomic():
        locked = lock_draft(QadTemplate, template.pk)
        template_publishing.send(
            sender=QadTemplate,
            template=locked,
            by=by,
            accepted_gaps=frozenset(accepted_gaps),
            reason=reason.strip(),
        )
        superseded = QadTemplate.objects.filter(
            document_code=locked.document_code, status=VersionStatus.PUBLISHED
        )
        publish_over(locked, superseded, by)
    template.refresh_from_db()
    return template


def current_template(document_code: str = "QAD") -> QadTemplate | None:
    return (
        QadTemplate.objects.filter(document_code=document_code, status=VersionStatus.PUBLISHED)
        .order_by("-published_at")
        .first()
    )


# How a template file is read, found, written and published (qad.services.versions).
TEMPLATE_FILES: VersionKind[TemplateSpec, QadTemplate] = VersionKind(
    model=QadTemplate,
    read=lambda source: read_template(source, vocabulary=template_vocabulary()),
    find=lambda spec: QadTemplate.objects.filter(
        document_code=spec.document_code, version=spec.version
    ).first(),
    write=_write_template,
    publish=lambda template, by: qad_template_publish(template=template, by=by),
    describe_valid=lambda spec: (
        f"{spec.document_code} v{spec.version} is valid: {len(spec.sections)} sections, "
        f"{len(spec.questions)} questions, {len(spec.evidence_types)} evidence types"
    ),
    describe_loaded=lambda template: (
        f"Loaded {template}: {template.sections.count()} sections, "
        f"{template.questions.count()} questions, {template.evidence_types.count()} "
        f"evidence types ({template.get_status_display().lower()})"
    ),
)
