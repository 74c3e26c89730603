"""The benchmarks `make bench` prints measure what they say: the home pages people see (not
a redirect to the second-factor prompt), and checks that really ran on each submission."""

import pytest

from assessment.models import CheckRun
from assessment.services.checks import applicable_criteria_sets
from benchmarks import checks_programme, moves, pages
from benchmarks.report import Row
from qad.models import QadTemplate, TemplateMove
from qad.version_changes import compare_templates


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


@pytest.mark.django_db
def test_every_step_of_the_deadline_afternoon_answers_its_person(settings, tmp_path):
    """Each person of the mixed benchmark is signed in on their own session and every page
    of their round answers them (no sign-in page, no refusal); each autosave saves."""
    from django.test import Client

    from benchmarks import mix_setup
    from demo.scale import scale_load

    settings.MEDIA_ROOT = tmp_path
    settings.REQUIRE_SECOND_FACTOR = True  # as in production: the sessions carry it
    scale_load(organisations=10, password="bench-2026", check_runs=False, evidence=3)
    people = mix_setup.people()
    kinds = [person["kind"] for person in people]
    assert kinds.count("participant") >= 2 and "assessor" in kinds and "programme" in kinds
    assert len({person["session"] for person in people}) == len(people), "one session each"
    saves = 0
    for person in people:
        client = Client()
        client.cookies["sessionid"] = person["session"]
        for step in person["steps"]:
            if "question" in step:
                question, saves = step["question"], saves + 1
                for later in person["steps"]:  # its next saves carry the version this one makes
                    if later.get("question") == question and later is not step:
                        later["version"] = step["version"] + 1
                response = client.post(
                    step["path"],
                    {
                        f"q{question}-version": step["version"],
                        f"q{question}-value": f"Typed {saves}",
                    },
                    headers={"HX-Request": "true"},
                )
                assert "X-Save-Outcome" not in response, (person["kind"], step)
                assert "Saved at" in response.content.decode()
                continue
            if "body" in step:
                response = client.post(
                    step["path"], step["body"], "application/x-www-form-urlencoded"
                )
                assert response.status_code == 302 and "/login/" not in response["Location"]
                continue
            response = client.get(step["path"])
            assert response.status_code == 200, (person["kind"], step["path"])


@pytest.mark.django_db(transaction=True)
def test_the_move_benchmark_moves_every_draft_by_the_mapping_and_loses_nothing(
    reference_data, shipped_versions
):
    [row] = moves.run(organisations=20)

    drafts = TemplateMove.objects.filter(to_template__version=moves.VERSION)
    assert row.runs == drafts.count() > 0
    assert ", 0 lost (of " in row.note
    kinds = {
        c.kind
        for c in compare_templates(QadTemplate.objects.get(version="3.01"), drafts[0].to_template)
    }
    assert {"renumbered", "split", "merged", "removed"} <= kinds
