"""Starting, submitting and revising QAD submissions: the one place their state changes."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qad.attachments import attachments
from qad.checklist import revision_checklist
from qad.content_hash import revision_content_hash
from qad.enums import SubmissionStage, SubmissionState
from qad.lifecycle import MOVES
from qad.models import Answer, QadTemplate, Revision, Submission, SubmissionTransition
from qad.notifications import notify, notify_submitted
from qad.selectors import applicable_questions
from qad.services.answers import RevisionFrozen, send_recompute
from qad.services.templates import current_template
from qad.signals import answers_carried_over, revision_submitted, revision_submitting
from qualification.audit import audit_record
from qualification.contention import retry_on_contention
from qualification.enums import QualificationState
from qualification.lifecycle import authorise_move
from qualification.models import Qualification, User
from qualification.rules import acting_capacities
from qualification.services import qualification_transition


class NotReadyToSubmit(Exception):
    """The checklist is not empty."""

    def __init__(self, items):
        self.items = items
        super().__init__(
            _("%(count)s items on the checklist are still open.") % {"count": len(items)}
        )


class AlreadySubmitted(Exception):
    """The revision was submitted already (a double click, a second tab)."""


def submission_start(
    *,
    qualification: Qualification,
    stage: SubmissionStage,
    template: QadTemplate,
    carry_over_from: Submission | None = None,
) -> Submission:
    """Create the submission for a stage with its first revision: one answer per applicable
    question, carried over from `carry_over_from` where the same question was answered.
    Starting a stage that exists returns the existing submission."""
    with transaction.atomic():
        submission, created = Submission.objects.get_or_create(
            qualification=qualification, stage=stage, defaults={"template": template}
        )
        if not created:
            return submission
        revision = Revision.objects.create(submission=submission, number=1)
        earlier = {}
        latest = None
        if carry_over_from is not None:
            latest = carry_over_from.revisions.order_by("-number").first()
            earlier = {
                a.question.ref: a.value
                for a in Answer.objects.filter(revision=latest).select_related("question")
                if latest.submission.template_id == template.pk
            }
        answers = Answer.objects.bulk_create(
            Answer(revision=revision, question=question, value=earlier.get(question.ref))
            for question in applicable_questions(
                template=template, qualification=qualification, stage=stage
            )
        )
        if latest is not None and latest.submission.template_id == template.pk:
            _carry_evidence(latest, revision, {a.question_id for a in answers})
        send_recompute(revision)
    return submission


def submission_transition(
    *,
    submission: Submission,
    target: SubmissionState,
    actor: User | None,
    note: str = "",
) -> Submission:
    """Move a submission along its lifecycle if the move exists and the actor may make it.

    `actor=None` is the portal itself, acting on the outcome of another recorded action.
    Submitting freezes the current revision and records its content hash.
    """
    with transaction.atomic():
        # The submission's row alone (qualification.contention), not the rows joined to it.
        locked = (
            Submission.objects.select_for_update(of=("self",), no_key=True)
            .select_related("qualification__organisation", "template")
            .get(pk=submission.pk)
        )
        move = authorise_move(
            MOVES,
            source=locked.state,
            target=target,
            capacities=acting_capacities(actor, locked.qualification),
            not_allowed=f"A submission that is '{locked.get_state_display()}' cannot become "
            f"'{SubmissionState(target).label}'",
        )
        revision = locked.revisions.order_by("-number").first()
        if target == SubmissionState.SUBMITTED:
            _freeze(revision, by=actor)
        SubmissionTransition.objects.create(
            submission=locked,
            revision=revision,
            from_state=locked.state,
            to_state=target,
            actor=actor,
            note=note or move.description,
        )
        audit_record(
            kind=f"submission.{target}",
            actor=actor,
            summary=f"{locked.get_stage_display()} revision {revision.number}: "
            f"{note or move.description}",
            qualification=locked.qualification,
            target=locked,
            before=locked.state,
            after=str(target),
        )
        locked.state = target
        locked.save(update_fields=["state", "updated_at"])
    submission.refresh_from_db()
    return submission


def _freeze(revision: Revision, *, by: User | None) -> None:
    if revision.is_frozen:
        raise RevisionFrozen(f"{revision} was already submitted")
    revision.submitted_at = timezone.now()
    revision.submitted_by = by
    revision.content_hash = revision_content_hash(revision)
    revision.save(update_fields=["submitted_at", "submitted_by", "content_hash"])


@retry_on_contention
def submission_submit(*, submission: Submission, by: User, revision_number: int) -> Submission:
    """Submit the current revision to the Code Bodies.

    `revision_number` is the revision the person was looking at: a second click, or a second
    tab, finds it already submitted and changes nothing. The checklist must be empty.
    """
    with transaction.atomic():
        # The submission, then its revision (qualification.contention): an autosave holding
        # the revision finishes first, and is counted in the content hash.
        locked = Submission.objects.select_for_update(no_key=True).get(pk=submission.pk)
        revision = (
            Revision.objects.select_for_update(no_key=True)
            .filter(submission=locked)
            .order_by("-number")
            .first()
        )
        if revision.number != revision_number or revision.is_frozen:
            raise AlreadySubmitted(
                _("Revision %(n)s was already submitted.") % {"n": revision_number}
            )
        answering = locked.state == SubmissionState.CLARIFICATION_REQUESTED
        # The apps above may refuse it (assessment: clarifications still to answer).
        revision_submitting.send(
            sender=Submission, submission=locked, revision=revision, answering=answering
        )
        items = revision_checklist(revision)
        if items:
            raise NotReadyToSubmit(items)
        submitted = submission_transition(
            submission=locked, target=SubmissionState.SUBMITTED, actor=by
        )
        revision.refresh_from_db()
        # The Code Bodies' reviews open, and their checks are sent, in this transaction.
        revision_submitted.send(
            sender=Submission, submission=submitted, revision=revision, answering=answering
        )
        if answering:
            notify("clarification_answered", submission_id=submitted.pk, revision_id=revision.pk)
        else:
            notify_submitted(submitted, revision)
    submission.refresh_from_db()
    return submission


def final_qad_start(*, qualification: Qualification, by: User) -> Submission:
    """Testing is complete: move to the Final QAD, which starts from the Initial QAD's
    latest answers (the Final QAD builds on the Initial one)."""
    with transaction.atomic():
        qualification_transition(
            qualification=qualification,
            target=QualificationState.FINAL_QAD,
            actor=by,
            note="Testing complete; Final QAD started",
        )
        initial = Submission.objects.filter(
            qualification=qualification, stage=SubmissionStage.INITIAL
        ).first()
        template = initial.template if initial else _current_template()
        return submission_start(
            qualification=qualification,
            stage=SubmissionStage.FINAL,
            template=template,
            carry_over_from=initial,
        )


def _current_template() -> QadTemplate:
    return current_template()


def revision_follow_conditions(*, qualification: Qualification) -> Revision | None:
    """A fact that conditional questions depend on has changed: the QAD being written asks
    the questions that now apply and stops asking those that no longer do. An answer that
    was given, or that has files, stays (nothing a participant wrote is lost). Returns the
    revision changed, if any."""
    submission = qualification.submissions.order_by("-created_at").first()
    if submission is None:
        return None
    with transaction.atomic():
        revision = (
            Revision.objects.select_for_update(no_key=True)
            .filter(submission=submission)
            .order_by("-number")
            .first()
        )
        if revision is None or revision.is_frozen:
            return None
        applicable = {
            q.pk
            for q in applicable_questions(
                template=submission.template, qualification=qualification, stage=submission.stage
            )
        }
        asked = dict(revision.answers.values_list("question_id", "value"))
        Answer.objects.bulk_create(
            Answer(revision=revision, question_id=question_id)
            for question_id in applicable - asked.keys()
        )
        with_files = attachments().evidence_types(revision).keys()
        unasked = [
            question_id
            for question_id, value in asked.items()
            if question_id not in applicable
            and value in (None, "", [])
            and question_id not in with_files
        ]
        revision.answers.filter(question_id__in=unasked).delete()
        send_recompute(revision)
    return revision


def _carry_evidence(source: Revision, target: Revision, question_ids: set[int]) -> None:
    """The files that supported those questions in `source` support them in `target` too:
    the evidence app links them (evidence.receivers)."""
    answers_carried_over.send(
        sender=Revision, source=source, target=target, question_ids=question_ids
    )


def revision_open_for_clarifications(
    *, submission: Submission, reopened_question_ids: set[int]
) -> Revision:
    """Start the next revision: every answer carried over, and only the questions with a
    clarification open for editing. The earlier revision stays frozen and readable."""
    latest = submission.revisions.order_by("-number").first()
    if not latest.is_frozen:
        raise RevisionFrozen(_("The current revision is still open for editing."))
    revision = Revision.objects.create(submission=submission, number=latest.number + 1)
    _carry_evidence(latest, revision, set(latest.answers.values_list("question_id", flat=True)))
    Answer.objects.bulk_create(
        Answer(
            revision=revision,
            question_id=answer.question_id,
            value=answer.value,
            updated_by=answer.updated_by,
            updated_at=answer.updated_at,
            reopened=answer.question_id in reopened_question_ids,
        )
        for answer in latest.answers.all()
    )
    send_recompute(revision)
    return revision
