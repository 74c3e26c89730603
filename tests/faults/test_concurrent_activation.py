"""Two lead assessors confirming the same Service Activation step at the same moment, each
on their own PostgreSQL connection: it is recorded once, the other is told so, and the role
is activated once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessment.models import ServiceActivationStep
from assessment.services.activation import activation_start, activation_step_confirm
from qualification.enums import CodeBodyRole
from qualification.models import AuditEvent, QualificationRole
from tests.faults.conftest import at_once, needs_postgres
from tests.qualification.factories import CodeBodyMemberFactory, code_body, start_qualification

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), needs_postgres()]


def test_the_last_step_confirmed_twice_at_once_is_recorded_once(reference_data, journey_template):
    qualification = start_qualification(role_codes=("MSA",))
    role = QualificationRole.objects.get(qualification=qualification)
    role.qualified_on = timezone.localdate()
    role.save()
    steps = activation_start(role)
    ServiceActivationStep.objects.filter(pk__in=[s.pk for s in steps[:-1]]).update(
        done_at=timezone.now()
    )
    last = steps[-1]
    leads = [
        CodeBodyMemberFactory(code_body=code_body("DIP"), role=CodeBodyRole.LEAD_ASSESSOR).user
        for _ in range(2)
    ]

    outcomes = at_once(*(lambda by=by: activation_step_confirm(step=last, by=by) for by in leads))

    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    recorded = [o for o in outcomes if isinstance(o, ServiceActivationStep)]
    assert len(recorded) == 1 and len(refused) == 1, outcomes
    assert "is already confirmed" in refused[0].messages[0]
    last.refresh_from_db()
    assert last.done_by == recorded[0].done_by
    assert AuditEvent.objects.filter(kind="activation.step", object_id=str(last.pk)).count() == 1
    assert AuditEvent.objects.filter(kind="role.activated").count() == 1
    role.refresh_from_db()
    assert role.activated_on == timezone.localdate()
