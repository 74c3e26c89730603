"""Runs made before each Code Body's checks ran on their own covered every Code Body at once;
the migration splits each into one run per Code Body, and no result is lost."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessment.models import CheckResult, CheckRun
from assessment.services.checks import checks_run_all
from tests.assessment.support import submit
from tests.participants import Participant

BEFORE = [("assessment", "0008_checkrun_request_key")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_a_run_over_every_code_body_becomes_one_run_per_code_body(shipped_versions):
    supplier = Participant("Harbour Energy Ltd")
    revision = submit(supplier)
    runs = checks_run_all(revision=revision)
    expected = {
        run.code_body.code: sorted(
            (r.criterion.ref, r.position, r.status, r.message) for r in run.results.all()
        )
        for run in runs
    }
    assert sorted(expected) == ["BSC", "DIP", "REC"]
    leaf = MigrationExecutor(connection).loader.graph.leaf_nodes()

    # What a run looked like before: one run holding every Code Body's results.
    executor = _migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldRun, OldResult = (
        old.get_model("assessment", "CheckRun"),
        old.get_model("assessment", "CheckResult"),
    )
    kept, *others = OldRun.objects.order_by("pk")
    OldResult.objects.filter(run__in=others).update(run=kept)
    kept.criteria_versions = [v for run in (kept, *others) for v in run.criteria_versions]
    kept.save()
    OldRun.objects.filter(pk__in=[r.pk for r in others]).delete()
    assert OldRun.objects.count() == 1

    _migrate(leaf)

    split = CheckRun.objects.filter(revision=revision).select_related("code_body")
    found = {
        run.code_body.code: sorted(
            (r.criterion.ref, r.position, r.status, r.message) for r in run.results.all()
        )
        for run in split
    }
    assert found == expected, "every result kept, each under its own Code Body's run"
    for run in split:
        assert [v["code_body"] for v in run.criteria_versions] == [run.code_body.code]
        statuses = [r.status for r in run.results.all()]
        assert {s: n for s, n in run.counts.items() if n} == {
            s: statuses.count(s) for s in set(statuses)
        }
    assert CheckResult.objects.count() == sum(len(v) for v in expected.values())
