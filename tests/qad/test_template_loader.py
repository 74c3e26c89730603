"""Loading QAD template versions from files: good files load whole, bad ones write nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from qad.enums import VersionStatus
from qad.models import PublishedVersionError, QadTemplate, Question
from qad.services.templates import current_template, qad_template_load, qad_template_publish
from qad.version_file_reader import VersionFileError
from qualification.models import AuditEvent
from tests.version_files import as_bytes, template_doc

pytestmark = pytest.mark.django_db

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "qad" / "qad-v3.01.yaml"


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in ("qad", "assessment", "qualification")
        for model in apps.get_app_config(app).get_models()
    }


def load(document, filename="test.yaml", *, publish=True, **kwargs):
    """Load the file; published (its Code Bodies' criteria accepted as gaps) unless not."""
    result = qad_template_load(
        filename=filename, content=as_bytes(document), publish=False, **kwargs
    )
    if publish and result.created:
        qad_template_publish(
            template=result.version,
            accepted_gaps=("BSC", "REC"),
            reason="The criteria are not what this test is about",
        )
        result.version.refresh_from_db()
    return result


def problems_of(document) -> list[str]:
    before = row_counts()
    with pytest.raises(VersionFileError) as caught:
        load(document, filename="bad.yaml")
    assert row_counts() == before, "a bad file must write nothing"
    return [str(p) for p in caught.value.problems]


def test_the_shipped_template_is_loaded_and_current():
    template = current_template("QAD")
    assert str(template) == "QAD v3.01"
    assert template.status == VersionStatus.PUBLISHED
    assert template.questions.count() >= 40
    section_refs = set(template.sections.values_list("ref", flat=True))
    assert {"1", "2", "3", "4.5", "5.1.1", "9", "11"} <= section_refs


def test_a_good_file_loads_every_section_question_and_evidence_type():
    result = load(template_doc())

    template = result.version
    assert result.created
    assert (template.document_code, template.version, template.status) == (
        "TST",
        "1.0",
        VersionStatus.PUBLISHED,
    )
    assert list(template.sections.values_list("ref", flat=True)) == ["1", "3", "5"]
    assert list(template.questions.values_list("ref", flat=True)) == [
        "3.1",
        "3.2",
        "3.3",
        "5.1",
    ]
    ended = template.questions.get(ref="3.3")
    assert ended.options == {"not_before": "3.2"}
    assert ended.evidence == [{"type": "test_completion_report", "required": True}]
    assert template.sections.get(ref="5").applies_when == ["sms_exemption_requested"]
    assert template.source_filename == "test.yaml"


def test_draft_loads_are_not_offered_to_new_qualifications():
    result = load(template_doc(), publish=False)
    assert result.version.status == VersionStatus.DRAFT
    assert current_template("TST") is None


def test_check_only_validates_and_writes_nothing():
    before = row_counts()
    result = load(template_doc(), check_only=True)
    assert result.version is None
    assert "TST v1.0 is valid: 3 sections, 4 questions" in result.summary
    assert row_counts() == before


def test_loading_the_same_version_with_different_content_is_refused():
    load(template_doc())
    changed = template_doc(title="Test template v1.0 (edited)")

    problems = problems_of(changed)

    assert len(problems) == 1
    assert problems[0].startswith("version: TST v1.0 is already loaded (from test.yaml")
    assert QadTemplate.objects.get(document_code="TST").title == "Test template v1.0"


def test_loading_a_byte_identical_file_again_changes_nothing():
    first = load(template_doc())
    before = row_counts()

    again = load(template_doc())

    assert not again.created
    assert again.version == first.version
    assert row_counts() == before
    assert again.summary == "TST v1.0 is already loaded from this exact file; nothing changed"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["sections"][1]["questions"][0].update(answer_type="essay"),
            "sections[1].questions[0].answer_type: 'essay' is not one of free_text, yes_no, "
            "date, single_choice, number, table, evidence_only",
        ),
        (
            lambda d: d["sections"][2]["applies_to"].update(roles=["SUPP"]),
            "sections[2].applies_to.roles[0]: unknown market role 'SUPP' (known: ADS, LDSO, "
            "MSA, MSS, SDS, SUP, UMSDS)",
        ),
        (
            lambda d: d["sections"][1]["questions"].append(
                {"ref": "3.1", "prompt": "Again?", "answer_type": "yes_no", "assessed_by": ["BSC"]}
            ),
            "sections[1].questions[3].ref: question ref '3.1' is used twice (first at "
            "sections[1].questions[0].ref)",
        ),
        (
            lambda d: d["sections"][1]["questions"][0].update(ref="4.1"),
            "sections[1].questions[0].ref: question '4.1' is in section '3'; its ref must start "
            'with "3."',
        ),
        (
            lambda d: d["sections"][1]["questions"][2].update(not_before="3.1"),
            "sections[1].questions[2].not_before: question '3.1' is not a date question",
        ),
        (
            lambda d: d["sections"][1]["questions"][2]["evidence"][0].update(type="selfie"),
            "sections[1].questions[2].evidence[0].type: unknown evidence type 'selfie' (define "
            "it under evidence_types)",
        ),
        (
            lambda d: d["sections"][1]["questions"][0].update(assessed_by=["ELEXON"]),
            "sections[1].questions[0].assessed_by[0]: unknown Code Body 'ELEXON' (known: BSC, "
            "DIP, REC)",
        ),
        (
            lambda d: d.update(version=1.1),
            "version: expected text, found the number 1.1 (put it in quotes)",
        ),
        (
            lambda d: d["sections"][1]["questions"][0].update(choices=["a", "b"]),
            "sections[1].questions[0].choices: only questions of answer_type single_choice "
            "take 'choices'",
        ),
        (
            lambda d: d["sections"][1]["questions"].append(
                {
                    "ref": "3.9",
                    "prompt": "Pick",
                    "answer_type": "single_choice",
                    "assessed_by": ["BSC"],
                }
            ),
            "sections[1].questions[3].choices: is required for a single_choice question",
        ),
        (
            lambda d: d["sections"][2]["questions"][0].update(applies_to={"roles": ["LDSO"]}),
            "sections[2].questions[0].applies_to.roles: LDSO can never apply: section 5 "
            "applies only to SUP",
        ),
        (
            lambda d: (
                d["sections"][2]["questions"][0].update(assessed_by=["BSC", "REC"])
                or d["sections"][2]["applies_to"].update(roles=["ADS"])
            ),
            "sections[2].questions[0].assessed_by[1]: REC approves none of the roles this "
            "question applies to (ADS)",
        ),
        (
            lambda d: d["sections"].append({"ref": "12.1", "title": "Orphan"}),
            "sections[3].ref: section '12.1' has no parent section '12' (add section '12', or "
            "number this one under a section that exists)",
        ),
        (
            lambda d: d["sections"][1].update(applies_to={"stages": ["interim"]}),
            "sections[1].applies_to.stages[0]: unknown stage 'interim' (known: final, initial)",
        ),
        (
            lambda d: (
                d["sections"][1].update(applies_to={"stages": ["final"]})
                or d["sections"][1]["questions"][0].update(applies_to={"stages": ["initial"]})
            ),
            "sections[1].questions[0].applies_to.stages: initial can never apply: section 3 "
            "applies only to final",
        ),
        (
            lambda d: d["sections"][1]["questions"].append(
                {
                    "ref": "3.9",
                    "prompt": "List your MPIDs.",
                    "answer_type": "table",
                    "columns": [
                        {"key": "mpid", "label": "MPID", "type": "text", "pattern": "([A-Z]"}
                        | {"pattern_hint": "an MPID"}
                    ],
                    "assessed_by": ["BSC"],
                }
            ),
            "sections[1].questions[3].columns[0].pattern: is not a regular expression "
            "(missing ), unterminated subpattern at position 0)",
        ),
        (
            lambda d: d["sections"][1]["questions"].append(
                {
                    "ref": "3.9",
                    "prompt": "When?",
                    "answer_type": "table",
                    "columns": [
                        {"key": "due", "label": "Due", "type": "date", "pattern": "^2"}
                        | {"pattern_hint": "a date in the 2000s"}
                    ],
                    "assessed_by": ["BSC"],
                }
            ),
            "sections[1].questions[3].columns[0].pattern: only a text column takes a pattern",
        ),
        (
            lambda d: d.pop("title"),
            "title: is required",
        ),
        (
            lambda d: d.update(colour="blue"),
            "colour: unknown key (expected one of document, effective_date, evidence_types, "
            "format, previous, removed, sections, title, version)",
        ),
    ],
    ids=[
        "unknown answer type",
        "unknown role",
        "duplicate ref",
        "ref outside its section",
        "not_before names a non-date",
        "unknown evidence type",
        "unknown Code Body",
        "unquoted version",
        "key for another answer type",
        "choice without choices",
        "question wider than its section",
        "assessor that approves none of the roles",
        "sub-section without its parent",
        "unknown stage",
        "question asked in a stage its section is not",
        "a cell format that is not a regular expression",
        "a format on a column that is not text",
        "missing key",
        "unknown key",
    ],
)
def test_each_kind_of_bad_file_is_named_with_its_path_and_nothing_is_written(mutate, expected):
    document = template_doc()
    mutate(document)

    assert problems_of(document) == [expected]


def test_every_problem_in_a_file_is_reported_at_once():
    document = template_doc()
    document["sections"][1]["questions"][0]["answer_type"] = "essay"
    document["sections"][2]["applies_to"]["routes"] = ["SIT", "PIT"]
    document["evidence_types"][0]["code"] = "Test Report"

    problems = problems_of(document)

    assert len(problems) == 4
    assert any(p.startswith("sections[1].questions[0].answer_type") for p in problems)
    assert any(
        p.startswith("sections[2].applies_to.routes[1]: unknown route 'PIT'") for p in problems
    )
    assert any(
        p.startswith("evidence_types[0].code: 'Test Report' is not lower_snake_case")
        for p in problems
    )


def test_a_file_that_is_not_yaml_says_where():
    before = row_counts()
    with pytest.raises(VersionFileError) as caught:
        qad_template_load(filename="broken.yaml", content=b"format: qad-template/1\nsections: [\n")
    assert row_counts() == before
    assert caught.value.report().startswith("broken.yaml: line 3, column 1: not valid YAML")


def test_yaml_aliases_are_refused_so_a_small_file_cannot_expand():
    content = b"a: &x [1, 2]\nb: *x\n"
    with pytest.raises(VersionFileError) as caught:
        qad_template_load(filename="alias.yaml", content=content)
    assert "aliases (*name) are not allowed" in caught.value.report()


def test_a_published_template_cannot_be_edited_in_place():
    template = load(template_doc()).version
    question = template.questions.get(ref="3.1")

    question.prompt = "Something else?"
    with pytest.raises(PublishedVersionError):
        question.save()
    template.title = "Renamed"
    with pytest.raises(PublishedVersionError):
        template.save()

    assert Question.objects.get(pk=question.pk).prompt == "Legal name?"


def test_publishing_a_new_version_supersedes_the_previous_one():
    first = load(template_doc()).version
    second = load(template_doc(version="1.1", title="Test template v1.1")).version

    first.refresh_from_db()
    assert first.status == VersionStatus.SUPERSEDED
    assert current_template("TST") == second


def test_the_command_reports_every_problem_with_the_file_name(tmp_path):
    bad = template_doc()
    bad["sections"][1]["questions"][0]["answer_type"] = "essay"
    path = tmp_path / "bad.yaml"
    path.write_bytes(as_bytes(bad))
    before = row_counts()

    with pytest.raises(CommandError) as caught:
        call_command("load_qad_template", str(path))

    message = str(caught.value)
    assert f"{path}: sections[1].questions[0].answer_type: 'essay' is not one of" in message
    assert message.endswith(f"{path}: 1 problem; nothing was loaded")
    assert row_counts() == before


def test_the_command_loads_a_good_file(tmp_path, capsys):
    path = tmp_path / "good.yaml"
    path.write_bytes(as_bytes(template_doc()))

    call_command("load_qad_template", str(path), "--draft")

    assert "Loaded TST v1.0: 3 sections, 4 questions, 1 evidence types (draft)" in (
        capsys.readouterr().out
    )


def test_the_command_publishes_only_once_every_assessing_code_body_has_criteria(tmp_path, capsys):
    path = tmp_path / "good.yaml"
    path.write_bytes(as_bytes(template_doc()))
    call_command("load_qad_template", str(path), "--draft")

    with pytest.raises(CommandError) as refused:
        call_command("publish_qad_template", "1.0", "--document", "TST")
    assert "BSC, REC assess its questions but have no published criteria for it" in str(
        refused.value
    )
    assert current_template("TST") is None

    call_command(
        "publish_qad_template",
        "1.0",
        "--document",
        "TST",
        "--without-criteria",
        "BSC",
        "REC",
        "--reason",
        "Criteria follow next week",
    )
    assert "TST v1.0 is published" in capsys.readouterr().out
    assert current_template("TST").version == "1.0"
    event = AuditEvent.objects.get(kind="version.published_without_criteria")
    assert event.after == {"code_bodies": ["BSC", "REC"], "reason": "Criteria follow next week"}
