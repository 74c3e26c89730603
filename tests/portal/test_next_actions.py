"""Each person's next actions come first on their home page, each a link to where it is done."""

import re

import pytest
from django.test import TestCase
from django.urls import reverse

from assessment.models import Review
from assessment.services.reviews import review_assign
from qad.services.answers import revision_recompute_completeness
from qad.services.submissions import submission_submit
from qualification.enums import CodeBodyRole, QualificationState
from qualification.models import Qualification, RoleApproval
from tests.participants import Participant
from tests.qad.test_submit_and_sign import fill
from tests.qualification.factories import CodeBodyMemberFactory, code_body

pytestmark = pytest.mark.django_db


def next_actions(client) -> list[tuple[str, str]]:
    page = client.get(reverse("home")).content.decode()
    if "What to do next" not in page:
        return []
    box = page.split('id="next-actions-title"', 1)[1].split("</section>", 1)[0]
    return [
        (re.sub(r"\s+", " ", text).strip(), url)
        for url, text in re.findall(r'<a class="fs-5" href="([^"]+)">(.*?)</a>', box, re.S)
    ]


def test_a_participant_is_sent_to_the_first_section_still_to_finish(client, journey_template):
    northwind = Participant()
    revision_recompute_completeness(revision_id=northwind.revision.pk)
    client.force_login(northwind.contributor)

    first = next_actions(client)[0]

    assert first == (
        "Continue section 3 of your Initial QAD",
        reverse("submission-section", args=[northwind.submission.public_id, "3"]),
    )

    fill(northwind)
    revision_recompute_completeness(revision_id=northwind.revision.pk)
    assert next_actions(client)[0] == (
        "Check and submit your Initial QAD",
        reverse("submission-checklist", args=[northwind.submission.public_id]),
    )


def test_an_assessor_sees_the_criteria_left_and_a_lead_the_decisions_to_record(
    client, journey_template
):
    northwind = Participant()
    fill(northwind)
    with TestCase.captureOnCommitCallbacks(execute=True):
        submission_submit(submission=northwind.submission, by=northwind.admin, revision_number=1)
    bsc = code_body("BSC")
    lead = CodeBodyMemberFactory(code_body=bsc, role=CodeBodyRole.LEAD_ASSESSOR).user
    assessor = CodeBodyMemberFactory(code_body=bsc, role=CodeBodyRole.ASSESSOR).user
    review = Review.objects.get(submission=northwind.submission, code_body=bsc)
    review_assign(review=review, assignee=assessor, by=lead)

    client.force_login(assessor)
    assert next_actions(client) == [
        ("2 criteria to assess for Northwind Energy Supply Ltd", review.get_absolute_url())
    ]

    Qualification.objects.filter(pk=northwind.qualification.pk).update(
        state=QualificationState.AWAITING_APPROVAL
    )
    # Every approving Code Body's decision waits, as a pending approval of the role.
    assert RoleApproval.objects.filter(
        qualification_role__qualification=northwind.qualification, code_body=bsc
    ).exists()
    client.force_login(lead)
    assert (
        "Record the BSC decision for 1 role of Northwind Energy Supply Ltd",
        reverse("qualification-detail", args=[northwind.qualification.public_id]),
    ) in next_actions(client)
