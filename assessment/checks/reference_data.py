"""identifiers_match_reference_data: the roles, MPIDs, DIP IDs and route the QAD gives are the
ones the portal holds for the participant (its registered MPIDs, each with its market role and
DIP ID, the roles it seeks and the route it follows)."""

from __future__ import annotations

import re

from assessment.checks.context import CriterionView, RevisionContext
from assessment.checks.registry import CheckOutcome, Params, register
from assessment.checks.text import capped, count, is_are
from assessment.enums import CheckStatus
from qad.enums import AnswerType, SubmissionStage
from qualification.enums import Route

MPID = re.compile(r"^[A-Z0-9]{4}$")
DIP_ID = re.compile(r"^[0-9]{10}$")
# Market Domain Data's market role code: one character, widening to two (CR041/CP1589).
MARKET_ROLE_CODE = re.compile(r"^[A-Z0-9]{1,2}$")
PENDING = "pending"


def _cell(row: dict, key: str) -> str:
    value = row.get(key)
    return str(value).strip() if value not in (None, "") else ""


def _identifier_tables(ctx: RevisionContext, criterion: CriterionView) -> list[str]:
    """The criterion's table questions with an MPID column."""
    return [
        ref
        for ref in criterion.question_refs
        if ctx.questions[ref].answer_type == AnswerType.TABLE
        and any(c.get("key") == "mpid" for c in ctx.questions[ref].options.get("columns", []))
    ]


def _route_questions(ctx: RevisionContext, criterion: CriterionView) -> list[str]:
    """The criterion's single-choice questions whose choices are routes."""
    return [
        ref
        for ref in criterion.question_refs
        if ctx.questions[ref].answer_type == AnswerType.SINGLE_CHOICE
        and {c["value"] for c in ctx.questions[ref].options.get("choices", [])} <= set(Route.values)
    ]


def _row_problems(ctx: RevisionContext, ref: str, number: int, row: dict) -> tuple[list, list]:
    """(problems, things still to come) of one row of an identifiers table."""
    held = ctx.reference_data.mpids
    where = f"{ref} row {number}"
    problems, pending = [], []
    mpid = _cell(row, "mpid").upper()
    if not mpid:
        return [f"{where} gives no MPID"], []
    if not MPID.match(mpid):
        return [f"{where}: {mpid!r} is not an MPID (4 upper-case letters or digits)"], []
    registered = held.get(mpid)
    if registered is None:
        return [f"{where}: MPID {mpid} is not registered to {ctx.organisation} in the portal"], []
    role = _cell(row, "role")
    if role and role.casefold() not in (
        registered.role_code.casefold(),
        registered.role_name.casefold(),
    ):
        problems.append(
            f"{where}: MPID {mpid} is registered for {registered.role_name}, not {role!r}"
        )
    market_role_code = _cell(row, "market_role_code")
    if market_role_code and not MARKET_ROLE_CODE.match(market_role_code):
        problems.append(
            f"{where}: {market_role_code!r} is not a market role code (1 or 2 upper-case "
            "letters or digits, as in Market Domain Data)"
        )
    dip_id = _cell(row, "dip_participant_id")
    if "dip_participant_id" in row or dip_id:
        if not dip_id or dip_id.casefold() == PENDING:
            pending.append(f"{where}: the DIP ID of {mpid} is still to come")
        elif not DIP_ID.match(dip_id):
            problems.append(f"{where}: {dip_id!r} is not a DIP ID (10 digits)")
        elif registered.dip_id and dip_id != registered.dip_id:
            problems.append(
                f"{where}: MPID {mpid} has DIP ID {registered.dip_id} in the portal, not {dip_id}"
            )
    return problems, pending


@register(
    "identifiers_match_reference_data",
    label="Identifiers match the reference data",
    summary="Each row of the criterion's identifier tables (a table question with an `mpid` "
    "column) names an MPID registered to the participant in the portal, for the market role "
    "the row gives (its code or name), with a market role code of 1 or 2 characters, and "
    "with the DIP ID the portal holds for it (10 "
    "digits; `pending` or blank is a warning, which the Final QAD must clear); every role "
    "the qualification seeks has a row for its MPID; and the route the criterion's route "
    "question gives is the qualification's route.",
)
def identifiers_match_reference_data(
    ctx: RevisionContext, criterion: CriterionView, params: Params
) -> CheckOutcome:
    tables = _identifier_tables(ctx, criterion)
    routes = _route_questions(ctx, criterion)
    if not tables and not routes:
        return CheckOutcome(
            CheckStatus.NOT_APPLICABLE,
            "None of the criterion's questions gives MPIDs or a route.",
            questions=criterion.question_refs,
        )
    reference = ctx.reference_data
    problems: list[str] = []
    pending: list[str] = []
    given: set[str] = set()
    for ref in tables:
        rows = ctx.value(ref) or []
        for number, row in enumerate(rows, start=1):
            row_problems, row_pending = _row_problems(ctx, ref, number, row)
            problems += row_problems
            pending += row_pending
            if _cell(row, "mpid"):
                given.add(_cell(row, "mpid").upper())
        for _role_code, role_name, mpid in reference.sought:
            if mpid and mpid not in given:
                problems.append(f"{ref} has no row for {role_name} ({mpid})")
    for ref in routes:
        route = ctx.value(ref)
        if route and route != reference.route:
            problems.append(
                f"{ref} gives the route {Route(route).label}; the qualification follows "
                f"{Route(reference.route).label}"
            )
    concerned = (*tables, *routes)
    if problems:
        return CheckOutcome(
            CheckStatus.FAIL,
            f"{count(len(problems), 'identifier')} {is_are(len(problems))} not as the portal "
            f"holds them: {capped(problems)}.",
            questions=concerned,
        )
    if pending and ctx.submission.stage == SubmissionStage.FINAL:
        return CheckOutcome(
            CheckStatus.FAIL,
            f"The Final QAD must give every DIP ID: {capped(pending)}.",
            questions=concerned,
        )
    if pending:
        return CheckOutcome(
            CheckStatus.WARNING,
            f"The identifiers match the portal's records; {capped(pending)}.",
            questions=concerned,
        )
    return CheckOutcome(
        CheckStatus.PASS,
        f"Every MPID, DIP ID and route given matches the portal's records "
        f"({count(len(given), 'MPID')}).",
        questions=concerned,
    )
