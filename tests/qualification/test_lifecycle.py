"""Starting qualifications and moving them along their lifecycle, with who and when."""

import pytest
from django.core.exceptions import PermissionDenied

from qad.enums import SubmissionStage, VersionStatus
from qad.models import QadTemplate
from qualification.enums import ApprovalOutcome, MembershipRole, QualificationState, Route
from qualification.lifecycle import TransitionNotAllowed
from qualification.models import RoleApproval
from qualification.services import qualification_transition
from tests.qualification.factories import (
    CodeBodyMemberFactory,
    MembershipFactory,
    UserFactory,
    code_body,
    start_qualification,
)

pytestmark = pytest.mark.django_db


def test_a_sit_supplier_starts_testing_with_its_initial_qad_and_three_pending_approvals():
    admin = UserFactory()
    qualification = start_qualification(role_codes=("SUP",), route=Route.SIT, created_by=admin)

    assert qualification.state == QualificationState.TESTING
    assert list(qualification.submissions.values_list("stage", flat=True)) == [
        SubmissionStage.INITIAL
    ]
    approvals = RoleApproval.objects.filter(qualification_role__qualification=qualification)
    assert sorted(a.code_body.code for a in approvals) == ["BSC", "DIP", "REC"]
    assert {a.outcome for a in approvals} == {ApprovalOutcome.PENDING}
    start = qualification.transitions.get()
    assert (start.from_state, start.to_state, start.actor) == ("", "testing", admin)


def test_a_non_sit_participant_starts_with_the_pre_qualification_submission():
    qualification = start_qualification(role_codes=("ADS", "SDS"), route=Route.QT)

    assert qualification.state == QualificationState.PRE_QUALIFICATION
    assert not qualification.submissions.exists()
    approvals = RoleApproval.objects.filter(qualification_role__qualification=qualification)
    assert sorted((a.qualification_role.market_role.code, a.code_body.code) for a in approvals) == [
        ("ADS", "BSC"),
        ("ADS", "DIP"),
        ("SDS", "BSC"),
        ("SDS", "DIP"),
    ]


def test_testing_cannot_begin_while_no_qad_template_is_published_and_nothing_moves():
    # The Initial QAD is started by the QAD app on hearing that testing began, inside the
    # move's transaction: its refusal undoes the move.
    qualification = start_qualification(role_codes=("MSA",), route=Route.QT)
    lead = CodeBodyMemberFactory(code_body=code_body("REC"), role="lead_assessor").user
    QadTemplate.objects.update(status=VersionStatus.SUPERSEDED)

    with pytest.raises(TransitionNotAllowed, match="No QAD template is published"):
        qualification_transition(
            qualification=qualification, target=QualificationState.TESTING, actor=lead
        )

    qualification.refresh_from_db()
    assert qualification.state == QualificationState.PRE_QUALIFICATION
    assert qualification.transitions.count() == 1
    assert not qualification.submissions.exists()


def test_a_new_entrant_ldso_needs_a_pqs_only_when_it_places_reliance():
    plain = start_qualification(role_codes=("LDSO",), route=Route.NEW_ENTRANT_LDSO)
    relying = start_qualification(
        role_codes=("LDSO",), route=Route.NEW_ENTRANT_LDSO, places_reliance=True
    )
    assert plain.state == QualificationState.TESTING
    assert relying.state == QualificationState.PRE_QUALIFICATION


def test_accepting_the_pqs_records_who_and_builds_the_initial_qad():
    qualification = start_qualification(role_codes=("MSA",), route=Route.QT)
    lead = CodeBodyMemberFactory(code_body=code_body("REC"), role="lead_assessor").user

    qualification_transition(
        qualification=qualification, target=QualificationState.TESTING, actor=lead
    )

    assert qualification.state == QualificationState.TESTING
    latest = qualification.transitions.order_by("-pk").first()
    assert (latest.from_state, latest.to_state, latest.actor, latest.note) == (
        "pre_qualification",
        "testing",
        lead,
        "Pre-Qualification Submission accepted",
    )
    assert qualification.submissions.get().stage == SubmissionStage.INITIAL


def test_a_lead_assessor_of_a_code_body_that_does_not_approve_the_role_cannot_move_it():
    qualification = start_qualification(role_codes=("MSA",), route=Route.QT)
    bsc_lead = CodeBodyMemberFactory(code_body=code_body("BSC"), role="lead_assessor").user

    with pytest.raises(PermissionDenied):
        qualification_transition(
            qualification=qualification, target=QualificationState.TESTING, actor=bsc_lead
        )
    qualification.refresh_from_db()
    assert qualification.state == QualificationState.PRE_QUALIFICATION
    assert qualification.transitions.count() == 1


def test_a_contributor_cannot_withdraw_but_the_organisation_admin_can():
    qualification = start_qualification()
    contributor = MembershipFactory(organisation=qualification.organisation).user
    admin = MembershipFactory(
        organisation=qualification.organisation, role=MembershipRole.ORG_ADMIN
    ).user

    with pytest.raises(PermissionDenied):
        qualification_transition(
            qualification=qualification, target=QualificationState.WITHDRAWN, actor=contributor
        )
    qualification_transition(
        qualification=qualification, target=QualificationState.WITHDRAWN, actor=admin
    )
    assert qualification.state == QualificationState.WITHDRAWN


def test_a_move_the_lifecycle_does_not_have_is_refused_and_changes_nothing():
    qualification = start_qualification()
    with pytest.raises(TransitionNotAllowed) as caught:
        qualification_transition(
            qualification=qualification, target=QualificationState.QUALIFIED, actor=None
        )
    assert str(caught.value) == (
        "A qualification in 'Testing and Initial QAD' cannot move to 'Qualified'"
    )
    qualification.refresh_from_db()
    assert qualification.state == QualificationState.TESTING


def test_only_a_supplier_can_ask_for_the_smart_meter_segment_exemption():
    with pytest.raises(ValueError, match="Only a Supplier"):
        start_qualification(role_codes=("ADS",), route=Route.SIT, sms_exemption_requested=True)
