"""The benchmarks `make bench` prints measure what they say: the home pages people see (not
a redirect to the second-factor prompt), and checks that really ran on each submission."""

import pytest

from assessment.models import CheckRun
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
    assert CheckRun.objects.filter(status="complete").count() == 6
    assert row.queries and f"{row.queries} queries for" in row.note
