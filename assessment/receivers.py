"""What the assessment app does when the apps below it report something (connected in
AssessmentConfig.ready; docs/events.md lists every event)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils.translation import gettext as _

from assessment.models import Clarification
from assessment.services.checks import enqueue_for_revision, enqueue_for_revisions
from assessment.services.criteria import template_criteria_check
from assessment.services.reviews import reviews_open
from evidence.signals import file_checked
from qad.signals import (
    revision_signed,
    revision_submitted,
    revision_submitting,
    template_publishing,
)


@receiver(revision_submitting)
def clarifications_answered_first(sender, *, submission, answering, **kwargs) -> None:
    """A revision that answers clarifications is submitted once every one is answered."""
    if not answering:
        return
    waiting = Clarification.objects.filter(
        submission=submission, state=Clarification.State.OPEN
    ).select_related("question")
    if waiting:
        refs = ", ".join(c.question.ref for c in waiting)
        raise ValidationError(
            _("Answer every clarification before submitting (still open: %(refs)s).")
            % {"refs": refs}
        )


@receiver(revision_submitted)
def reviews_opened(sender, *, submission, revision, **kwargs) -> None:
    """Each Code Body that approves one of the participant's roles reviews the revision, and
    its automated checks run (sent once the submit commits)."""
    reviews_open(submission=submission, revision=revision)
    enqueue_for_revision(revision)


@receiver(revision_signed)
def checks_after_signing(sender, *, revision, **kwargs) -> None:
    # The sign-off check reads the signature.
    enqueue_for_revision(revision, trigger="signed")


@receiver(file_checked)
def checks_after_file_checked(sender, *, revision_ids, **kwargs) -> None:
    """What a file's scan found can change the checks of the submitted revisions linking it."""
    enqueue_for_revisions(revision_ids, trigger="evidence_scanned")


@receiver(template_publishing)
def criteria_for_every_body(sender, *, template, by, accepted_gaps, reason, **kwargs) -> None:
    """A template version is published once every Code Body assessing it has criteria for it
    (or the admin accepted the gap, recorded)."""
    template_criteria_check(template=template, by=by, accepted_gaps=accepted_gaps, reason=reason)
