"""Checks that read test evidence: a test execution log's results against a pass-rate
threshold, and requirement coverage in a Requirements to Test Traceability Matrix (RTTM).

Both read CSV or Excel (.xlsx) files. Column headings are matched without regard to case,
spaces or punctuation, with a few common synonyms ("Test case ID", "Test case", "Test ID"...),
so that participants' own exports can be read as they are.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from assessment.checks.context import CriterionView, RevisionContext
from assessment.checks.files import Table, UnreadableEvidence, is_readable
from assessment.checks.params import ChoiceParam, EvidenceTypeParam, NumberParam
from assessment.checks.registry import CheckOutcome, Params, register
from assessment.checks.text import capped, count, percent, quoted, refs
from assessment.enums import CheckStatus
from evidence.models import EvidenceItem

PASSED = frozenset({"passed", "pass", "ok", "success", "successful"})
FAILED = frozenset({"failed", "fail", "failure"})
BLOCKED = frozenset({"blocked"})
SEVERITY = {
    CheckStatus.NOT_APPLICABLE: 0,
    CheckStatus.PASS: 1,
    CheckStatus.WARNING: 2,
    CheckStatus.FAIL: 3,
    CheckStatus.ERROR: 4,
}


@dataclass(frozen=True)
class Column:
    what: str  # "test case", for messages
    headings: tuple[str, ...]  # normalised headings, preferred first

    @property
    def examples(self) -> str:
        return ", ".join(self.headings[:3])


def _normal(heading: str) -> str:
    return re.sub(r"[^a-z0-9]", "", heading.lower())


TEST_CASE = Column(
    "test case",
    (
        "testcaseid",
        "testcase",
        "testcaseref",
        "testcasereference",
        "testid",
        "testref",
        "caseid",
        "tcid",
        "testcasenumber",
        "testcaseno",
    ),
)
RESULT = Column(
    "result",
    (
        "result",
        "testresult",
        "finalresult",
        "executionresult",
        "status",
        "teststatus",
        "executionstatus",
        "outcome",
    ),
)
REQUIREMENT = Column(
    "requirement reference",
    (
        "requirementreference",
        "requirementref",
        "requirementid",
        "requirement",
        "mhhsrequirement",
        "mhhsrequirementreference",
        "mhhsrequirementref",
        "mhhsrequirementid",
        "reqref",
        "reqid",
    ),
)
SCENARIO = Column(
    "scenario",
    ("scenario", "testscenario", "scenarioref", "scenarioid", "testscenarioref", "testscenarioid"),
)
EVIDENCE_REF = Column(
    "evidence reference",
    ("evidencereference", "evidenceref", "evidence", "evidenceid", "evidencelink"),
)
HEADING_EXAMPLES = {
    "test case": "Test case ID, Test case, Test ID",
    "result": "Result, Status, Outcome",
    "requirement reference": "Requirement reference, Requirement ID, MHHS requirement",
}


def _find(table: Table, column: Column) -> int | None:
    normal = [_normal(h) for h in table.headers]
    for heading in column.headings:
        if heading in normal:
            return normal.index(heading)
    return None


def columns_in(
    item: EvidenceItem,
    tables: Sequence[Table],
    required: Sequence[Column],
    optional: Sequence[Column] = (),
) -> tuple[Table, dict[str, int]]:
    """The first table (sheet) with every required column, and where each column is."""
    for table in tables:
        found = {column.what: _find(table, column) for column in (*required, *optional)}
        if all(found[column.what] is not None for column in required):
            return table, {what: index for what, index in found.items() if index is not None}
    if not tables:
        raise UnreadableEvidence(item, "has no rows with column headings")
    first = tables[0]
    missing = [c for c in required if _find(first, c) is None]
    looked = "; ".join(
        f"{c.what} (e.g. {HEADING_EXAMPLES.get(c.what, c.examples)})" for c in missing
    )
    where = f" on sheet {quoted(first.name)}" if first.name else ""
    headings = ", ".join(h for h in first.headers if h) or "none"
    raise UnreadableEvidence(
        item, f"has no column for the {looked}{where}; its headings are: {headings}"
    )


def _cell(row: tuple[str, ...], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def _result(text: str) -> str:
    word = text.strip().lower()
    if word in PASSED:
        return "passed"
    if word in FAILED:
        return "failed"
    if word in BLOCKED:
        return "blocked"
    return word or "no result"


def _worst(statuses) -> CheckStatus:
    return max(statuses, key=lambda s: SEVERITY[s])


def _ids(items) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(item.public_id) for item in items))


# ---------------------------------------------------------------- test_results_summary


def _rate_shown(rate: float, threshold: float) -> str:
    """To one decimal place; rounded down where rounding would make a rate below the
    threshold read as meeting it."""
    shown = round(rate * 100, 1)
    if rate < threshold and shown >= threshold * 100:
        shown = math.floor(rate * 1000) / 10
    return f"{shown:.1f}%"


def summarise_log(ctx: RevisionContext, item: EvidenceItem, threshold: float):
    table, where = columns_in(item, ctx.files.tables(item), [TEST_CASE, RESULT])
    results: dict[str, str] = {}
    for row in table.rows:
        case = _cell(row, where["test case"])
        if case:
            results[case] = _result(_cell(row, where["result"]))  # a retest's result replaces
    tally = Counter(results.values())
    passed, failed, blocked = tally["passed"], tally["failed"], tally["blocked"]
    counted = passed + failed + blocked
    title = quoted(item.title)
    if not counted:
        return (
            CheckStatus.FAIL,
            f"{title} lists no test case with a passed, failed or blocked result.",
        )
    rate = passed / counted
    others = {result: n for result, n in tally.items() if result not in PASSED | FAILED | BLOCKED}
    not_counted = (
        f" Not counted: {count(sum(others.values()), 'test case')} with another result ("
        + ", ".join(f"{result}: {n}" for result, n in sorted(others.items()))
        + ")."
        if others
        else ""
    )
    if not failed and not blocked:
        return (
            CheckStatus.PASS,
            f"{title}: {'the only test case' if counted == 1 else f'all {counted:,} test cases'}"
            f" passed (pass rate 100%, threshold "
            f"{percent(threshold)}).{not_counted}",
        )
    meets = rate >= threshold
    message = (
        f"{title}: {count(counted, 'test case')}: {passed:,} passed, {failed:,} failed, "
        f"{blocked:,} blocked; pass rate {_rate_shown(rate, threshold)} "
        f"{'meets' if meets else 'is below'} the {percent(threshold)} threshold."
    )
    if failed:
        message += f" Failed: {capped([c for c, r in results.items() if r == 'failed'])}."
    if blocked:
        message += f" Blocked: {capped([c for c, r in results.items() if r == 'blocked'])}."
    return (CheckStatus.WARNING if meets else CheckStatus.FAIL), message + not_counted


@register(
    "test_results_summary",
    label="Test results match the logs",
    summary="Reads the test execution logs (CSV or Excel) attached to the criterion's "
    "questions, counts the passed, failed and blocked test cases (a test case listed more "
    "than once counts once, with its last result), and compares the pass rate — passed over "
    "passed, failed and blocked — with `min_pass_rate`. Below it is a fail; at or above it "
    "with failed or blocked cases is a warning; every failed and blocked case is listed (up "
    "to 50 of each, then a count). A log that cannot be read is an error, with the reason; "
    "the other logs are still summarised.",
    params=[
        NumberParam(
            "min_pass_rate",
            "The lowest acceptable pass rate, from 0 to 1 (0.95 is 95%).",
            required=True,
            minimum=0,
            maximum=1,
        ),
        EvidenceTypeParam(
            "evidence_type",
            "The evidence type of the logs.",
            default="test_execution_log",
        ),
    ],
)
def test_results_summary(
    ctx: RevisionContext, criterion: CriterionView, params: Params
) -> CheckOutcome:
    code = params["evidence_type"]
    items = ctx.items_for(criterion.question_refs, types=[code])
    if not items:
        return CheckOutcome(
            CheckStatus.NOT_APPLICABLE,
            f"No {ctx.type_name(code)} is attached to {refs(criterion.question_refs)}.",
            questions=criterion.question_refs,
        )
    found: list[tuple[CheckStatus, str]] = []
    for item in items:
        if not is_readable(item):
            found.append(
                (
                    CheckStatus.WARNING,
                    f"{quoted(item.title)} has not passed the file checks, so it was not read.",
                )
            )
            continue
        try:
            found.append(summarise_log(ctx, item, params["min_pass_rate"]))
        except UnreadableEvidence as exc:  # the other logs are still summarised
            found.append((CheckStatus.ERROR, f"{exc}, so it could not be summarised."))
    return CheckOutcome(
        _worst(status for status, _ in found),
        " ".join(text for _, text in found),
        questions=tuple(
            dict.fromkeys(r for item in items for r in ctx.refs_of(item, criterion.question_refs))
        ),
        evidence=_ids(items),
    )


# ---------------------------------------------------------------- rttm_coverage

_SPLIT = re.compile(r"[,;/\n]+")


def _requirements_in_scope(
    ctx: RevisionContext, criterion: CriterionView, scope: str
) -> dict[str, list[str]]:
    """{MHHS requirement ref: question refs that map to it}, in template order."""
    if scope == "criterion":
        questions = [ctx.questions[ref] for ref in criterion.question_refs]
    else:
        questions = [q for q in ctx.questions.values() if criterion.code_body in q.assessed_by]
    mapped: dict[str, list[str]] = {}
    for question in questions:
        for requirement in question.requirements:
            mapped.setdefault(requirement.strip().upper(), []).append(question.ref)
    return mapped


@register(
    "rttm_coverage",
    label="Requirements traced to tests (RTTM)",
    summary="Reads the latest RTTM (CSV or Excel) attached to the criterion's questions — "
    "columns for the requirement reference, scenario, test case, result and evidence "
    "reference — and checks that every MHHS requirement in scope has at least one test case "
    "that passed. In scope are the requirements of every applicable question the "
    "criterion's Code Body assesses (`scope: code_body`, the default), or only of the "
    "criterion's own questions (`scope: criterion`). Every gap is listed, with why; a "
    "requirement covered only by rows without an evidence reference is a warning.",
    params=[
        ChoiceParam(
            "scope",
            "code_body: requirements of every applicable question the Code Body assesses; "
            "criterion: requirements of the criterion's questions.",
            default="code_body",
            choices=("code_body", "criterion"),
        ),
        EvidenceTypeParam("evidence_type", "The evidence type of the RTTM.", default="rttm"),
    ],
)
def rttm_coverage(ctx: RevisionContext, criterion: CriterionView, params: Params) -> CheckOutcome:
    code = params["evidence_type"]
    attached = ctx.items_for(criterion.question_refs, types=[code])
    if not attached:
        return CheckOutcome(
            CheckStatus.NOT_APPLICABLE,
            f"No {ctx.type_name(code)} is attached to {refs(criterion.question_refs)}.",
            questions=criterion.question_refs,
        )
    readable = [item for item in attached if is_readable(item)]
    if not readable:
        return CheckOutcome(
            CheckStatus.WARNING,
            f"{refs(quoted(item.title) for item in attached)} "
            f"{'has' if len(attached) == 1 else 'have'} not passed the file checks, so no RTTM "
            "was read.",
            questions=criterion.question_refs,
            evidence=_ids(attached),
        )
    item = max(readable, key=lambda i: (i.uploaded_at, i.pk))
    in_scope = _requirements_in_scope(ctx, criterion, params["scope"])
    header = quoted(item.title) + (
        f" (the latest of {len(attached)} RTTMs)" if len(attached) > 1 else ""
    )
    if not in_scope:
        return CheckOutcome(
            CheckStatus.NOT_APPLICABLE,
            "The questions in scope map to no MHHS requirements.",
            questions=criterion.question_refs,
            evidence=(str(item.public_id),),
        )
    table, where = columns_in(
        item, ctx.files.tables(item), [REQUIREMENT, TEST_CASE, RESULT], [SCENARIO, EVIDENCE_REF]
    )
    rows_for: dict[str, list[tuple[str, str, str]]] = {}
    for row in table.rows:
        case = _cell(row, where["test case"])
        result = _result(_cell(row, where["result"]))
        evidence_ref = _cell(row, where.get("evidence reference"))
        for requirement in _SPLIT.split(_cell(row, where["requirement reference"])):
            requirement = requirement.strip().upper()
            if requirement:
                rows_for.setdefault(requirement, []).append((case, result, evidence_ref))
    gaps: list[str] = []
    gap_refs: list[str] = []
    unevidenced: list[str] = []
    for requirement, questions in in_scope.items():
        rows = rows_for.get(requirement, [])
        passed = [r for r in rows if r[1] == "passed"]
        if not rows:
            gaps.append(f"{requirement} (not in the RTTM)")
        elif not passed:
            tried = [f"{case or 'no test case'} {result}" for case, result, _ in rows]
            gaps.append(f"{requirement} (no passed test case: {capped(tried, 5)})")
        elif not any(evidence for _, _, evidence in passed):
            unevidenced.append(requirement)
            continue
        else:
            continue
        gap_refs += questions
    total = len(in_scope)
    evidence = (str(item.public_id),)
    if gaps:
        return CheckOutcome(
            CheckStatus.FAIL,
            f"{header}: {total - len(gaps):,} of {count(total, 'requirement')} in scope "
            f"{'has' if total - len(gaps) == 1 else 'have'} a passed test case. Not covered "
            f"({len(gaps):,}): {'; '.join(gaps)}.",
            questions=tuple(dict.fromkeys(gap_refs)),
            evidence=evidence,
        )
    covered = f"{header}: every requirement in scope ({total:,}) has a passed test case"
    if "evidence reference" not in where:
        return CheckOutcome(
            CheckStatus.WARNING,
            f"{covered}, but the RTTM has no evidence reference column.",
            questions=criterion.question_refs,
            evidence=evidence,
        )
    if unevidenced:
        return CheckOutcome(
            CheckStatus.WARNING,
            f"{covered}, but {count(len(unevidenced), 'requirement')} "
            f"{'has' if len(unevidenced) == 1 else 'have'} no evidence reference for its passed "
            f"test cases: {capped(unevidenced)}.",
            questions=tuple(
                dict.fromkeys(ref for requirement in unevidenced for ref in in_scope[requirement])
            ),
            evidence=evidence,
        )
    return CheckOutcome(
        CheckStatus.PASS, f"{covered}.", questions=criterion.question_refs, evidence=evidence
    )
