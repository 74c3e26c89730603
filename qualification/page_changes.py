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

from qualification.page_cache import DIRECTORY, PROGRAMME, organisation_scope, scopes_changed
from qualification.watching import watch_rows

MEMO_SIZE = 50_000
# (parent model label, parent pk) -> its organisation
_organisation_of: dict[tuple[str, int], int] = {}

_TO_REVISION = "revision__submission__qualification__organisation_id"
_TO_SUBMISSION = "submission__qualification__organisation_id"

# label -> (how a row reaches its organisations, whether programme pages list it). Each path
# is followed from a row (a save or deletion) and as a query on a query set (an `update()`).
WATCHED = {
    "qad.Submission": (("qualification__organisation_id",), True),
    "qad.Revision": ((_TO_SUBMISSION,), True),
    "qad.Answer": ((_TO_REVISION,), False),
    "qad.AnswerConflict": ((f"answer__{_TO_REVISION}",), False),
    "qad.SubmissionTransition": ((_TO_SUBMISSION,), True),
    "qad.Signature": ((_TO_SUBMISSION,), True),
    "qad.OrphanedAnswer": ((_TO_REVISION,), False),
    "qad.TemplateMove": (("qualification__organisation_id",), True),
    # The owner, and every organisation whose QAD the file supports (a published pack's
    # files support other organisations' QADs).
    "evidence.EvidenceItem": (("organisation_id", f"links__{_TO_REVISION}"), False),
    "evidence.EvidenceLink": ((_TO_REVISION,), False),
    "evidence.StoredFile": (("items__organisation_id", f"items__links__{_TO_REVISION}"), False),
    "assessment.Clarification": ((_TO_SUBMISSION,), True),
    "assessment.ClarificationMessage": ((f"clarification__{_TO_SUBMISSION}",), True),
    "assessment.CheckRun": ((_TO_REVISION,), True),
    "assessment.CheckResult": ((f"run__{_TO_REVISION}",), True),
    "assessment.Review": ((_TO_SUBMISSION,), True),
    "assessment.ReviewAssignment": ((f"review__{_TO_SUBMISSION}",), True),
    "assessment.CriterionOutcome": ((f"review__{_TO_SUBMISSION}",), True),
    "assessment.WorkOffItem": (("qualification__organisation_id",), True),
    "assessment.WorkOffException": (("item__qualification__organisation_id",), True),
    "assessment.ServiceActivationStep": (("qualification__organisation_id",), True),
}


def _of_parent(model, pk: int | None, path: str) -> list[int]:
    """The organisation `path` reaches from the `model` row `pk`, looked up once per process."""
    if pk is None:
        return []
    key = (model._meta.label, pk)
    if key not in _organisation_of:
        found = model.objects.filter(pk=pk).values_list(path, flat=True).first()
        if found is None:
            return []
        if len(_organisation_of) >= MEMO_SIZE:
            _organisation_of.clear()
        _organisation_of[key] = found
    return [_organisation_of[key]]


def _organisations_of(row, *, new: bool = False) -> set[int]:
    """The organisations `row` belongs to. A path through the row's own foreign key is
    followed from the row it names (memoised); one through rows that name this row (its
    links, say) is a query, and is skipped for a `new` row, which none can name yet."""
    model = type(row)
    found: set[int] = set()
    for path in WATCHED[model._meta.label][0]:
        name, _, rest = path.partition("__")
        field = model._meta.get_field(name)
        if not rest:
            found.add(getattr(row, field.attname))
        elif field.many_to_one or (field.one_to_one and field.concrete):
            found.update(_of_parent(field.related_model, getattr(row, field.attname), rest))
        elif not new:
            found.update(model.objects.filter(pk=row.pk).values_list(path, flat=True))
    found.discard(None)
    return found


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


def forget_links() -> None:
    _organisation_of.clear()


def _row_deleted(sender, instance, **kwargs) -> None:
    if sender._meta.label in WATCHED:
        _row_changed(sender, instance)
    else:
        directory_changed()
    # A deleted row's id may be given again (SQLite reuses the highest): its link goes too.
    _organisation_of.pop((sender._meta.label, instance.pk), None)


def _row_changed(sender, instance, update_fields=None, **kwargs) -> None:
    label = sender._meta.label
    organisations_changed(
        _organisations_of(instance), programme=_reaches_programme(label, update_fields)
    )


def rows_to_update(rows, changes: dict) -> list[str]:
    """The scopes an `update(**changes)` of the query set `rows` is about to change."""
    label = rows.model._meta.label
    if label in DIRECTORY_MODELS:
        return [DIRECTORY, PROGRAMME]
    organisations: set[int] = set()
    for path in WATCHED[label][0]:
        organisations |= set(rows.order_by().values_list(path, flat=True).distinct())
    scopes = [organisation_scope(pk) for pk in organisations if pk is not None]
    return scopes + ([PROGRAMME] if _reaches_programme(label, changes) else [])


def rows_changed(model, organisation_ids: Iterable[int], fields: Iterable[str]) -> None:
    """After rows of `model` belonging to these organisations were updated (`fields`) by SQL
    of the caller's own, which reports here what an `update()` would."""
    organisations_changed(organisation_ids, programme=_reaches_programme(model._meta.label, fields))


def rows_written(model, rows) -> None:
    """After a `bulk_create` of `rows`."""
    label = model._meta.label
    if label in DIRECTORY_MODELS:
        directory_changed()
        return
    organisations = {pk for row in rows for pk in _organisations_of(row, new=True)}
    organisations_changed(organisations, programme=_reaches_programme(label, None))


def _directory_row_changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    directory_changed()


def watch_page_data() -> None:
    # Watched rows have no many-to-many links; the directory's do (a market role's approvers).
    watch_rows(map(apps.get_model, WATCHED), saved=_row_changed, deleted=_row_deleted, uid="page")
    watch_rows(
        map(apps.get_model, DIRECTORY_MODELS),
        saved=_directory_row_changed,
        deleted=_row_deleted,
        uid="page",
    )
