"""The home-page benchmark (`make bench`) measures the pages people see, not a redirect to
the second-factor prompt: each kind of user it signs in as gets its own home page."""

import pytest

from benchmarks import pages
from benchmarks.report import Row


@pytest.mark.django_db
def test_each_benchmarked_home_page_is_the_signed_in_page(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    settings.REQUIRE_SECOND_FACTOR = True  # as in production
    monkeypatch.setattr(pages, "measure", lambda name, action, **kw: action() or Row(name, 1, 0, 0))
    rows = pages.run()
    assert [row.name for row in rows] == [name for name, _email in pages.PAGES]
