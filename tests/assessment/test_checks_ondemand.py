"""Checks on demand: a participant's advisory pre-check of its draft, which stores nothing,
and a portal admin's forced re-run of one submission or of every submission a criteria
version checks, with its progress."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.enums import CheckRunStatus
from assessment.models import CheckResult, CheckRun, CriteriaSet, Review
from assessment.selectors import latest_check_run
from assessment.services.checks import check_plan, checks_needed, checks_run
from assessment.tasks import run_checks
from qad.services.submissions import submission_submit
from qualification.models import AuditEvent, OutboxMessage
from tests.assessment.test_check_runs import ANSWERS, load_criteria
from tests.participants import Participant, load_journey_template
from tests.qad.test_submit_and_sign import fill
from tests.qualification.factories import CodeBodyMemberFactory, UserFactory, code_body

pytestmark = pytest.mark.django_db

ADVISORY = "Advisory pre-check of your draft: the Code Bodies run the checks again when you submit."


@pytest.fixture
def journey(db):
    """A Supplier whose journey QAD is complete, which the BSC's journey criteria assess."""
    load_journey_template(criteria=False)
    load_criteria()
    participant = Participant()
    fill(participant, ANSWERS)
    return participant


def text(response) -> str:
    return response.content.decode()


def submitted(participant, capture) -> None:
    with capture(execute=True):
        submission_submit(
            submission=participant.submission, by=participant.admin, revision_number=1
        )


def bsc_criteria() -> CriteriaSet:
    return CriteriaSet.objects.get(code_body__code="BSC", version="99.0")


# --- A participant's pre-check of its draft --------------------------------------------------


def test_a_participant_checks_its_draft_and_sees_advisory_results_that_are_not_stored(
    client, journey
):
    client.force_login(journey.contributor)
    checklist = text(
        client.get(reverse("submission-checklist", args=[journey.submission.public_id]))
    )
    assert "Check my draft" in checklist

    response = client.post(reverse("submission-precheck", args=[journey.submission.public_id]))

    assert response.status_code == 200
    page = text(response)
    assert ADVISORY in page
    assert "BSC" in page
    # Grouped by criterion, each check with its status and message.
    for ref in ("J-3-01", "J-4-01", "J-4-02", "J-4-03"):
        assert ref in page
    assert "Every required question is answered: 3.1, 3.2, 3.3." in page
    assert 'class="check-pass"' in page
    # Nothing stored: assessors can never take it for the official results.
    assert not CheckRun.objects.exists()
    assert not CheckResult.objects.exists()
    assert latest_check_run(journey.revision, code_body("BSC")) is None


def test_a_precheck_finds_what_the_draft_still_lacks(client, journey):
    from qad.models import Answer

    Answer.objects.filter(revision=journey.revision, question__ref="3.1").update(value=None)
    client.force_login(journey.contributor)

    page = text(client.post(reverse("submission-precheck", args=[journey.submission.public_id])))

    assert ADVISORY in page
    assert 'class="check-fail"' in page
    assert "3.1" in page
    assert "Required questions answered" in page, "each check by its label"
    assert "required_answers_present" not in page
    assert not CheckRun.objects.exists()


@pytest.mark.parametrize("who", ["another organisation", "BSC assessor", "portal admin"])
def test_nobody_but_the_participant_may_precheck_its_draft(client, journey, who):
    user = {
        "another organisation": lambda: Participant(name="Other Energy Ltd").contributor,
        "BSC assessor": lambda: CodeBodyMemberFactory().user,
        "portal admin": lambda: UserFactory(is_staff=True),
    }[who]()
    client.force_login(user)

    response = client.post(reverse("submission-precheck", args=[journey.submission.public_id]))

    assert response.status_code == 404
    assert not CheckRun.objects.exists()


def test_a_precheck_is_a_post(client, journey):
    client.force_login(journey.contributor)

    response = client.get(reverse("submission-precheck", args=[journey.submission.public_id]))

    assert response.status_code == 405


def test_a_submitted_revision_is_not_prechecked(
    client, journey, django_capture_on_commit_callbacks
):
    submitted(journey, django_capture_on_commit_callbacks)
    runs = CheckRun.objects.count()
    client.force_login(journey.contributor)

    response = client.post(
        reverse("submission-precheck", args=[journey.submission.public_id]), follow=True
    )

    assert "Only a draft you can still edit can be pre-checked" in text(response)
    assert ADVISORY not in text(response)
    assert CheckRun.objects.count() == runs


# --- A portal admin's forced re-run ----------------------------------------------------------


def test_a_forced_rerun_makes_a_new_complete_run_whose_results_replace_the_old(
    journey, django_capture_on_commit_callbacks
):
    submitted(journey, django_capture_on_commit_callbacks)
    revision = journey.revision
    first = latest_check_run(revision, code_body("BSC"))
    bsc = code_body("BSC")
    assert checks_run(revision=revision, code_body=bsc).pk == first.pk, "unchanged: the same run"

    forced = checks_run(revision=revision, code_body=bsc, trigger="rerun", request_key="request-1")

    assert forced.pk != first.pk
    assert forced.status == CheckRunStatus.COMPLETE
    assert latest_check_run(revision, code_body("BSC")).pk == forced.pk
    assert CheckResult.objects.filter(run=forced).count() == 6
    # The same request delivered again (a retried task) makes no second run.
    again = run_checks(
        revision_id=revision.pk, code_body_id=bsc.pk, trigger="rerun", request_key="request-1"
    )
    assert again.startswith(f"BSC run {forced.pk} ")
    assert CheckRun.objects.filter(revision=revision).count() == 2
    # An ordinary run afterwards keeps the re-run's results, and the sweep has nothing to do.
    assert checks_run(revision=revision, code_body=bsc, trigger="sweep").pk == forced.pk
    assert latest_check_run(revision, bsc).pk == forced.pk
    assert not checks_needed(check_plan(revision, bsc), revision)


def test_a_portal_admin_reruns_one_submission_from_the_review_screen(
    client, journey, django_capture_on_commit_callbacks
):
    submitted(journey, django_capture_on_commit_callbacks)
    first = latest_check_run(journey.revision, code_body("BSC"))
    review = Review.objects.get(submission=journey.submission, code_body__code="BSC")
    admin = UserFactory(is_staff=True, full_name="Priya Shah")
    client.force_login(admin)
    assert "Re-run the automated checks" in text(client.get(review.get_absolute_url()))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("checks-rerun", args=[review.public_id]))

    assert response.status_code == 302
    latest = latest_check_run(journey.revision, code_body("BSC"))
    assert latest.pk != first.pk and latest.trigger == "rerun"
    event = AuditEvent.objects.get(kind="checks.rerun")
    assert event.actor == admin
    assert event.after["request"] == latest.request_key


def test_a_rerun_of_a_criteria_version_covers_every_submission_it_checks(
    client, journey, django_capture_on_commit_callbacks
):
    submitted(journey, django_capture_on_commit_callbacks)
    other = Participant(name="Other Energy Ltd")
    fill(other, ANSWERS)
    submitted(other, django_capture_on_commit_callbacks)
    draft = Participant(name="Still Drafting Ltd")  # never submitted: nothing to re-check
    criteria = bsc_criteria()
    before = {
        r: latest_check_run(r, code_body("BSC")).pk for r in (journey.revision, other.revision)
    }
    client.force_login(UserFactory(is_staff=True))
    page = reverse("criteria-version", args=[criteria.pk])
    progress = reverse("criteria-recheck-progress", args=[criteria.pk])
    assert "Re-run the checks on every submitted QAD" in text(client.get(page))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("criteria-recheck", args=[criteria.pk]))
    waiting = text(client.get(progress))
    assert "0 of 2 submissions re-checked" in waiting
    assert 'hx-trigger="every 3s"' in waiting
    for callback in callbacks:
        callback()

    done = text(client.get(progress))
    assert "2 of 2 submissions re-checked" in done
    assert 'hx-trigger="every 3s"' not in done, "finished: the page stops asking"
    assert "2 of 2 submissions re-checked" in text(client.get(page))
    event = AuditEvent.objects.get(kind="checks.rerun")
    for revision in (journey.revision, other.revision):
        latest = latest_check_run(revision, code_body("BSC"))
        assert latest.pk != before[revision]
        assert latest.request_key == event.after["request"]
    assert not CheckRun.objects.filter(revision__submission=draft.submission).exists()


@pytest.mark.parametrize("who", ["BSC lead", "participant"])
def test_only_portal_admins_rerun_checks_and_nothing_is_sent_for_others(
    client, journey, django_capture_on_commit_callbacks, who
):
    submitted(journey, django_capture_on_commit_callbacks)
    review = Review.objects.get(submission=journey.submission, code_body__code="BSC")
    user = CodeBodyMemberFactory(role="lead_assessor").user if who == "BSC lead" else journey.admin
    client.force_login(user)
    runs, outbox = CheckRun.objects.count(), OutboxMessage.objects.count()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        one = client.post(reverse("checks-rerun", args=[review.public_id]))
        every = client.post(reverse("criteria-recheck", args=[bsc_criteria().pk]))

    assert one.status_code in (403, 404)
    assert every.status_code == 403
    assert callbacks == []
    assert (CheckRun.objects.count(), OutboxMessage.objects.count()) == (runs, outbox)
    assert not AuditEvent.objects.filter(kind="checks.rerun").exists()


def test_a_rerun_is_a_post(client, journey):
    client.force_login(UserFactory(is_staff=True))

    response = client.get(reverse("criteria-recheck", args=[bsc_criteria().pk]))

    assert response.status_code == 405
