"""What the QAD app does when the apps below it report something (connected in
QadConfig.ready; docs/events.md lists every event)."""

from __future__ import annotations

from django.dispatch import receiver

from qad.enums import SubmissionStage
from qad.services.submissions import revision_follow_conditions, submission_start
from qad.services.templates import current_template
from qualification.enums import QualificationState
from qualification.lifecycle import TransitionNotAllowed
from qualification.models import Qualification
from qualification.signals import conditions_changed, qualification_entered


@receiver(qualification_entered)
def initial_qad_started(sender, *, qualification: Qualification, state: str, **kwargs) -> None:
    """Testing begins with the Initial QAD, on the template version published now."""
    if state != QualificationState.TESTING:
        return
    template = current_template()
    if template is None:
        raise TransitionNotAllowed("No QAD template is published yet; load one first")
    submission_start(qualification=qualification, stage=SubmissionStage.INITIAL, template=template)


@receiver(conditions_changed)
def questions_follow_conditions(sender, *, qualification: Qualification, **kwargs) -> None:
    """The QAD being written asks what applies to the qualification as it now is."""
    revision_follow_conditions(qualification=qualification)
