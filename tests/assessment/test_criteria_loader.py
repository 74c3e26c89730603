"""Loading Code Body criteria sets: bound to a loaded template, all or nothing."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from assessment.models import CriteriaSet
from assessment.published import criteria_outline
from assessment.services.criteria import code_bodies_without_criteria, criteria_set_load
from qad.enums import VersionStatus
from qad.models import PublishedVersionError
from qad.services.templates import qad_template_load, qad_template_publish
from qad.version_file_reader import VersionFileError
from qualification.models import AuditEvent
from tests.qad.test_template_loader import row_counts
from tests.version_files import as_bytes, criteria_doc, template_doc, template_published

pytestmark = pytest.mark.django_db

REC_CRITERIA = criteria_doc(
    code_body="REC",
    version="2.9",
    title="Test REC criteria v2.9",
    criteria=[
        {
            "ref": "REC-3-01",
            "title": "Participant identified",
            "looks_for": "A legal name.",
            "questions": ["3.1"],
        }
    ],
)


@pytest.fixture
def template():
    return template_published("t.yaml", template_doc())


def load(document, **kwargs):
    return criteria_set_load(filename="criteria.yaml", content=as_bytes(document), **kwargs)


def problems_of(document) -> list[str]:
    before = row_counts()
    with pytest.raises(VersionFileError) as caught:
        load(document)
    assert row_counts() == before, "a bad file must write nothing"
    return [str(p) for p in caught.value.problems]


def test_the_shipped_criteria_sets_are_loaded_for_each_code_body():
    sets = CriteriaSet.objects.filter(status=VersionStatus.PUBLISHED).select_related("code_body")
    assert sorted(str(s) for s in sets) == [
        "BSC criteria v5.0",
        "DIP criteria v1.1",
        "REC criteria v2.0",
    ]
    for criteria_set in sets:
        assert str(criteria_set.template) == "QAD v3.01"
        for criterion in criteria_set.criteria.prefetch_related("questions"):
            for question in criterion.questions.all():
                assert criteria_set.code_body.code in question.assessed_by


def test_a_good_file_links_each_criterion_to_its_questions(template):
    criteria_set = load(criteria_doc()).version

    assert criteria_set.status == VersionStatus.PUBLISHED
    assert criteria_set.template == template
    dates = criteria_set.criteria.get(ref="BSC-3-02")
    assert sorted(dates.questions.values_list("ref", flat=True)) == ["3.2", "3.3"]
    assert dates.checks == [{"name": "dates_in_order", "params": {}}]
    assert criteria_set.criteria.get(ref="BSC-3-01").checks == [
        {"name": "required_answers_present", "params": {}}
    ]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["criteria"][0].update(questions=["9.9"]),
            "criteria[0].questions[0]: there is no question '9.9' in the bound template",
        ),
        (
            lambda d: d.update(code_body="REC") or d["criteria"][1].update(questions=["3.2"]),
            "criteria[1].questions[0]: question '3.2' is assessed by BSC, not REC",
        ),
        (
            lambda d: d["criteria"][0].update(checks=["looks_good"]),
            "criteria[0].checks[0]: unknown check 'looks_good' (known: dates_in_order, "
            "evidence_scan_clean, evidence_types_attached, evidence_within_window, "
            "identifiers_match_reference_data, reliance_references_valid, "
            "required_answers_present, rttm_coverage, sign_off_matches, test_results_summary)",
        ),
        (
            lambda d: d.update(code_body="OFGEM"),
            "code_body: unknown Code Body 'OFGEM' (known: BSC, DIP, REC)",
        ),
        (
            lambda d: d.update(qad_template={"document": "TST", "version": "9.0"}),
            "qad_template: TST v9.0 is not loaded; load the template first",
        ),
        (
            lambda d: d["criteria"][1].update(ref="BSC-3-01"),
            "criteria[1].ref: criterion ref 'BSC-3-01' is used twice (first at criteria[0].ref)",
        ),
        (
            lambda d: d["criteria"][0].update(questions=[3.1]),
            "criteria[0].questions[0]: expected a question ref, found the number 3.1 (put it "
            "in quotes)",
        ),
    ],
    ids=[
        "missing question",
        "question of another Code Body",
        "unknown check",
        "unknown Code Body",
        "template not loaded",
        "duplicate ref",
        "unquoted ref",
    ],
)
def test_each_kind_of_bad_file_is_named_with_its_path_and_nothing_is_written(
    template, mutate, expected
):
    document = criteria_doc()
    mutate(document)

    assert problems_of(document) == [expected]


def test_loading_the_same_version_with_different_content_is_refused(template):
    load(criteria_doc())
    problems = problems_of(criteria_doc(title="Edited"))
    assert problems[0].startswith("version: BSC criteria v1.0 is already loaded")


def test_a_byte_identical_file_is_a_no_op(template):
    first = load(criteria_doc())
    before = row_counts()
    again = load(criteria_doc())
    assert (again.created, again.version) == (False, first.version)
    assert row_counts() == before


def test_criteria_are_published_before_their_template_version_so_it_can_be():
    draft = qad_template_load(
        filename="t.yaml", content=as_bytes(template_doc()), publish=False
    ).version
    load(criteria_doc())  # BSC's, published while the template is still a draft

    with pytest.raises(PublishedVersionError) as refused:
        qad_template_publish(template=draft)
    assert str(refused.value) == (
        "TST v1.0 cannot be published: REC assess its questions but have no published "
        "criteria for it. Load and publish their criteria for TST v1.0 first, or publish "
        "without them, saying why."
    )
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT

    load(REC_CRITERIA)
    qad_template_publish(template=draft)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED


def test_a_gap_accepted_without_a_reason_is_refused_and_with_one_is_recorded(admin_user):
    draft = qad_template_load(
        filename="t.yaml", content=as_bytes(template_doc()), publish=False
    ).version
    load(criteria_doc())

    with pytest.raises(PublishedVersionError, match=r"Say why TST v1\.0 is published without"):
        qad_template_publish(template=draft, accepted_gaps=["REC"], reason="  ")
    qad_template_publish(
        template=draft, by=admin_user, accepted_gaps=["REC"], reason="REC criteria due Friday"
    )

    event = AuditEvent.objects.get(kind="version.published_without_criteria")
    assert (event.actor, event.after) == (
        admin_user,
        {"code_bodies": ["REC"], "reason": "REC criteria due Friday"},
    )


def test_the_command_lists_problems_and_loads_nothing(template, tmp_path):
    path = tmp_path / "bad-criteria.yaml"
    document = criteria_doc()
    document["criteria"][0]["questions"] = ["9.9"]
    path.write_bytes(as_bytes(document))

    with pytest.raises(CommandError) as caught:
        call_command("load_criteria", str(path))

    assert f"{path}: criteria[0].questions[0]: there is no question '9.9'" in str(caught.value)
    assert not CriteriaSet.objects.filter(version="1.0", code_body__code="BSC").exists()


def test_criteria_written_for_one_version_also_serve_the_later_ones_they_name(template):
    later = template_published("t-1.1.yaml", template_doc(version="1.1", title="Test v1.1"))
    document = criteria_doc(version="1.1")
    document["qad_template"] = {"document": "TST", "version": "1.0", "also": ["1.1"]}

    criteria_set = load(document).version

    assert list(criteria_set.also_for.all()) == [later]
    outline = criteria_outline(code_body_id=criteria_set.code_body_id, template_id=later.pk)
    assert outline.criteria_set == criteria_set
    served = {q.template_id for c in outline.criteria for q in c.questions.all()}
    assert served == {template.pk, later.pk}, "each criterion finds its questions in both"
    assert "BSC" not in [body.code for body in code_bodies_without_criteria(later)]


def test_a_later_version_named_must_be_loaded_and_ask_every_question_the_criteria_assess(
    template,
):
    missing_question = template_doc(version="1.2", title="Test v1.2")
    missing_question["sections"][1]["questions"] = [
        q for q in missing_question["sections"][1]["questions"] if q["ref"] != "3.1"
    ]
    template_published("t-1.2.yaml", missing_question)
    document = criteria_doc(version="1.2")
    document["qad_template"] = {"document": "TST", "version": "1.0", "also": ["1.2", "9.9"]}

    assert problems_of(document) == [
        "qad_template.also[1]: TST v9.9 is not loaded; load the template first",
        "criteria[0].questions[0]: question '3.1' is not one BSC assesses in v1.2 (named in "
        "qad_template.also)",
    ]
