"""sign_off_matches: the QAD is signed, and the signature covers exactly this content."""

from __future__ import annotations

from django.utils import timezone

from assessment.checks.context import CriterionView, RevisionContext
from assessment.checks.params import ChoiceListParam
from assessment.checks.registry import CheckOutcome, Params, register
from assessment.checks.text import and_list, day
from assessment.enums import CheckStatus
from qad.enums import SubmissionStage


@register(
    "sign_off_matches",
    label="Signed off as the QAD requires",
    summary="For the stages listed in `stages` (default: the Final QAD), a Director (or "
    "permitted delegate) has signed this revision and the content hash recorded with the "
    "signature equals the hash of the revision's answers and evidence computed now. Not yet "
    "signed is a warning (signing follows the Code Bodies' agreement); a signature over "
    "other content, or content changed since submission, is a fail.",
    params=[
        ChoiceListParam(
            "stages",
            "Submission stages that need the sign-off: initial, final.",
            default=(SubmissionStage.FINAL.value,),
            choices=tuple(SubmissionStage.values),
        )
    ],
)
def sign_off_matches(
    ctx: RevisionContext, criterion: CriterionView, params: Params
) -> CheckOutcome:
    stage = ctx.submission.stage
    revision = ctx.revision
    questions = criterion.question_refs
    if stage not in params["stages"]:
        needed = and_list([str(SubmissionStage(s).label) for s in params["stages"]])
        return CheckOutcome(
            CheckStatus.NOT_APPLICABLE,
            f"Sign-off is checked for the {needed} only; this is the "
            f"{SubmissionStage(stage).label}.",
        )
    if ctx.content_hash != revision.content_hash:
        return CheckOutcome(
            CheckStatus.FAIL,
            f"The content of revision {revision.number} no longer matches the hash recorded "
            "when it was submitted.",
            questions=questions,
        )
    signature = ctx.signature
    if signature is None:
        return CheckOutcome(
            CheckStatus.WARNING,
            "Not signed yet: a Director (or permitted delegate) signs once the Code Bodies "
            "agree the content is complete.",
            questions=questions,
        )
    who = f"{signature.signatory_name} ({signature.capacity_label})"
    when = day(timezone.localdate(signature.signed_at))
    if signature.revision_id != revision.pk:
        signed = signature.revision.number
        return CheckOutcome(
            CheckStatus.FAIL,
            f"The signature by {who} on {when} covers revision {signed}, not revision "
            f"{revision.number}.",
            questions=questions,
        )
    if signature.content_hash != ctx.content_hash:
        return CheckOutcome(
            CheckStatus.FAIL,
            f"The signature by {who} on {when} was made over different content from revision "
            f"{revision.number}: the content hashes differ.",
            questions=questions,
        )
    return CheckOutcome(
        CheckStatus.PASS,
        f"Signed by {who} on {when}; the signature matches the content of revision "
        f"{revision.number}.",
        questions=questions,
    )
