"""Loading and publishing Code Body criteria sets."""

from __future__ import annotations

import typing

from django.db import transaction

from assessment.checks.params import QuestionFacts, TemplateFacts
from assessment.criteria_file import CriteriaSpec, TemplateRef, read_criteria
from assessment.models import CriteriaSet, Criterion
from qad.enums import VersionStatus
from qad.models import PublishedVersionError, QadTemplate
from qad.services import versions
from qad.version_file_reader import Source
from qualification.models import CodeBody, User


def _template_facts(ref: TemplateRef) -> TemplateFacts | None:
    """What a criteria file may refer to in its bound template: the questions (who assesses
    each, its answer type, a table's date columns) and the evidence types."""
    template = QadTemplate.objects.filter(document_code=ref.document, version=ref.version).first()
    if template is None:
        return None
    questions = {
        ref: QuestionFacts(
            answer_type=answer_type,
            assessed_by=tuple(assessed_by),
            date_columns=tuple(
                c["key"] for c in (options or {}).get("columns", []) if c.get("type") == "date"
            ),
        )
        for ref, answer_type, assessed_by, options in template.questions.values_list(
            "ref", "answer_type", "assessed_by", "options"
        )
    }
    evidence_types = frozenset(template.evidence_types.values_list("code", flat=True))
    return TemplateFacts(questions=questions, evidence_types=evidence_types)


def criteria_set_load(
    **options: typing.Unpack[versions.LoadOptions],
) -> versions.VersionLoad[CriteriaSpec, CriteriaSet]:
    """Check a criteria file and load it as a new version, all or nothing (options: those
    of `versions.VersionKind.load`)."""
    return CRITERIA_FILES.load(**options)


def _write_criteria(spec: CriteriaSpec, source: Source, loaded_by: User | None) -> CriteriaSet:
    template = QadTemplate.objects.get(
        document_code=spec.template.document, version=spec.template.version
    )
    criteria_set = CriteriaSet.objects.create(
        code_body=CodeBody.objects.get(code=spec.code_body),
        template=template,
        **versions.draft_fields(spec, source, loaded_by),
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(
            criteria_set=criteria_set,
            ref=c.ref,
            title=c.title,
            looks_for=c.looks_for,
            checks=[{"name": check.name, "params": check.params} for check in c.checks],
            position=i,
        )
        for i, c in enumerate(spec.criteria)
    )
    question_ids = dict(template.questions.values_list("ref", "pk"))
    links = [
        Criterion.questions.through(criterion_id=criterion.pk, question_id=question_ids[ref])
        for criterion, c in zip(criteria, spec.criteria, strict=True)
        for ref in c.questions
    ]
    Criterion.questions.through.objects.bulk_create(links)
    return criteria_set


def criteria_set_publish(*, criteria_set: CriteriaSet, by: User | None = None) -> CriteriaSet:
    """Make a draft criteria set current for its Code Body and template version."""
    with transaction.atomic():
        locked = versions.lock_draft(CriteriaSet, criteria_set.pk)
        if not locked.template.is_published:
            raise PublishedVersionError(
                f"{locked.template} is still a draft; publish it before the criteria bound to it"
            )
        superseded = CriteriaSet.objects.filter(
            code_body=locked.code_body, template=locked.template, status=VersionStatus.PUBLISHED
        )
        versions.publish_over(locked, superseded, by)
    criteria_set.refresh_from_db()
    return criteria_set


# How a criteria file is read, found, written and published (qad.services.versions).
CRITERIA_FILES: versions.VersionKind[CriteriaSpec, CriteriaSet] = versions.VersionKind(
    model=CriteriaSet,
    read=lambda source: read_criteria(
        source,
        code_bodies=frozenset(CodeBody.objects.values_list("code", flat=True)),
        template_facts=_template_facts,
    ),
    find=lambda spec: CriteriaSet.objects.filter(
        code_body__code=spec.code_body, version=spec.version
    ).first(),
    write=_write_criteria,
    publish=lambda criteria_set, by: criteria_set_publish(criteria_set=criteria_set, by=by),
    describe_valid=lambda spec: (
        f"{spec.code_body} criteria v{spec.version} is valid: {len(spec.criteria)} "
        f"criteria for {spec.template.document} v{spec.template.version}"
    ),
    describe_loaded=lambda criteria_set: (
        f"Loaded {criteria_set}: {criteria_set.criteria.count()} criteria for "
        f"{criteria_set.template} ({criteria_set.get_status_display().lower()})"
    ),
)
