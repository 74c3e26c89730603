"""dates_in_order: dates follow each other, and sit on the right side of the submission."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from assessment.checks.context import CriterionView, RevisionContext
from assessment.checks.params import DatePairsParam, DateTarget, DateTargetsParam
from assessment.checks.registry import CheckOutcome, Params, register
from assessment.checks.text import count, day, refs
from assessment.enums import CheckStatus


@dataclass
class Findings:
    held: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    held_refs: list[str] = field(default_factory=list)
    broken_refs: list[str] = field(default_factory=list)

    def in_order(self, text: str, *refs: str) -> None:
        self.held.append(text)
        self.held_refs += refs

    def out_of_order(self, text: str, *refs: str) -> None:
        self.broken.append(text)
        self.broken_refs += refs


def _date(value) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _template_pairs(ctx: RevisionContext, criterion: CriterionView) -> list[tuple[str, str]]:
    """The order the template itself sets (`not_before`) among the criterion's questions."""
    pairs = []
    for ref in criterion.question_refs:
        earlier = ctx.questions[ref].options.get("not_before")
        if earlier:
            pairs.append((earlier, ref))
    return pairs


def _label(text: str) -> str:
    return text[:1].lower() + text[1:]


@register(
    "dates_in_order",
    label="Dates in order",
    summary="Dates are in order. Each pair in `pairs` (default: the order the template sets "
    "with `not_before` among the criterion's questions) has the earlier date on or before "
    "the later one; each date in `not_after_submission` (e.g. test completion) is on or "
    "before the day the revision was submitted; each date in `after_submission` (e.g. the "
    'due dates of a work-off plan table, "4.8.3:due_date") is after it. Questions that do '
    "not apply, and dates not given, are left out.",
    params=[
        DatePairsParam("pairs", "[earlier, later] date question refs; default: the template's."),
        DateTargetsParam(
            "not_after_submission",
            "Dates that must be on or before the submission date; default: none.",
        ),
        DateTargetsParam(
            "after_submission",
            "Dates (or table date columns) that must be after the submission date; default: none.",
        ),
    ],
)
def dates_in_order(ctx: RevisionContext, criterion: CriterionView, params: Params) -> CheckOutcome:
    pairs = list(params["pairs"] or _template_pairs(ctx, criterion))
    before = [t for t in params["not_after_submission"] or () if t.question in ctx.questions]
    after = [t for t in params["after_submission"] or () if t.question in ctx.questions]
    pairs = [(a, b) for a, b in pairs if a in ctx.questions and b in ctx.questions]
    if not (pairs or before or after):
        return CheckOutcome(
            CheckStatus.NOT_APPLICABLE,
            f"The questions that apply ({refs(criterion.question_refs)}) have no dates to put in "
            "order.",
            questions=criterion.question_refs,
        )
    found = Findings()
    submitted = ctx.submitted_on
    for earlier, later in pairs:
        first, second = _date(ctx.value(earlier)), _date(ctx.value(later))
        if first is None or second is None:
            found.unknown.append(f"{earlier} and {later} are not both answered")
        elif second < first:
            found.out_of_order(
                f"{later} ({day(second)}) is before {earlier} ({day(first)})", earlier, later
            )
        else:
            found.in_order(
                f"{later} ({day(second)}) is not before {earlier} ({day(first)})", earlier, later
            )
    for target in before:
        _against_submission(ctx, target, submitted, found, must_be_after=False)
    for target in after:
        _against_submission(ctx, target, submitted, found, must_be_after=True)
    if found.broken:
        return CheckOutcome(
            CheckStatus.FAIL,
            f"Dates out of order: {'; '.join(found.broken)}.",
            questions=tuple(dict.fromkeys(found.broken_refs)),
        )
    if not found.held:
        return CheckOutcome(
            CheckStatus.NOT_APPLICABLE,
            f"No dates to compare: {'; '.join(found.unknown)}.",
            questions=criterion.question_refs,
        )
    return CheckOutcome(
        CheckStatus.PASS,
        f"Dates are in order: {'; '.join(found.held)}.",
        questions=tuple(dict.fromkeys(found.held_refs)),
    )


def _against_submission(
    ctx: RevisionContext,
    target: DateTarget,
    submitted: dt.date,
    found: Findings,
    *,
    must_be_after: bool,
) -> None:
    ref = target.question
    on = f"submission on {day(submitted)}"
    if not target.column:
        date = _date(ctx.value(ref))
        if date is None:
            found.unknown.append(f"{ref} is not answered")
        elif must_be_after and date <= submitted:
            found.out_of_order(f"{ref} ({day(date)}) is not after {on}", ref)
        elif not must_be_after and date > submitted:
            found.out_of_order(f"{ref} ({day(date)}) is after {on}", ref)
        else:
            relation = "is after" if must_be_after else "is not after"
            found.in_order(f"{ref} ({day(date)}) {relation} {on}", ref)
        return
    columns = ctx.questions[ref].options.get("columns", [])
    label = _label(next((c["label"] for c in columns if c["key"] == target.column), target.column))
    texts = [c["key"] for c in columns if c.get("type") == "text"]
    rows = ctx.value(ref) or []
    dated = 0
    for number, row in enumerate(rows, start=1):
        date = _date(row.get(target.column))
        if date is None:
            continue
        dated += 1
        wrong = date <= submitted if must_be_after else date > submitted
        if wrong:
            name = next((str(row[key]) for key in texts if row.get(key)), "")
            where = f"{ref} row {number}" + (f" ({name})" if name else "")
            relation = "is not after" if must_be_after else "is after"
            found.out_of_order(f"{where}: {label} {day(date)} {relation} {on}", ref)
    if not dated:
        found.unknown.append(f"{ref} has no {label} to check")
    elif not any(text.startswith(f"{ref} row ") for text in found.broken):
        relation = "is after" if must_be_after else "is not after"
        found.in_order(f"every {label} in {ref} ({count(dated, 'row')}) {relation} {on}", ref)
