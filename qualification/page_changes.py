"""Which cached pages a change of data reaches (see `qualification.page_cache`).

Every model a cached page shows is watched: a save or deletion replaces the generation of the
organisation the row belongs to and, for what the programme pages list (submissions, reviews,
clarifications, check runs), of the programme. People, organisations, roles, waves and
qualifications are the directory: any change to them reaches every cached page, as they are
few and rarely change. Writes that bypass the model's signals (`update()`, `bulk_create`) go
through the models' query set, `PageDataQuerySet`, which reports them here.

The row-to-organisation links followed here never change once made (a revision stays in its
submission, a submission in its qualification), so each is looked up once per process.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from qualification.page_cache import DIRECTORY, PROGRAMME, organisation_scope, scopes_changed

MEMO_SIZE = 50_000
_organisation_of: dict[tuple[str, int], int] = {}


def _memo(kind: str, pk: int | None, find) -> list[int]:
    if pk is None:
        return []
    key = (kind, pk)
    if key not in _organisation_of:
        found = find(pk)
        if found is None:
            return []
        if len(_organisation_of) >= MEMO_SIZE:
            _organisation_of.clear()
        _organisation_of[key] = found
    return [_organisation_of[key]]


def _via(model: str, path: str):
    def find(pk: int) -> int | None:
        return apps.get_model(model).objects.filter(pk=pk).values_list(path, flat=True).first()

    return find


def of_qualification(pk: int | None) -> list[int]:
    return _memo("qualification", pk, _via("qualification.Qualification", "organisation_id"))


def of_submission(pk: int | None) -> list[int]:
    return _memo("submission", pk, _via("qad.Submission", "qualification__organisation_id"))


def of_revision(pk: int | None) -> list[int]:
    return _memo("revision", pk, _via("qad.Revision", "submission__qualification__organisation_id"))


def of_review(pk: int | None) -> list[int]:
    return _memo(
        "review", pk, _via("assessment.Review", "submission__qualification__organisation_id")
    )


def _of_evidence_item(item) -> list[int]:
    """The item's owner and every organisation whose QAD it supports (a published pack's
    files support other organisations' QADs)."""
    EvidenceLink = apps.get_model("evidence", "EvidenceLink")
    linked = EvidenceLink.objects.filter(item_id=item.pk).values_list(
        "revision__submission__qualification__organisation_id", flat=True
    )
    return [item.organisation_id, *set(linked)]


def _of_stored_file(stored) -> list[int]:
    EvidenceItem = apps.get_model("evidence", "EvidenceItem")
    owners = EvidenceItem.objects.filter(stored_file_id=stored.pk).values_list(
        "organisation_id", flat=True
    )
    EvidenceLink = apps.get_model("evidence", "EvidenceLink")
    linked = EvidenceLink.objects.filter(item__stored_file_id=stored.pk).values_list(
        "revision__submission__qualification__organisation_id", flat=True
    )
    return list(set(owners) | set(linked))


# label -> (the organisations a row belongs to, whether programme pages list it)
WATCHED = {
    "qad.Submission": (lambda r: of_qualification(r.qualification_id), True),
    "qad.Revision": (lambda r: of_submission(r.submission_id), True),
    "qad.Answer": (lambda r: of_revision(r.revision_id), False),
    "qad.AnswerConflict": (
        lambda r: _memo(
            "answer",
            r.answer_id,
            _via("qad.Answer", "revision__submission__qualification__organisation_id"),
        ),
        False,
    ),
    "qad.SubmissionTransition": (lambda r: of_submission(r.submission_id), True),
    "qad.Signature": (lambda r: of_submission(r.submission_id), True),
    "qad.OrphanedAnswer": (lambda r: of_revision(r.revision_id), False),
    "qad.TemplateMove": (lambda r: of_qualification(r.qualification_id), True),
    "evidence.EvidenceItem": (_of_evidence_item, False),
    "evidence.EvidenceLink": (lambda r: of_revision(r.revision_id), False),
    "evidence.StoredFile": (_of_stored_file, False),
    "assessment.Clarification": (lambda r: of_submission(r.submission_id), True),
    "assessment.ClarificationMessage": (
        lambda r: _memo(
            "clarification",
            r.clarification_id,
            _via("assessment.Clarification", "submission__qualification__organisation_id"),
        ),
        True,
    ),
    "assessment.CheckRun": (lambda r: of_revision(r.revision_id), True),
    "assessment.Review": (lambda r: of_submission(r.submission_id), True),
    "assessment.ReviewAssignment": (lambda r: of_review(r.review_id), True),
    "assessment.CriterionOutcome": (lambda r: of_review(r.review_id), True),
    "assessment.WorkOffItem": (lambda r: of_qualification(r.qualification_id), True),
    "assessment.WorkOffException": (
        lambda r: _memo(
            "work-off",
            r.item_id,
            _via("assessment.WorkOffItem", "qualification__organisation_id"),
        ),
        True,
    ),
    "assessment.ServiceActivationStep": (lambda r: of_qualification(r.qualification_id), True),
    "assessment.CheckResult": (
        lambda r: _memo("check-run", r.run_id, _via("assessment.CheckRun", _TO_REVISION)),
        True,
    ),
}

# label -> how a query set of its rows reaches their organisations (for `update()`).
_TO_REVISION = "revision__submission__qualification__organisation_id"
_TO_SUBMISSION = "submission__qualification__organisation_id"
ORGANISATION_PATHS = {
    "qad.Submission": ("qualification__organisation_id",),
    "qad.Revision": (_TO_SUBMISSION,),
    "qad.Answer": (_TO_REVISION,),
    "qad.AnswerConflict": (f"answer__{_TO_REVISION}",),
    "qad.SubmissionTransition": (_TO_SUBMISSION,),
    "qad.Signature": (_TO_SUBMISSION,),
    "qad.OrphanedAnswer": (_TO_REVISION,),
    "qad.TemplateMove": ("qualification__organisation_id",),
    "evidence.EvidenceItem": ("organisation_id", f"links__{_TO_REVISION}"),
    "evidence.EvidenceLink": (_TO_REVISION,),
    "evidence.StoredFile": ("items__organisation_id", f"items__links__{_TO_REVISION}"),
    "assessment.Clarification": (_TO_SUBMISSION,),
    "assessment.ClarificationMessage": (f"clarification__{_TO_SUBMISSION}",),
    "assessment.CheckRun": (_TO_REVISION,),
    "assessment.CheckResult": (f"run__{_TO_REVISION}",),
    "assessment.Review": (_TO_SUBMISSION,),
    "assessment.ReviewAssignment": (f"review__{_TO_SUBMISSION}",),
    "assessment.CriterionOutcome": (f"review__{_TO_SUBMISSION}",),
    "assessment.WorkOffItem": ("qualification__organisation_id",),
    "assessment.WorkOffException": ("item__qualification__organisation_id",),
    "assessment.ServiceActivationStep": ("qualification__organisation_id",),
}

# Changes to these reach every cached page.
DIRECTORY_MODELS = (
    "qualification.User",
    "qualification.CodeBody",
    "qualification.MarketRole",
    "qualification.Organisation",
    "qualification.Mpid",
    "qualification.Contact",
    "qualification.Membership",
    "qualification.CodeBodyMembership",
    "qualification.Invitation",
    "qualification.Wave",
    "qualification.WaveDeadline",
    "qualification.Qualification",
    "qualification.QualificationRole",
    "qualification.RoleApproval",
    "qualification.QualificationTransition",
    "qualification.PreQualification",
    "evidence.EvidencePack",
)


def organisations_changed(organisation_ids: Iterable[int], *, programme: bool = False) -> None:
    scopes = [organisation_scope(pk) for pk in organisation_ids if pk is not None]
    if programme:
        scopes.append(PROGRAMME)
    scopes_changed(scopes)


def directory_changed() -> None:
    scopes_changed([DIRECTORY, PROGRAMME])


# A revision's completeness is shown to its participant alone (a revision an assessor reads is
# frozen): its recount, after each saved answer, leaves the programme's pages as they are.
COMPLETENESS_FIELDS = frozenset(
    {
        "section_progress",
        "answered_count",
        "required_count",
        "completeness_updated_at",
        "completeness_stale",
    }
)


def _reaches_programme(label: str, fields) -> bool:
    if fields and label == "qad.Revision":
        return not set(fields) <= COMPLETENESS_FIELDS
    return label in DIRECTORY_MODELS or WATCHED[label][1]


# The memo's kinds by the model whose rows they name: a deleted row's id may be given again
# (SQLite reuses the highest), so its entry goes with it.
MEMO_KINDS = {
    "qualification.Qualification": "qualification",
    "qad.Submission": "submission",
    "qad.Revision": "revision",
    "qad.Answer": "answer",
    "assessment.Review": "review",
    "assessment.Clarification": "clarification",
    "assessment.CheckRun": "check-run",
    "assessment.WorkOffItem": "work-off",
}


def forget_links() -> None:
    _organisation_of.clear()


def _row_deleted(sender, instance, **kwargs) -> None:
    kind = MEMO_KINDS.get(sender._meta.label)
    if sender._meta.label in WATCHED:
        _row_changed(sender, instance)
    else:
        directory_changed()
    if kind:
        _organisation_of.pop((kind, instance.pk), None)


def _row_changed(sender, instance, update_fields=None, **kwargs) -> None:
    label = sender._meta.label
    find, _programme = WATCHED[label]
    organisations_changed(find(instance) or [], programme=_reaches_programme(label, update_fields))


NEW_ROW_OWNERS = {
    "evidence.EvidenceItem": lambda item: [item.organisation_id],
    "evidence.StoredFile": lambda stored: [],
}


def rows_to_update(rows, changes: dict, known: Iterable[int] | None = None) -> list[str]:
    """The scopes an `update(**changes)` of the query set `rows` is about to change; `known`:
    the rows' organisations, when the caller knows them."""
    label = rows.model._meta.label
    if label in DIRECTORY_MODELS:
        return [DIRECTORY, PROGRAMME]
    organisations = set(known or ())
    for path in ORGANISATION_PATHS[label] if known is None else ():
        organisations |= set(rows.order_by().values_list(path, flat=True).distinct())
    scopes = [organisation_scope(pk) for pk in organisations if pk is not None]
    return scopes + ([PROGRAMME] if _reaches_programme(label, changes) else [])


def rows_written(model, rows) -> None:
    """After a `bulk_create` of `rows`."""
    label = model._meta.label
    if label in DIRECTORY_MODELS:
        directory_changed()
        return
    # New rows have no rows of their own yet: a new file supports no QAD before it is linked.
    find = NEW_ROW_OWNERS.get(label) or WATCHED[label][0]
    organisations = {pk for row in rows for pk in (find(row) or [])}
    organisations_changed(organisations, programme=_reaches_programme(label, None))


def _directory_row_changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    directory_changed()


def watch_page_data() -> None:
    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(_row_changed, sender=model, dispatch_uid=f"page:{label}")
        post_delete.connect(_row_deleted, sender=model, dispatch_uid=f"page-d:{label}")
    for label in DIRECTORY_MODELS:
        model = apps.get_model(label)
        post_save.connect(_directory_row_changed, sender=model, dispatch_uid=f"page:{label}")
        post_delete.connect(_row_deleted, sender=model, dispatch_uid=f"page-d:{label}")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                _directory_row_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"page-m:{label}.{field.name}",
            )
