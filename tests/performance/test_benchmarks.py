"""The benchmarks `make bench` prints measure what they say: the home pages people see (not
a redirect to the second-factor prompt), and checks that really ran on each submission."""

import pytest

from assessment.models import CheckRun
from assessment.services.checks import applicable_criteria_sets
from benchmarks import checks_programme, pages
from benchmarks.report import Row


@pytest.mark.django_db
def test_each_benchmarked_home_page_is_the_signed_in_page(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    settings.REQUIRE_SECOND_FACTOR = True  # as in production
    monkeypatch.setattr(pages, "measure", lambda name, action, **kw: action() or Row(name, 1, 0, 0))
    rows = pages.run()
    assert [row.name for row in rows] == [name for name, _email in pages.PAGES]


@pytest.mark.django_db
def test_the_programme_checks_benchmark_checks_every_submission_once(monkeypatch):
    monkeypatch.setattr(checks_programme, "ORGANISATIONS", 12)
    monkeypatch.setattr(checks_programme, "EVIDENCE_PER_ORGANISATION", 3)
    [row] = checks_programme.run(submissions=6)
    assert row.runs == 6 and "submissions/s" in row.note
    runs = CheckRun.objects.filter(status="complete").select_related("revision__submission")
    by_revision: dict = {}
    for run in runs:
        by_revision.setdefault(run.revision, []).append(run.code_body_id)
    assert len(by_revision) == 6
    for revision, bodies in by_revision.items():
        applicable = [s.code_body_id for s in applicable_criteria_sets(revision)]
        assert sorted(bodies) == sorted(applicable), "each Code Body's checks ran once"
    assert f"({runs.count()} tasks, one per Code Body" in row.note
    assert row.queries and f"{row.queries} queries a task for" in row.note
