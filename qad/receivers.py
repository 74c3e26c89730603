"""What the QAD app does when the apps below it report something (connected in
QadConfig.ready; docs/events.md lists every event)."""

from __future__ import annotations

from django.dispatch import receiver

from qad.enums import SubmissionStage
from qad.services.submissions import submission_start
from qad.services.templates import current_template
from qualification.enums import QualificationState
from qualification.lifecycle import TransitionNotAllowed
from qualification.models import Qualification
from qualification.signals import qualification_entered


@receiver(qualification_entered)
def initial_qad_started(sender, *, qualification: Qualification, state: str, **kwargs) -> None:
    """Testing begins with the Initial QAD, on the template version published now."""
    if state != QualificationState.TESTING:
        return
    template = current_template()
    if template is None:
        raise TransitionNotAllowed("No QAD template is published yet; load one first")
    submission_start(qualification=qualification, stage=SubmissionStage.INITIAL, template=template)
