"""A database with qualifications already in Service Activation, from before it was per role,
keeps their steps: each role gets them, with who confirms each now."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from assessment.models import ActivationChecklistItem, ServiceActivationStep
from tests.qualification.factories import start_qualification

BEFORE = [("assessment", "0014_sms_exemption_decisions"), ("qualification", "0010_mpid_dip_id")]


@pytest.mark.django_db(transaction=True)
def test_the_steps_of_a_qualification_in_activation_are_given_to_each_of_its_roles(
    reference_data, journey_template
):
    qualification = start_qualification(role_codes=("MSA", "ADS"))
    executor = MigrationExecutor(connection)
    leaf = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    earlier = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    Step = earlier.get_model("assessment", "ServiceActivationStep")
    done_at = timezone.now()
    Step.objects.create(
        qualification_id=qualification.pk,
        label="Production DIP connection enabled",
        position=0,
        done_at=done_at,
    )
    Step.objects.create(
        qualification_id=qualification.pk, label="Migration slot agreed", position=1
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(leaf)

    steps = ServiceActivationStep.objects.filter(qualification_role__qualification=qualification)
    assert sorted(
        (s.qualification_role.market_role.code, s.label, s.confirmer_name, s.done_at)
        for s in steps.select_related("qualification_role__market_role", "confirmer")
    ) == [
        ("ADS", "Migration slot agreed", "the Programme", None),
        ("ADS", "Production DIP connection enabled", "a DIP lead assessor", done_at),
        ("MSA", "Migration slot agreed", "the Programme", None),
        ("MSA", "Production DIP connection enabled", "a DIP lead assessor", done_at),
    ]
    assert len({s.public_id for s in steps}) == 4
    assert ActivationChecklistItem.objects.filter(reviews_work_off=True).count() == 1
