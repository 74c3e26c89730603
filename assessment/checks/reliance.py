"""reliance_references_valid: evidence relied on is evidence the participant may rely on."""

from __future__ import annotations

from assessment.checks.context import CriterionView, RevisionContext
from assessment.checks.params import ChoiceParam
from assessment.checks.registry import CheckOutcome, Params, register
from assessment.checks.text import count, is_are, quoted
from assessment.enums import CheckStatus
from evidence.enums import ScanState
from evidence.models import EvidenceLink

MIN_STATEMENT = 20  # as when reliance is placed (evidence.services.evidence_rely)


def _problems(ctx: RevisionContext, link: EvidenceLink) -> list[str]:
    item = link.item
    found: list[str] = []
    if item.pk not in ctx.reusable_item_ids:
        if item.pack_id is not None:
            found.append(
                f"is from the evidence pack {quoted(item.pack.name)} by {item.pack.publisher}, "
                f"which is not shared with {ctx.organisation}"
            )
        elif item.organisation_id != ctx.organisation.pk:
            found.append(
                "belongs to another organisation and is not in an evidence pack shared with "
                f"{ctx.organisation}"
            )
        elif item.submission_id == ctx.submission.pk:
            found.append("was uploaded for this QAD, so it is not evidence accepted elsewhere")
        else:
            found.append("was never part of a submitted QAD")
    state = item.state
    if state != ScanState.CLEAN:
        found.append(f"is not clean ({ScanState(state).label.lower()})")
    if len(link.reliance_statement.strip()) < MIN_STATEMENT:
        found.append(
            "has no statement saying why it applies"
            if not link.reliance_statement.strip()
            else "has a statement too short to say why it applies"
        )
    return found


@register(
    "reliance_references_valid",
    label="Relied-on evidence may be relied on",
    summary="Each file marked as relied on is one the participant may rely on — its own "
    "evidence from another QAD that was submitted, or an item of an evidence pack shared "
    "with it — is clean, and has a statement saying why it applies. `scope` chooses the "
    "links checked: every relied-on link in the revision (default), or only those on the "
    "criterion's questions.",
    params=[
        ChoiceParam(
            "scope",
            "revision: every relied-on file in the revision; criterion: only those linked to "
            "the criterion's questions.",
            default="revision",
            choices=("revision", "criterion"),
        )
    ],
)
def reliance_references_valid(
    ctx: RevisionContext, criterion: CriterionView, params: Params
) -> CheckOutcome:
    refs = criterion.question_refs if params["scope"] == "criterion" else tuple(ctx.links)
    links = [link for link in ctx.links_for(refs) if link.relied_on]
    if not links:
        if not ctx.qualification.places_reliance:
            return CheckOutcome(
                CheckStatus.NOT_APPLICABLE,
                "This qualification does not place reliance on another party's testing.",
            )
        return CheckOutcome(
            CheckStatus.WARNING,
            "No evidence in this revision is marked as relied on, so there is no reliance "
            "reference to check.",
            questions=criterion.question_refs,
        )
    bad = [(link, found) for link in links if (found := _problems(ctx, link))]
    if bad:
        lines = [
            f"{quoted(link.item.title)} ({link.question.ref}) {' and '.join(found)}"
            for link, found in bad
        ]
        return CheckOutcome(
            CheckStatus.FAIL,
            f"{len(bad)} of {count(len(links), 'relied-on file')} {is_are(len(bad))} not valid: "
            + "; ".join(lines)
            + ".",
            questions=tuple(dict.fromkeys(link.question.ref for link, _ in bad)),
            evidence=tuple(dict.fromkeys(str(link.item.public_id) for link, _ in bad)),
        )
    listed = ", ".join(f"{quoted(link.item.title)} ({link.question.ref})" for link in links)
    subject = (
        "The relied-on file is" if len(links) == 1 else f"All {len(links)} relied-on files are"
    )
    return CheckOutcome(
        CheckStatus.PASS,
        f"{subject} available to rely on and clean, with a statement: {listed}.",
        questions=tuple(dict.fromkeys(link.question.ref for link in links)),
        evidence=tuple(dict.fromkeys(str(link.item.public_id) for link in links)),
    )
