"""Reads about the evidence attached to a revision."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from evidence.enums import ScanState
from evidence.models import EvidenceItem, EvidenceLink, EvidencePack


def revision_links(revision) -> QuerySet[EvidenceLink]:
    return (
        EvidenceLink.objects.filter(revision=revision)
        .select_related(
            "item__stored_file",
            "item__uploaded_by",
            "item__organisation",
            "item__pack__publisher",
            "item__submission",
            "question",
            "question__section",
        )
        .order_by("question__position", "linked_at")
    )


# What a register row draws (the page and its CSV), and nothing else of each file.
REGISTER_ITEM_FIELDS = (
    "public_id",
    "title",
    "evidence_type",
    "original_name",
    "uploaded_at",
    "replaces",
    "findings_justification",
    "pack__name",
    "pack__publisher__legal_name",
    "submission__stage",
    "uploaded_by__full_name",
    "stored_file__sha256",
    "stored_file__size",
    "stored_file__scan_state",
    "stored_file__malware_state",
    "stored_file__reasons",
    "stored_file__findings",
    "stored_file__findings_total",
    "stored_file__personal_data_notes",
    "stored_file__personal_data_complete",
)


REGISTER_SORTS = ("uploaded", "title", "type", "size", "state")


def register_items(
    revision,
    *,
    type_names: dict[str, str],
    evidence_type: str = "",
    state: str = "",
    sort: str = "uploaded",
    kept: dict[int, list[str]] | None = None,
) -> QuerySet[EvidenceItem]:
    """The files linked to the revision's questions, each once, filtered and sorted by the
    database, so that a page of the register reads only its own rows (`register_page`, then
    `register_rows`).

    `state` is the state the register shows (EvidenceItem.state: personal-data findings
    that were justified count as clean); `sort` is one of REGISTER_SORTS, newest first for
    anything else; the type sort follows the types' names in `type_names`."""
    # The revision's items read first, as a list: the planner then starts from them rather
    # than from every item the reader may see (a scan of all the programme's files).
    linked = list(
        EvidenceLink.objects.filter(revision=revision)
        .order_by()
        .values_list("item_id", flat=True)
        .distinct()
    )
    # With the files of answers kept read-only after a move (`kept`, when read already).
    linked += list(kept_with_orphans(revision) if kept is None else kept)
    items = EvidenceItem.objects.filter(pk__in=linked).annotate(
        shown_state=Case(
            When(
                Q(stored_file__scan_state=ScanState.NEEDS_ATTENTION)
                & ~Q(findings_justification=""),
                then=Value(ScanState.CLEAN.value),
            ),
            default=F("stored_file__scan_state"),
        )
    )
    if evidence_type:
        items = items.filter(evidence_type=evidence_type)
    if state:
        items = items.filter(shown_state=state)
    if sort == "title":
        return items.order_by(Lower("title"), "pk")
    if sort == "size":
        return items.order_by("-stored_file__size", "pk")
    if sort == "state":
        return items.order_by("shown_state", "pk")
    if sort == "type":
        by_name = sorted(type_names, key=lambda code: type_names[code])
        rank = Case(
            *(When(evidence_type=code, then=Value(n)) for n, code in enumerate(by_name)),
            default=Value(len(by_name)),
            output_field=IntegerField(),
        )
        return items.alias(type_rank=rank).order_by("type_rank", "evidence_type", "pk")
    return items.order_by("-uploaded_at", "-pk")


def register_page(items: QuerySet[EvidenceItem], *, number, per_page: int) -> Page:
    """Page `number` of `items` (the last page if there is no such page) as the ids of its
    items, read in one query with the number of all of them."""
    try:
        number = max(1, int(number))
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    found = list(
        items.annotate(total=Window(Count("pk"))).values_list("pk", "total")[
            start : start + per_page
        ]
    )
    if not found:  # past the end, or nothing at all: counted, then the last page
        return Paginator(items.values_list("pk", flat=True), per_page).get_page(number)
    paginator = Paginator([], per_page)
    paginator.count = found[0][1]  # Paginator.count is a cached property
    return Page([pk for pk, _total in found], number, paginator)


@dataclass
class RegisterRow:
    item: EvidenceItem
    type: str
    questions: list[str] = field(default_factory=list)
    relied_on: bool = False
    statement: str = ""
    # The questions of an earlier version it answered that this one does not ask here, and
    # why: "4.2.3 in QAD v3.01: the question was removed".
    kept_for: list[str] = field(default_factory=list)
    change_url: str = ""  # where its details are corrected (set by the register's page)


def kept_with_orphans(revision) -> dict[int, list[str]]:
    """The files that supported answers a move kept read-only (their question removed, no
    longer asked of this participant, or taking another kind of answer), still the
    revision's evidence: {item id: what it answered and why that answer is kept}."""
    found: dict[int, list[str]] = {}
    for orphan in revision.orphans.select_related("from_template").order_by("question_ref"):
        for entry in orphan.evidence:
            if entry.get("item"):
                found.setdefault(entry["item"], []).append(
                    _("%(ref)s in %(version)s: %(reason)s")
                    % {
                        "ref": orphan.question_ref,
                        "version": orphan.from_template,
                        "reason": orphan.get_reason_display(),
                    }
                )
    return found


def register_rows(
    item_ids, *, revision, type_names: dict[str, str], kept: dict[int, list[str]] | None = None
) -> list[RegisterRow]:
    """The register's rows for the items `item_ids` (a page of `register_items`), in that
    order: the items with their files, uploaders and sources in one query (by id: a plan the
    database makes at once, unlike the same joins beside the filter and sort), and the refs
    of the questions each supports in this revision, with whether it is relied on (from its
    first link), in one more."""
    items = (
        EvidenceItem.objects.select_related(
            "stored_file", "uploaded_by", "pack__publisher", "submission"
        )
        .only(*REGISTER_ITEM_FIELDS)
        .in_bulk(list(item_ids))
    )
    rows = {
        pk: RegisterRow(items[pk], type_names.get(items[pk].evidence_type, items[pk].evidence_type))
        for pk in item_ids
        if pk in items
    }
    for item_id, ref, relied_on, statement in (
        EvidenceLink.objects.filter(revision=revision, item__in=list(rows))
        .order_by("question__position", "linked_at")
        .values_list("item_id", "question__ref", "relied_on", "reliance_statement")
    ):
        row = rows[item_id]
        if not row.questions:
            row.relied_on, row.statement = relied_on, statement
        row.questions.append(ref)
    if kept is None:
        kept = kept_with_orphans(revision)
    for item_id, kept_for in kept.items():
        if item_id in rows:
            rows[item_id].kept_for = kept_for
    return list(rows.values())


def question_links(revision, question_ids) -> QuerySet[EvidenceLink]:
    """The revision's evidence for some of its questions, with what a reader is shown of each
    file (its title, size, state and whether it may be downloaded), in the order attached."""
    return (
        EvidenceLink.objects.filter(revision=revision, question_id__in=question_ids)
        .select_related("item__stored_file")
        .order_by("question_id", "linked_at", "pk")
    )


def attached_evidence_types(revision, *, question_id: int | None = None) -> dict[int, set[str]]:
    """{question id: evidence type codes attached to it}, for every question or the one
    given; rejected files do not count."""
    links = EvidenceLink.objects.filter(revision=revision)
    if question_id is not None:
        links = links.filter(question_id=question_id)
    attached: dict[int, set[str]] = defaultdict(set)
    for question_id_, evidence_type, state in links.values_list(
        "question_id", "item__evidence_type", "item__stored_file__scan_state"
    ):
        if state != ScanState.REJECTED:
            attached[question_id_].add(evidence_type)
    return dict(attached)


@dataclass
class EvidenceTally:
    """How many files support a question, how many are still being checked, and how many
    wait for the participant (rejected, or with personal data found and not explained)."""

    files: int = 0
    pending: int = 0
    needs_attention: int = 0
    rejected: int = 0

    @property
    def needs_a_look(self) -> bool:
        return bool(self.needs_attention or self.rejected)


def _justified() -> ExpressionWrapper:
    """Whether a link's file has its personal-data findings explained (it then reads as
    clean)."""
    return ExpressionWrapper(~Q(item__findings_justification=""), output_field=BooleanField())


def evidence_tallies(revision, question_ids) -> dict[int, EvidenceTally]:
    """{question id: its EvidenceTally} for these questions of the revision, in one query."""
    tallies: dict[int, EvidenceTally] = defaultdict(EvidenceTally)
    links = (
        EvidenceLink.objects.filter(revision=revision, question_id__in=question_ids)
        .annotate(justified=_justified())
        .values_list("question_id", "item__stored_file__scan_state", "justified")
    )
    for question_id, state, justified in links:
        tally = tallies[question_id]
        tally.files += 1
        if state == ScanState.PENDING:
            tally.pending += 1
        elif state == ScanState.REJECTED:
            tally.rejected += 1
        elif state == ScanState.NEEDS_ATTENTION and not justified:
            tally.needs_attention += 1
    return dict(tallies)


def files_needing_a_look(revision, question_ids) -> dict[int, list[tuple[str, str]]]:
    """{question id: [(title, state label)]} of the files that wait for the participant
    (rejected, or personal data found and not explained), in one query of rows: only what a
    line under the question says (no file, uploader or pack is built)."""
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    rows = (
        EvidenceLink.objects.filter(
            revision=revision,
            question_id__in=question_ids,
            item__stored_file__scan_state__in=[ScanState.REJECTED, ScanState.NEEDS_ATTENTION],
        )
        .order_by("linked_at")
        .annotate(justified=_justified())
        .values_list("question_id", "item__title", "item__stored_file__scan_state", "justified")
    )
    for question_id, title, state, justified in rows:
        if state == ScanState.NEEDS_ATTENTION and justified:
            continue
        found[question_id].append((title, ScanState(state).label))
    return dict(found)


@dataclass(frozen=True)
class EvidenceProblem:
    question_id: int
    item: EvidenceItem
    message: str


def evidence_problems(revision) -> list[EvidenceProblem]:
    """Linked files that stand in the way of submitting: still being checked, rejected, or
    with personal data findings nobody has resolved or justified."""
    problems = []
    for link in revision_links(revision):
        item, state = link.item, link.item.state
        if state == ScanState.PENDING:
            message = f"“{item.title}” is still being checked; wait a moment and reload."
        elif state == ScanState.REJECTED:
            reason = "; ".join(item.stored_file.reasons) or "it did not pass the checks"
            message = f"“{item.title}” was rejected ({reason}); remove or replace it."
        elif state == ScanState.NEEDS_ATTENTION:
            message = (
                f"“{item.title}” seems to contain personal data; replace it with an "
                "obfuscated copy, or explain why the findings are not personal data."
            )
        else:
            continue
        problems.append(EvidenceProblem(link.question_id, item, message))
    return problems


def reusable_evidence(organisation, *, exclude_submission=None) -> list[EvidenceItem]:
    """Evidence this organisation may place reliance on: its own clean evidence from earlier
    submitted revisions, then clean items of evidence packs it has been granted; in one query
    that starts from the organisation's own rows and the granted packs, not from every file."""
    own = Q(
        Exists(
            EvidenceLink.objects.filter(item=OuterRef("pk"), revision__submitted_at__isnull=False)
        ),
        organisation=organisation,
    )
    if exclude_submission is not None:
        own &= ~Q(submission=exclude_submission)
    # The granted packs first, then their items: the items' pack index, not a scan of all.
    granted = Q(pack__in=EvidencePack.objects.filter(granted_to=organisation).values("pk"))
    return list(
        EvidenceItem.objects.filter(own | granted, stored_file__scan_state=ScanState.CLEAN)
        .select_related("stored_file", "submission__qualification", "pack__publisher")
        .order_by(F("pack_id").asc(nulls_first=True), "-uploaded_at")
    )
