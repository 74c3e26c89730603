"""Checks on the evidence attached to a criterion's questions: the expected types are there,
every file passed the upload checks, and files are recent enough."""

from __future__ import annotations

import datetime as dt

from assessment.checks.context import CriterionView, RevisionContext
from assessment.checks.files import UnreadableEvidence, is_readable
from assessment.checks.params import DateQuestionParam, EvidenceTypesParam, NumberParam
from assessment.checks.registry import CheckOutcome, Params, register
from assessment.checks.text import count, day, is_are, quoted, refs
from assessment.enums import CheckStatus
from evidence.enums import MalwareState, ScanState
from evidence.models import EvidenceItem


def _ids(items) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(item.public_id) for item in items))


def _none_attached(criterion: CriterionView) -> CheckOutcome:
    return CheckOutcome(
        CheckStatus.NOT_APPLICABLE,
        f"No evidence is attached to the questions that apply ({refs(criterion.question_refs)}).",
        questions=criterion.question_refs,
    )


# ---------------------------------------------------------------- evidence_types_attached


@register(
    "evidence_types_attached",
    label="Expected evidence attached",
    summary="The evidence types the criterion expects are attached to its questions. Without "
    "`types`, every evidence type a question marks as required must be attached to that "
    "question. With `types`, each listed type must be attached to one of the criterion's "
    "questions that expects it (or to any of its questions, where none names the type); a "
    "type only expected by questions that do not apply is not needed. Files rejected by the "
    "upload checks do not count.",
    params=[
        EvidenceTypesParam(
            "types",
            "Evidence type codes that must be attached; default: the required evidence of "
            "each question.",
        )
    ],
)
def evidence_types_attached(
    ctx: RevisionContext, criterion: CriterionView, params: Params
) -> CheckOutcome:
    needs: list[tuple[str, list[str]]] = []  # (type code, questions it may be attached to)
    if params["types"]:
        for code in params["types"]:
            expecting = [
                ref
                for ref in criterion.all_question_refs
                if code in criterion.expected_evidence.get(ref, ())
            ]
            if not expecting:
                needs.append((code, list(criterion.question_refs)))
            elif present := [ref for ref in expecting if ref in ctx.questions]:
                needs.append((code, present))
    else:
        for ref in criterion.question_refs:
            needs += [(code, [ref]) for code in ctx.questions[ref].required_evidence_types]
    if not needs:
        return CheckOutcome(
            CheckStatus.NOT_APPLICABLE,
            "No evidence is expected for the questions that apply "
            f"({refs(criterion.question_refs)}).",
            questions=criterion.question_refs,
        )
    missing: list[str] = []
    missing_refs: list[str] = []
    found_items: list[EvidenceItem] = []
    found: list[str] = []
    for code, candidates in needs:
        links = ctx.links_for(candidates, types=[code])
        accepted = [
            link for link in links if link.item.stored_file.scan_state != ScanState.REJECTED
        ]
        name = ctx.type_name(code)
        if accepted:
            found_items += [link.item for link in accepted]
            found.append(f"{name} ({refs(dict.fromkeys(link.question.ref for link in accepted))})")
            continue
        rejected = list(dict.fromkeys(quoted(link.item.title) for link in links))
        note = f" ({refs(rejected)} {'was' if len(rejected) == 1 else 'were'} rejected)"
        where = " or ".join(candidates)
        missing.append(f"{name} for {where}{note if rejected else ''}")
        missing_refs += candidates
    if missing:
        return CheckOutcome(
            CheckStatus.FAIL,
            f"Missing evidence: {'; '.join(missing)}.",
            questions=tuple(dict.fromkeys(missing_refs)),
            evidence=_ids(found_items),
        )
    return CheckOutcome(
        CheckStatus.PASS,
        f"Every expected evidence type is attached: {'; '.join(found)}.",
        questions=tuple(dict.fromkeys(ref for _, candidates in needs for ref in candidates)),
        evidence=_ids(found_items),
    )


# ---------------------------------------------------------------- evidence_scan_clean


def _scan_problem(item: EvidenceItem) -> tuple[CheckStatus, str] | None:
    stored = item.stored_file
    title = quoted(item.title)
    state = item.state
    if state == ScanState.PENDING:
        return CheckStatus.WARNING, f"{title} is still being checked"
    if state == ScanState.REJECTED:
        reasons = "; ".join(stored.reasons) or "it did not pass the file checks"
        if stored.malware_state == MalwareState.INFECTED:
            reasons = f"malware found: {stored.malware_name or 'unnamed'}"
        return CheckStatus.FAIL, f"{title} was rejected ({reasons})"
    if state == ScanState.NEEDS_ATTENTION:
        findings = count(stored.findings_total, "possible item") + " of personal data"
        return (
            CheckStatus.FAIL,
            f"{title} has {findings} that nobody has resolved or justified",
        )
    if stored.malware_state in ("", MalwareState.NOT_SCANNED):
        return (
            CheckStatus.WARNING,
            f"{title} was not scanned for malware (no scanner was configured)",
        )
    return None


@register(
    "evidence_scan_clean",
    label="Files passed their checks",
    summary="Every file attached to the criterion's questions passed the upload checks: its "
    "type matches its content, it holds no malware, and any personal data findings were "
    "resolved (a clean replacement) or justified by the participant. A file still being "
    "checked, or not scanned for malware, is a warning.",
    params=[EvidenceTypesParam("types", "Only check files of these evidence types; default: all.")],
)
def evidence_scan_clean(
    ctx: RevisionContext, criterion: CriterionView, params: Params
) -> CheckOutcome:
    items = ctx.items_for(criterion.question_refs, types=params["types"])
    if not items:
        return _none_attached(criterion)
    problems = [(item, found) for item in items if (found := _scan_problem(item))]
    justified = [
        quoted(item.title)
        for item in items
        if item.stored_file.scan_state == ScanState.NEEDS_ATTENTION
        and item.state == ScanState.CLEAN
    ]
    if not problems:
        subject = "The file is clean" if len(items) == 1 else f"All {len(items)} files are clean"
        message = f"{subject}: {refs(quoted(item.title) for item in items)}."
        if justified:
            message += (
                f" Personal data findings in {refs(justified)} were justified by the participant."
            )
        return CheckOutcome(
            CheckStatus.PASS,
            message,
            questions=criterion.question_refs,
            evidence=_ids(items),
        )
    failed = any(status == CheckStatus.FAIL for _, (status, _) in problems)
    ordered = sorted(problems, key=lambda p: p[1][0] != CheckStatus.FAIL)
    what = "not clean" if failed else "not confirmed clean yet"
    return CheckOutcome(
        CheckStatus.FAIL if failed else CheckStatus.WARNING,
        f"{len(problems)} of {count(len(items), 'file')} {is_are(len(problems))} {what}: "
        + "; ".join(text for _, (_, text) in ordered)
        + ".",
        questions=tuple(
            dict.fromkeys(
                ref for item, _ in ordered for ref in ctx.refs_of(item, criterion.question_refs)
            )
        ),
        evidence=_ids(item for item, _ in ordered),
    )


# ---------------------------------------------------------------- evidence_within_window


@register(
    "evidence_within_window",
    label="Evidence recent enough",
    summary="Evidence is dated within `max_age_days` before the revision was submitted. The "
    "date is the answer to `date_question` when given; otherwise the date each attached file "
    "records about itself (a PDF's creation date, a Word or Excel file's last-modified "
    "date). Older is a fail; a file that records no date, or a date after submission, is a "
    "warning.",
    params=[
        NumberParam(
            "max_age_days",
            "How many days before submission the evidence may be dated.",
            required=True,
            minimum=1,
            maximum=3650,
            whole=True,
        ),
        DateQuestionParam(
            "date_question", "A date question whose answer dates the evidence; default: none."
        ),
        EvidenceTypesParam("types", "Only date files of these evidence types; default: all."),
    ],
)
def evidence_within_window(
    ctx: RevisionContext, criterion: CriterionView, params: Params
) -> CheckOutcome:
    limit = params["max_age_days"]
    submitted = ctx.submitted_on
    if params["date_question"]:
        return _answer_within_window(ctx, params["date_question"], limit)
    items = ctx.items_for(criterion.question_refs, types=params["types"])
    if not items:
        return _none_attached(criterion)
    fails: list[str] = []
    warnings: list[str] = []
    dated: list[str] = []
    for item in items:
        title = quoted(item.title)
        if not is_readable(item):
            warnings.append(f"{title} has not passed the file checks, so its date was not read")
            continue
        try:
            found = ctx.files.document_date(item)
        except UnreadableEvidence as exc:
            warnings.append(str(exc))
            continue
        if found is None:
            warnings.append(f"{title} records no date (only PDF, Word and Excel files do)")
            continue
        age = (submitted - found.date).days
        if age > limit:
            fails.append(
                f"{title} was {found.how} on {day(found.date)}, {count(age, 'day')} before "
                "submission"
            )
        elif age < 0:
            warnings.append(f"{title} was {found.how} on {day(found.date)}, after submission")
        else:
            dated.append(f"{title} ({found.how} {day(found.date)})")
    window = f"{count(limit, 'day')} before submission on {day(submitted)}"
    touched = (
        criterion.question_refs,
        _ids(items),
    )
    if fails:
        message = f"Older than {window}: {'; '.join(fails)}."
        if warnings:
            message += f" Also: {'; '.join(warnings)}."
        return CheckOutcome(CheckStatus.FAIL, message, *touched)
    if warnings:
        message = f"Not confirmed within {window}: {'; '.join(warnings)}."
        if dated:
            message += f" Within the window: {refs(dated)}."
        return CheckOutcome(CheckStatus.WARNING, message, *touched)
    subject = "The file is" if len(items) == 1 else f"All {len(items)} files are"
    return CheckOutcome(
        CheckStatus.PASS, f"{subject} dated within {window}: {refs(dated)}.", *touched
    )


def _answer_within_window(ctx: RevisionContext, ref: str, limit: int) -> CheckOutcome:
    submitted = ctx.submitted_on
    if ref not in ctx.questions:
        return CheckOutcome(
            CheckStatus.NOT_APPLICABLE, f"{ref} does not apply to this qualification."
        )
    value = ctx.value(ref)
    if not value:
        return CheckOutcome(
            CheckStatus.WARNING,
            f"{ref} is not answered, so the evidence date cannot be checked.",
            questions=(ref,),
        )
    date = dt.date.fromisoformat(value)
    age = (submitted - date).days
    given = f"{ref} gives {day(date)}"
    if age > limit:
        return CheckOutcome(
            CheckStatus.FAIL,
            f"{given}, {count(age, 'day')} before submission on {day(submitted)}; the limit is "
            f"{count(limit, 'day')}.",
            questions=(ref,),
        )
    if age < 0:
        return CheckOutcome(
            CheckStatus.WARNING,
            f"{given}, after submission on {day(submitted)}.",
            questions=(ref,),
        )
    return CheckOutcome(
        CheckStatus.PASS,
        f"{given}, {count(age, 'day')} before submission on {day(submitted)} (the limit is "
        f"{count(limit, 'day')}).",
        questions=(ref,),
    )
