"""Loading and publishing Code Body criteria sets."""

from __future__ import annotations

import typing

from django.db import transaction
from django.utils.translation import gettext as _

from assessment.checks.params import QuestionFacts, TemplateFacts
from assessment.criteria_file import CriteriaSpec, TemplateRef, read_criteria
from assessment.models import CriteriaSet, Criterion
from qad.enums import VersionStatus
from qad.models import PublishedVersionError, QadTemplate
from qad.services import versions
from qad.version_file_reader import Source
from qualification.audit import audit_record
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
    # Each criterion assesses its questions in every version it applies to (by reference).
    served = [
        template,
        *QadTemplate.objects.filter(
            document_code=spec.template.document, version__in=spec.template.also
        ),
    ]
    criteria_set.also_for.set(served[1:])
    links = []
    for version in served:
        question_ids = dict(version.questions.values_list("ref", "pk"))
        links += [
            Criterion.questions.through(criterion_id=criterion.pk, question_id=question_ids[ref])
            for criterion, c in zip(criteria, spec.criteria, strict=True)
            for ref in c.questions
        ]
    Criterion.questions.through.objects.bulk_create(links)
    return criteria_set


def criteria_set_publish(*, criteria_set: CriteriaSet, by: User | None = None) -> CriteriaSet:
    """Make a draft criteria set current for its Code Body and template version."""
    with transaction.atomic():
        # Criteria may be published before their template version: it cannot be published
        # until every Code Body assessing it has criteria for it (`criteria_for_every_body`).
        locked = versions.lock_draft(CriteriaSet, criteria_set.pk)
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


def code_bodies_without_criteria(template: QadTemplate) -> list[CodeBody]:
    """The Code Bodies that assess questions of this version but have no published criteria
    bound to it: their reviews of work on it would have no criteria to record outcomes on."""
    codes = {
        code
        for assessed_by in template.questions.values_list("assessed_by", flat=True)
        for code in assessed_by or []
    }
    return list(
        CodeBody.objects.filter(code__in=codes)
        .exclude(
            pk__in=CriteriaSet.objects.filter(
                CriteriaSet.applying_to(template.pk), status=VersionStatus.PUBLISHED
            ).values("code_body")
        )
        .order_by("position", "code")
    )


def template_criteria_check(
    *, template: QadTemplate, by: User | None, accepted_gaps: frozenset[str], reason: str
) -> None:
    """Refuse to publish a template version while a Code Body that assesses its questions has
    no published criteria for it, unless the admin accepted that gap and said why (recorded)."""
    missing = [body.code for body in code_bodies_without_criteria(template)]
    refused = [code for code in missing if code not in accepted_gaps]
    if refused:
        raise PublishedVersionError(
            _(
                "%(t)s cannot be published: %(bodies)s assess its questions but have no "
                "published criteria for it. Load and publish their criteria for %(t)s first, "
                "or publish without them, saying why."
            )
            % {"t": template, "bodies": ", ".join(refused)}
        )
    if missing and not reason:
        raise PublishedVersionError(
            _("Say why %(t)s is published without criteria from %(bodies)s.")
            % {"t": template, "bodies": ", ".join(missing)}
        )
    if missing:
        audit_record(
            kind="version.published_without_criteria",
            actor=by,
            summary=f"{template} published without criteria from {', '.join(missing)}: {reason}",
            target=template,
            after={"code_bodies": missing, "reason": reason},
        )
