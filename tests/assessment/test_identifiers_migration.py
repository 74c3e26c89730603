"""A database that loaded the shipped criteria before they checked a QAD's identifiers
against the portal's records is brought to the files as they are now."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessment.models import CriteriaSet, Criterion
from demo.world import ensure_versions

BEFORE = [("assessment", "0012_qualification_work_off_open")]
EARLIER_BSC = "4fbad9e3cd9c8b7d78d006f0b60a46893b6d7244c694b504ecaff34e7a0f77dd"


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_earlier_bsc_criteria_gain_the_identifiers_check(shipped_versions):
    bsc = CriteriaSet.objects.get(code_body__code="BSC", version="5.0")
    shipped_sha256 = bsc.source_sha256
    criterion = bsc.criteria.get(ref="BSC-3-02")
    Criterion.objects.filter(pk=criterion.pk).update(
        checks=[{"name": "required_answers_present", "params": {}}]
    )
    CriteriaSet.objects.filter(pk=bsc.pk).update(source_sha256=EARLIER_BSC)
    leaf = MigrationExecutor(connection).loader.graph.leaf_nodes()

    _migrate(BEFORE)
    _migrate(leaf)

    criterion.refresh_from_db()
    assert [check["name"] for check in criterion.checks] == [
        "required_answers_present",
        "identifiers_match_reference_data",
    ]
    bsc.refresh_from_db()
    assert bsc.source_sha256 == shipped_sha256
    ensure_versions()  # the shipped files are the loaded ones: nothing refused
