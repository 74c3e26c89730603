"""Signing a QAD: a Director (or delegate) confirms the declaration over exactly what the
Code Bodies agreed, recorded with the content hash of that revision."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qad.content_hash import revision_content_hash
from qad.enums import SubmissionState
from qad.models import Signature, Submission
from qad.rules import signing_capacity
from qad.services.submissions import submission_transition
from qad.signals import revision_signed
from qualification.contention import lock, retry_on_contention
from qualification.enums import QualificationState, SignatoryCapacity
from qualification.models import Qualification, User
from qualification.services import qualification_transition

DECLARATION = _(
    "I confirm that I am authorised to sign on behalf of %(organisation)s; that the "
    "information and evidence in this Qualification Assessment Document are complete and "
    "accurate; and that %(organisation)s will operate the processes, systems and controls "
    "described in it."
)


def declaration_for(submission: Submission) -> str:
    return DECLARATION % {"organisation": submission.qualification.organisation.legal_name}


@retry_on_contention
def submission_sign(
    *, submission: Submission, user: User, password: str, declaration_confirmed: bool
) -> Signature:
    """Sign the agreed revision. The person re-enters their password and confirms the
    declaration; the signature records who, in what capacity, when, and the content hash."""
    current = Submission.objects.select_related("qualification__organisation").get(pk=submission.pk)
    capacity = signing_capacity(user, current)
    if capacity is None:
        raise PermissionDenied(
            _("Only a Company Director (or, for REC-only roles, a delegate) can sign this QAD.")
        )
    if not declaration_confirmed:
        raise ValidationError(_("Confirm the declaration to sign."))
    if not user.check_password(password):
        raise ValidationError(_("That password is not right. Enter the password you sign in with."))

    with transaction.atomic():
        # The submission, then its qualification (qualification.contention).
        locked = (
            Submission.objects.select_for_update(of=("self",), no_key=True)
            .select_related("qualification__organisation")
            .get(pk=submission.pk)
        )
        lock(Qualification.objects.filter(pk=locked.qualification_id))
        if locked.state != SubmissionState.AGREED_COMPLETE or hasattr(locked, "signature"):
            raise ValidationError(_("This QAD has already been signed."))
        revision = locked.revisions.order_by("-number").first()
        content_hash = revision_content_hash(revision)
        if content_hash != revision.content_hash:
            raise ValidationError(
                _("The agreed revision no longer matches what was submitted; it cannot be signed.")
            )
        signature = Signature.objects.create(
            submission=locked,
            revision=revision,
            signatory=user,
            signatory_name=user.full_name,
            signatory_job_title=user.job_title,
            capacity=capacity,
            declaration=declaration_for(locked),
            content_hash=content_hash,
        )
        submission_transition(
            submission=locked,
            target=SubmissionState.SIGNED,
            actor=user,
            note=f"Signed by {user.full_name} ({SignatoryCapacity(capacity).label})",
        )
        # The checks run again: the sign-off check reads the signature.
        revision_signed.send(sender=Submission, submission=locked, revision=revision)
        qualification = locked.qualification
        if qualification.state == QualificationState.AWAITING_SIGNATURE:
            qualification_transition(
                qualification=qualification,
                target=QualificationState.AWAITING_APPROVAL,
                actor=user,
                note=f"QAD signed by {user.full_name}",
            )
    return signature
