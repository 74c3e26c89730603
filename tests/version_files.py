"""Small, valid version files for tests to break one thing at a time."""

from __future__ import annotations

import copy
from typing import Any

import yaml

MINIMAL_TEMPLATE: dict[str, Any] = {
    "format": "qad-template/1",
    "document": {"code": "TST", "name": "Test Assessment Document"},
    "version": "1.0",
    "title": "Test template v1.0",
    "evidence_types": [
        {"code": "test_completion_report", "name": "Test completion report"},
    ],
    "sections": [
        {"ref": "1", "title": "Introduction", "guidance": "Read this first."},
        {
            "ref": "3",
            "title": "Participant details",
            "questions": [
                {
                    "ref": "3.1",
                    "prompt": "Legal name?",
                    "answer_type": "free_text",
                    "assessed_by": ["BSC", "REC"],
                },
                {
                    "ref": "3.2",
                    "prompt": "Testing started on?",
                    "answer_type": "date",
                    "assessed_by": ["BSC"],
                },
                {
                    "ref": "3.3",
                    "prompt": "Testing ended on?",
                    "answer_type": "date",
                    "not_before": "3.2",
                    "assessed_by": ["BSC"],
                    "evidence": [{"type": "test_completion_report", "required": True}],
                },
            ],
        },
        {
            "ref": "5",
            "title": "Smart Meter Segment exemption",
            "applies_to": {"roles": ["SUP"], "when": ["sms_exemption_requested"]},
            "questions": [
                {
                    "ref": "5.1",
                    "prompt": "Advanced-only portfolio?",
                    "answer_type": "yes_no",
                    "assessed_by": ["BSC"],
                },
            ],
        },
    ],
}

MINIMAL_CRITERIA: dict[str, Any] = {
    "format": "criteria-set/1",
    "code_body": "BSC",
    "version": "1.0",
    "title": "Test BSC criteria v1.0",
    "qad_template": {"document": "TST", "version": "1.0"},
    "criteria": [
        {
            "ref": "BSC-3-01",
            "title": "Participant identified",
            "looks_for": "A legal name that matches Companies House.",
            "questions": ["3.1"],
            "checks": ["required_answers_present"],
        },
        {
            "ref": "BSC-3-02",
            "title": "Testing dates",
            "looks_for": "Dates in order.",
            "questions": ["3.2", "3.3"],
            "checks": [{"name": "dates_in_order", "params": {}}],
        },
    ],
}


def template_doc(**changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(MINIMAL_TEMPLATE)
    document.update(changes)
    return document


def criteria_doc(**changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(MINIMAL_CRITERIA)
    document.update(changes)
    return document


def as_bytes(document: Any) -> bytes:
    return yaml.safe_dump(document, sort_keys=False).encode("utf-8")


# A small QAD with every answer type and nothing that needs evidence uploads: what a
# participant's whole journey (fill in, checklist, submit) can be run against.
JOURNEY_TEMPLATE: dict[str, Any] = {
    "format": "qad-template/1",
    "document": {"code": "QAD", "name": "Qualification Assessment Document"},
    "version": "99.0",
    "title": "Journey QAD v99.0",
    "evidence_types": [{"code": "process_document", "name": "Process document"}],
    "sections": [
        {"ref": "1", "title": "Introduction", "guidance": "How to use this document."},
        {
            "ref": "3",
            "title": "Participant details",
            "guidance": "Who you are and what you are qualifying for.",
            "questions": [
                {
                    "ref": "3.1",
                    "prompt": "Describe your MHHS operating model.",
                    "guidance": "A paragraph is enough.",
                    "answer_type": "free_text",
                    "assessed_by": ["BSC", "REC"],
                },
                {
                    "ref": "3.2",
                    "prompt": "Do you use a third-party service provider?",
                    "answer_type": "yes_no",
                    "assessed_by": ["BSC"],
                },
                {
                    "ref": "3.3",
                    "prompt": "Which testing approach did you take?",
                    "answer_type": "single_choice",
                    "choices": [
                        {"value": "in_house", "label": "In-house"},
                        {"value": "provider", "label": "With our provider"},
                    ],
                    "assessed_by": ["BSC"],
                },
            ],
        },
        {
            "ref": "4",
            "title": "Testing",
            "questions": [
                {
                    "ref": "4.1",
                    "prompt": "When did testing start?",
                    "answer_type": "date",
                    "assessed_by": ["BSC", "REC"],
                },
                {
                    "ref": "4.2",
                    "prompt": "When did testing finish?",
                    "answer_type": "date",
                    "not_before": "4.1",
                    "assessed_by": ["BSC", "REC"],
                },
                {
                    "ref": "4.3",
                    "prompt": "How many test cases passed?",
                    "answer_type": "number",
                    "min": 0,
                    "max": 100000,
                    "unit": "test cases",
                    "assessed_by": ["BSC"],
                },
                {
                    "ref": "4.4",
                    "prompt": "List open defects.",
                    "answer_type": "table",
                    "columns": [
                        {"key": "reference", "label": "Defect reference", "type": "text"},
                        {"key": "due", "label": "Due date", "type": "date"},
                    ],
                    "assessed_by": ["BSC"],
                },
                {
                    "ref": "4.5",
                    "prompt": "Attach your test process document.",
                    "answer_type": "evidence_only",
                    "required": False,
                    "evidence": [{"type": "process_document"}],
                    "assessed_by": ["BSC"],
                },
            ],
        },
        {
            "ref": "11",
            "title": "Declaration",
            "guidance": "Once the Code Bodies agree the content is complete.",
            "applies_to": {"stages": ["final"]},
            "questions": [
                {
                    "ref": "11.1",
                    "prompt": "Are the information and evidence in this QAD complete and accurate?",
                    "answer_type": "yes_no",
                    "assessed_by": ["BSC", "REC"],
                },
            ],
        },
    ],
}


JOURNEY_CRITERIA: dict[str, dict[str, Any]] = {
    "BSC": {
        "format": "criteria-set/1",
        "code_body": "BSC",
        "version": "99.0",
        "title": "Journey BSC criteria",
        "qad_template": {"document": "QAD", "version": "99.0"},
        "criteria": [
            {
                "ref": "BSC-3",
                "title": "Operating model described",
                "looks_for": "A clear description of how MHHS settlement is run.",
                "questions": ["3.1", "3.2", "3.3"],
            },
            {
                "ref": "BSC-4",
                "title": "Testing complete",
                "looks_for": "Testing dates in order and a pass count that matches the report.",
                "questions": ["4.1", "4.2", "4.3", "4.4"],
            },
        ],
    },
    "REC": {
        "format": "criteria-set/1",
        "code_body": "REC",
        "version": "99.0",
        "title": "Journey REC criteria",
        "qad_template": {"document": "QAD", "version": "99.0"},
        "criteria": [
            {
                "ref": "REC-3",
                "title": "Operating model described",
                "looks_for": "The REC obligations are covered.",
                "questions": ["3.1", "4.1"],
            },
        ],
    },
}

# BSC criteria for the journey QAD with automated checks, loaded instead of JOURNEY_CRITERIA:
# what a submission of the journey QAD is checked against end to end (tests of check runs
# and the real worker).
JOURNEY_CHECKED_CRITERIA: dict[str, Any] = {
    "format": "criteria-set/1",
    "code_body": "BSC",
    "version": "99.0",
    "title": "Journey BSC criteria v99.0",
    "qad_template": {"document": "QAD", "version": "99.0"},
    "criteria": [
        {
            "ref": "J-3-01",
            "title": "Operating model described",
            "looks_for": "A description of the operating model and the testing approach.",
            "questions": ["3.1", "3.2", "3.3"],
            "checks": ["required_answers_present"],
        },
        {
            "ref": "J-4-01",
            "title": "Testing dates in order",
            "looks_for": "Testing finished after it started, and before the QAD was submitted.",
            "questions": ["4.1", "4.2"],
            "checks": [
                "required_answers_present",
                {"name": "dates_in_order", "params": {"not_after_submission": ["4.2"]}},
            ],
        },
        {
            "ref": "J-4-02",
            "title": "Open defects planned",
            "looks_for": "Every open defect has a due date after submission.",
            "questions": ["4.3", "4.4"],
            "checks": [{"name": "dates_in_order", "params": {"after_submission": ["4.4:due"]}}],
        },
        {
            "ref": "J-4-03",
            "title": "Test results",
            "looks_for": "The execution log shows at least 90% of test cases passed.",
            "questions": ["4.5"],
            "checks": [
                {
                    "name": "test_results_summary",
                    "params": {"min_pass_rate": 0.9, "evidence_type": "process_document"},
                },
                "evidence_scan_clean",
            ],
        },
    ],
}


def journey_criteria_doc(**changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(JOURNEY_CHECKED_CRITERIA)
    document.update(changes)
    return document


def template_published(filename: str, document: Any, *, criteria: list[Any] = ()):
    """Load a template version, load and publish the criteria given for it, and publish it;
    Code Bodies given no criteria are accepted as gaps (the test is not about them)."""
    from assessment.services.criteria import criteria_set_load
    from qad.services.templates import qad_template_load, qad_template_publish

    content = document if isinstance(document, bytes) else as_bytes(document)
    template = qad_template_load(filename=filename, content=content, publish=False).version
    for n, criteria_document in enumerate(criteria):
        criteria_set_load(filename=f"criteria-{n}.yaml", content=as_bytes(criteria_document))
    if template.is_published:
        return template
    return qad_template_publish(
        template=template,
        accepted_gaps=("BSC", "REC", "DIP"),
        reason="This test is not about the criteria of this version",
    )
