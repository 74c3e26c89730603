"""Building a QAD for a qualification, saving answers, and keeping completeness current."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from qad.checklist import revision_checklist
from qad.enums import AnswerType, SubmissionStage, SubmissionState
from qad.models import Answer, AnswerConflict, Revision, Submission
from qad.selectors import applicable_questions
from qad.services.answers import (
    ConflictSettled,
    RevisionFrozen,
    StaleAnswer,
    answer_save,
    conflict_resolve,
    revision_recompute_completeness,
)
from qad.services.submissions import submission_start, submission_transition
from qad.services.templates import current_template
from qad.tasks import recompute_stale_completeness
from qualification.enums import MembershipRole, Route
from qualification.models import AuditEvent
from tests.qualification.factories import MembershipFactory, member_of, start_qualification

pytestmark = pytest.mark.django_db


def initial_revision(qualification) -> Revision:
    return Revision.objects.get(
        submission__qualification=qualification, submission__stage=SubmissionStage.INITIAL
    )


def expected_refs(template, *, roles, route, conditions=(), stage=SubmissionStage.INITIAL):
    """What the template file says applies, computed independently of the selector."""
    refs = []
    for question in template.questions.select_related("section").order_by("position"):
        for rules in (question.section, question):
            if rules.applies_roles and not set(rules.applies_roles) & set(roles):
                break
            if rules.applies_routes and route not in rules.applies_routes:
                break
            if not set(rules.applies_when) <= set(conditions):
                break
            if rules.applies_stages and stage not in rules.applies_stages:
                break
        else:
            refs.append(question.ref)
    return refs


def test_a_sit_supplier_gets_exactly_the_questions_the_template_assigns_to_it():
    qualification = start_qualification(role_codes=("SUP",), route=Route.SIT)
    template = current_template()

    answered = list(
        initial_revision(qualification)
        .answers.order_by("question__position")
        .values_list("question__ref", flat=True)
    )

    assert answered == expected_refs(template, roles=["SUP"], route="SIT")
    assert "5.1.1.1" not in answered, "the SMS exemption applies only when it is asked for"
    assert not any(ref.startswith("7.") for ref in answered), "no Metering Service questions"
    assert not any(ref.startswith("10.") for ref in answered), "no reliance without reliance"


def test_asking_for_the_sms_exemption_adds_section_5_1_1():
    qualification = start_qualification(
        role_codes=("SUP",), route=Route.SIT, sms_exemption_requested=True
    )
    refs = set(initial_revision(qualification).answers.values_list("question__ref", flat=True))
    exemption = set(
        current_template().questions.filter(section__ref="5.1.1").values_list("ref", flat=True)
    )
    assert exemption and exemption <= refs


def test_a_metering_service_gets_no_supplier_or_data_service_questions():
    qualification = start_qualification(role_codes=("MSA", "MSS"), route=Route.SIT)
    questions = applicable_questions(
        template=current_template(), qualification=qualification, stage=SubmissionStage.INITIAL
    )
    sections = {q.section.ref.split(".")[0] for q in questions}
    assert "7" in sections
    assert not {"5", "6", "8"} & sections
    assert all("BSC" not in q.assessed_by or len(q.assessed_by) > 1 for q in questions)


def test_completeness_counts_required_answers_overall_and_per_section(
    django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        qualification = start_qualification(role_codes=("SUP",), route=Route.SIT)
    revision = initial_revision(qualification)
    revision.refresh_from_db()
    required = revision.answers.filter(question__required=True)
    assert revision.required_count == required.count()
    assert revision.answered_count == 0

    free_text = required.filter(question__answer_type=AnswerType.FREE_TEXT).first()
    sent = []
    monkeypatch.setattr(
        "qualification.outbox._send", lambda message_id, task, kwargs: sent.append(task.name)
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer_save(
            answer=free_text,
            value="Our process is documented.",
            expected_version=0,
            by=member_of(qualification),
        )
    assert sent == [], "counted by the save itself: no recompute of the whole revision"

    revision.refresh_from_db()
    assert revision.answered_count == 1
    assert not revision.completeness_stale
    section = free_text.question.section.ref
    assert revision.section_progress[section][0] == 1

    free_text.refresh_from_db()
    answer_save(
        answer=free_text,
        value="Our process is documented and reviewed.",
        expected_version=free_text.version,
        by=member_of(qualification),
    )
    revision.refresh_from_db()
    assert (revision.answered_count, revision.section_progress[section][0]) == (1, 1)

    free_text.refresh_from_db()
    answer_save(
        answer=free_text, value="", expected_version=free_text.version, by=member_of(qualification)
    )
    revision.refresh_from_db()
    assert (revision.answered_count, revision.section_progress[section][0]) == (0, 0)
    assert revision_recompute_completeness(revision_id=revision.pk).section_progress == (
        revision.section_progress
    ), "the counts kept in step are the counts a recompute finds"


def first_free_text_answer(qualification) -> Answer:
    return (
        initial_revision(qualification)
        .answers.filter(question__answer_type=AnswerType.FREE_TEXT)
        .first()
    )


def test_a_stale_write_is_refused_and_keeps_the_first_writers_text():
    qualification = start_qualification()
    answer = first_free_text_answer(qualification)
    olivia = member_of(qualification, full_name="Olivia Hart")
    ben = member_of(qualification, full_name="Ben Okafor")

    answer_save(answer=answer, value="Olivia's text", expected_version=0, by=olivia)
    with pytest.raises(StaleAnswer) as caught:
        answer_save(answer=answer, value="Ben's text", expected_version=0, by=ben)

    assert caught.value.current.value == "Olivia's text"
    assert caught.value.current.updated_by == olivia
    stored = Answer.objects.get(pk=answer.pk)
    assert (stored.value, stored.version) == ("Olivia's text", 1)


def test_while_a_conflict_is_open_the_writers_saves_are_kept_in_it_not_saved_over():
    qualification = start_qualification()
    answer = first_free_text_answer(qualification)
    olivia = member_of(qualification, full_name="Olivia Hart")
    ben = member_of(qualification, full_name="Ben Okafor")
    answer_save(answer=answer, value="Olivia's text", expected_version=0, by=olivia)
    with pytest.raises(StaleAnswer):
        answer_save(answer=answer, value="Ben's text", expected_version=0, by=ben)

    # Even with the current version, Ben has not settled the conflict: nothing overwritten.
    with pytest.raises(StaleAnswer) as caught:
        answer_save(answer=answer, value="Ben's second text", expected_version=1, by=ben)

    conflict = caught.value.conflict
    assert (conflict.value, conflict.resolved_at) == ("Ben's second text", None)
    assert AnswerConflict.objects.count() == 1, "one conflict, holding his latest words"
    stored = Answer.objects.get(pk=answer.pk)
    assert (stored.value, stored.version, stored.updated_by) == ("Olivia's text", 1, olivia)

    conflict_resolve(
        conflict=conflict, value="Ben's second text", expected_version=1, by=ben, resolution="mine"
    )

    stored = Answer.objects.get(pk=answer.pk)
    assert (stored.value, stored.version, stored.updated_by) == ("Ben's second text", 2, ben)
    event = AuditEvent.objects.get(kind="answer.conflict_resolved")
    assert (event.actor, event.before, event.after) == (ben, "Olivia's text", "Ben's second text")
    with pytest.raises(ConflictSettled):
        conflict_resolve(
            conflict=conflict,
            value="Olivia's text",
            expected_version=2,
            by=ben,
            resolution="theirs",
        )
    assert Answer.objects.get(pk=answer.pk).value == "Ben's second text"


def test_a_value_the_question_does_not_accept_is_refused_with_a_message():
    qualification = start_qualification()
    answer = (
        initial_revision(qualification)
        .answers.filter(question__answer_type=AnswerType.DATE)
        .first()
    )
    with pytest.raises(ValidationError) as caught:
        answer_save(
            answer=answer, value="31/02/2025", expected_version=0, by=member_of(qualification)
        )
    assert caught.value.messages == ["Enter a real date, for example 2025-03-31."]
    assert Answer.objects.get(pk=answer.pk).value is None


def test_submitting_freezes_the_revision_with_a_content_hash():
    qualification = start_qualification()
    admin = MembershipFactory(
        organisation=qualification.organisation, role=MembershipRole.ORG_ADMIN
    ).user
    submission = Submission.objects.get(qualification=qualification)
    answer = (
        initial_revision(qualification)
        .answers.filter(question__answer_type=AnswerType.YES_NO)
        .first()
    )
    answer_save(answer=answer, value=True, expected_version=0, by=admin)

    submission_transition(submission=submission, target=SubmissionState.SUBMITTED, actor=admin)

    revision = initial_revision(qualification)
    assert submission.state == SubmissionState.SUBMITTED
    assert revision.is_frozen and revision.submitted_by == admin
    assert len(revision.content_hash) == 64
    answer.refresh_from_db()
    with pytest.raises(RevisionFrozen):
        answer_save(answer=answer, value=False, expected_version=answer.version, by=admin)
    assert Answer.objects.get(pk=answer.pk).value is True


def test_the_sweep_recomputes_revisions_whose_recompute_never_ran():
    qualification = start_qualification()
    revision = initial_revision(qualification)
    Revision.objects.filter(pk=revision.pk).update(completeness_stale=True, required_count=0)

    assert recompute_stale_completeness() == 1

    revision.refresh_from_db()
    assert not revision.completeness_stale
    assert revision.required_count == revision.answers.filter(question__required=True).count()


def test_a_code_body_sees_a_qad_only_once_it_is_submitted(client, northwind):
    from assessment.models import Review
    from qad.services.submissions import submission_submit
    from tests.assessment.test_reviews import People, committed
    from tests.qad.test_submit_and_sign import fill

    bsc_lead = People().bsc_lead
    client.force_login(bsc_lead)
    detail = reverse("submission-detail", args=[northwind.submission.public_id])
    assert client.get(detail).status_code == 404
    overview = client.get(northwind.qualification.get_absolute_url()).content.decode()
    assert detail not in overview, "no link to a page the assessor may not open"

    fill(northwind)
    committed(
        submission_submit, submission=northwind.submission, by=northwind.admin, revision_number=1
    )
    assert Review.objects.filter(submission=northwind.submission).exists()
    assert client.get(detail).status_code == 200
    assert detail in client.get(northwind.qualification.get_absolute_url()).content.decode()


def test_the_declaration_is_asked_in_the_final_qad_only(django_capture_on_commit_callbacks):
    """Sections 11.1 and 11.2 (declaration, sign-off) of the shipped template belong to the
    Final QAD: the Initial QAD can be submitted without them, the Final QAD cannot."""
    with django_capture_on_commit_callbacks(execute=True):
        qualification = start_qualification(role_codes=("SUP",), route=Route.SIT)
    initial = initial_revision(qualification)
    declaration = {"11.1.1", "11.1.2", "11.2.1", "11.2.2", "11.2.3", "11.2.4"}
    assert not declaration & set(initial.answers.values_list("question__ref", flat=True))
    assert not [item for item in revision_checklist(initial) if item.question_ref in declaration]

    final = submission_start(
        qualification=qualification,
        stage=SubmissionStage.FINAL,
        template=current_template(),
        carry_over_from=initial.submission,
    )
    revision = final.revisions.get()
    assert declaration <= set(revision.answers.values_list("question__ref", flat=True))
    missing = {item.question_ref for item in revision_checklist(revision)}
    assert declaration <= missing, "the Final QAD is not ready without its declaration"
