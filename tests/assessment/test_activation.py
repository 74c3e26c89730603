"""Service Activation per market role: a role starts it as soon as its own approvers have all
approved, works through the Programme's checklist in order, each step confirmed by whom the
checklist names, and the Programme's review of open work-off plans is kept."""

import datetime as dt
import html
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from assessment.models import ActivationChecklistItem, ServiceActivationStep, WorkOffItem
from assessment.services.activation import activation_step_confirm
from assessment.services.decisions import approval_decide, approval_schedule
from qualification.enums import ApprovalOutcome, QualificationState
from qualification.models import AuditEvent, Qualification, QualificationRole, RoleApproval
from tests.assessment.decision_data import Staff
from tests.qualification.factories import (
    OrganisationFactory,
    UserFactory,
    code_body,
    market_role,
    member_of,
    start_qualification,
)

pytestmark = pytest.mark.django_db


def committed(call, *args, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return call(*args, **kwargs)


@pytest.fixture
def staff(db):
    return Staff()


@pytest.fixture
def programme(db):
    return UserFactory(is_staff=True, full_name="Priya Shah")


@pytest.fixture
def awaiting(db):
    """A Meter Equipment Manager (approved by the DIP and the REC) that also seeks the
    Advanced Data Service (approved by the DIP and the BSC's board), its QAD signed."""
    organisation = OrganisationFactory(legal_name="Kestrel Metering Ltd")
    admin = member_of(organisation, "org_admin", full_name="Olivia Hart")
    qualification = start_qualification(
        organisation=organisation, role_codes=("MSA", "ADS"), created_by=admin
    )
    Qualification.objects.filter(pk=qualification.pk).update(
        state=QualificationState.AWAITING_APPROVAL
    )
    qualification.refresh_from_db()
    return qualification


def role(qualification, code: str) -> QualificationRole:
    return qualification.roles.get(market_role__code=code)


def approve(qualification, code: str, staff: Staff) -> None:
    """Every approver of the role approves it."""
    leads = {"DIP": staff.dip_lead, "REC": staff.rec_lead, "BSC": staff.bsc_lead}
    for approval in RoleApproval.objects.filter(
        qualification_role=role(qualification, code)
    ).select_related("code_body", "qualification_role__market_role"):
        by = leads[approval.code_body.code]
        if approval.code_body.decides_at_meeting:
            approval_schedule(approval=approval, meeting_date=timezone.localdate(), by=by)
        committed(approval_decide, approval=approval, outcome=ApprovalOutcome.APPROVED, by=by)


def confirm_all(qualification_role, staff: Staff, programme) -> None:
    for step in qualification_role.activation_steps.select_related("confirmer"):
        by = staff.dip_lead if step.confirmer_id else programme
        activation_step_confirm(step=step, by=by, note="Checked with the participant.")


def test_one_role_activates_while_the_other_waits_for_its_approvals(awaiting, staff, programme):
    approve(awaiting, "MSA", staff)

    metering, data_service = role(awaiting, "MSA"), role(awaiting, "ADS")
    assert metering.qualified_on == timezone.localdate()
    assert metering.activation_steps.count() == ActivationChecklistItem.objects.count() == 5
    assert not data_service.activation_steps.exists()

    confirm_all(metering, staff, programme)

    metering.refresh_from_db()
    awaiting.refresh_from_db()
    assert metering.activated_on == timezone.localdate()
    assert awaiting.state == QualificationState.AWAITING_APPROVAL, "the ADS role still waits"
    assert AuditEvent.objects.filter(kind="role.activated", object_id=str(metering.pk)).exists()

    approve(awaiting, "ADS", staff)
    awaiting.refresh_from_db()
    assert awaiting.state == QualificationState.SERVICE_ACTIVATION
    confirm_all(role(awaiting, "ADS"), staff, programme)
    awaiting.refresh_from_db()
    assert awaiting.state == QualificationState.ACTIVE


def test_the_steps_are_confirmed_in_the_checklist_s_order(awaiting, staff, programme):
    approve(awaiting, "MSA", staff)
    first, second = role(awaiting, "MSA").activation_steps.all()[:2]

    with pytest.raises(ValidationError, match="Confirm “Production DIP connection enabled” first"):
        activation_step_confirm(step=second, by=programme)

    second.refresh_from_db()
    assert second.done_at is None
    activation_step_confirm(step=first, by=staff.dip_lead)
    with pytest.raises(ValidationError, match="already confirmed"):
        activation_step_confirm(step=first, by=staff.dip_lead)


def test_each_step_is_confirmed_by_whom_the_checklist_names(awaiting, staff, programme):
    approve(awaiting, "MSA", staff)
    dip_step, programme_step = role(awaiting, "MSA").activation_steps.all()[:2]

    for outsider in (staff.rec_lead, staff.bsc_lead, programme):
        with pytest.raises(PermissionDenied, match="confirmed by a DIP lead assessor"):
            activation_step_confirm(step=dip_step, by=outsider)
    activation_step_confirm(step=dip_step, by=staff.dip_lead)
    with pytest.raises(PermissionDenied, match="confirmed by the Programme"):
        activation_step_confirm(step=programme_step, by=staff.dip_lead)

    done = activation_step_confirm(step=programme_step, by=programme)
    assert done.done_by == programme


def test_the_programme_s_review_of_open_work_off_plans_is_recorded(awaiting, staff, programme):
    item = WorkOffItem.objects.create(
        qualification=awaiting,
        defect_reference="DEF-12",
        description="Late readings rejected by the DIP adapter.",
        owner="Ben Okafor",
        due_date=dt.date(2027, 1, 31),
        created_by=programme,
    )
    approve(awaiting, "MSA", staff)
    steps = list(role(awaiting, "MSA").activation_steps.all())
    review = next(step for step in steps if step.reviews_work_off)
    for step in steps[: steps.index(review)]:
        activation_step_confirm(step=step, by=staff.dip_lead if step.confirmer_id else programme)

    with pytest.raises(ValidationError, match="Write what the Programme concluded"):
        activation_step_confirm(step=review, by=programme)
    activation_step_confirm(
        step=review, by=programme, note="DEF-12 may stay open: it does not affect settlement."
    )

    # Closing the item afterwards does not rewrite what the Programme saw.
    WorkOffItem.objects.filter(pk=item.pk).update(status=WorkOffItem.Status.CLOSED)
    review.refresh_from_db()
    assert review.note == "DEF-12 may stay open: it does not affect settlement."
    assert [(i["reference"], i["status"], i["due"]) for i in review.work_off_reviewed] == [
        ("DEF-12", "Open", "2027-01-31")
    ]
    event = AuditEvent.objects.get(kind="activation.step", object_id=str(review.pk))
    assert event.actor == programme
    assert event.after["work_off_reviewed"][0]["reference"] == "DEF-12"


def test_the_checklist_is_data_a_change_applies_to_roles_that_start_after_it(
    awaiting, staff, programme
):
    approve(awaiting, "MSA", staff)
    # The admin moves the migration slot to the top, renames it and gives it to the BSC.
    ActivationChecklistItem.objects.update(position=F("position") + 1)
    slot = ActivationChecklistItem.objects.get(label="Migration slot agreed")
    slot.label = "Migration slot agreed with the Registration Service"
    slot.position = 0
    slot.confirmer = code_body("BSC")
    slot.save()
    metering_only = ActivationChecklistItem.objects.create(
        label="Meter Technical Details flow tested", position=9
    )
    metering_only.market_roles.add(market_role("MSA"))

    approve(awaiting, "ADS", staff)

    started_before = [s.label for s in role(awaiting, "MSA").activation_steps.all()]
    started_after = list(
        role(awaiting, "ADS").activation_steps.values_list("label", "confirmer__code")
    )
    assert "Migration slot agreed" in started_before
    assert started_after[0] == ("Migration slot agreed with the Registration Service", "BSC")
    assert "Meter Technical Details flow tested" not in [label for label, _ in started_after]


def test_a_role_the_checklist_asks_nothing_of_is_activated_at_once(awaiting, staff):
    ActivationChecklistItem.objects.all().delete()

    approve(awaiting, "MSA", staff)

    assert role(awaiting, "MSA").activated_on == timezone.localdate()


def test_a_portal_admin_changes_the_checklist_in_the_admin_site_and_it_is_audited(client):
    admin = UserFactory(is_staff=True, is_superuser=True, full_name="Priya Shah")
    client.force_login(admin)
    item = ActivationChecklistItem.objects.get(label="Migration slot agreed")

    response = client.post(
        reverse("admin:assessment_activationchecklistitem_change", args=[item.pk]),
        {
            "label": "Migration slot booked",
            "position": "3",
            "confirmer": str(code_body("DIP").pk),
            "market_roles": [str(market_role("SUP").pk)],
        },
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.label, item.confirmer.code) == ("Migration slot booked", "DIP")
    event = AuditEvent.objects.get(kind="activation.checklist")
    assert event.actor == admin
    assert event.after["market_roles"] == ["SUP"] and event.after["confirmed_by"] == "DIP"


def test_the_work_off_review_cannot_be_given_to_a_code_body():
    item = ActivationChecklistItem(label="Open work-off reviewed", reviews_work_off=True)
    item.confirmer = code_body("BSC")
    with pytest.raises(ValidationError, match="The Programme reviews open work-off plans"):
        item.full_clean()


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_the_qualification_page_shows_each_role_s_activation_and_who_confirms_next(
    client, awaiting, staff, programme
):
    approve(awaiting, "MSA", staff)
    first = role(awaiting, "MSA").activation_steps.first()

    client.force_login(staff.dip_lead)
    page = text(client.get(awaiting.get_absolute_url()))
    assert "Metering Service Advanced" in page and "in progress" in page
    assert "Production DIP connection enabled · to be confirmed by a DIP lead assessor" in page
    assert "Confirm Production DIP connection enabled" in page

    client.force_login(programme)
    assert "Confirm Production DIP connection enabled" not in text(
        client.get(awaiting.get_absolute_url())
    )

    client.force_login(staff.dip_lead)
    done = text(client.post(reverse("activation-step", args=[first.public_id]), follow=True))
    assert "Recorded: Production DIP connection enabled." in done
    assert "Confirmed on " in done and "by Grace Kim" in done

    refused = text(
        client.post(
            reverse("activation-step", args=[ServiceActivationStep.objects.last().public_id]),
            follow=True,
        )
    )
    assert "first: the steps are done in order." in refused


def test_a_step_cannot_be_given_to_a_code_body_that_does_not_approve_its_roles(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    item = ActivationChecklistItem.objects.get(label="Migration slot agreed")

    response = client.post(
        reverse("admin:assessment_activationchecklistitem_change", args=[item.pk]),
        {
            "label": item.label,
            "position": str(item.position),
            "confirmer": str(code_body("BSC").pk),
        },
    )

    assert response.status_code == 200
    assert "BSC does not approve MSA, MSS" in response.content.decode()
    item.refresh_from_db()
    assert item.confirmer is None, "nothing changed"
    assert not AuditEvent.objects.filter(kind="activation.checklist").exists()
