"""Examples the API's documentation shows beside each endpoint: what a real request and
answer look like, with made-up names and ids (none of a real participant's)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample

QAD = "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a"
FILE = "5b7a1c3e-2d4f-4a6b-8c9d-0e1f2a3b4c5d"
REVIEW = "7c6b5a4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d"

ANSWER = {
    "question": "4.2.1",
    "answer_type": "free_text",
    "value": "Our MHHS operating model runs settlement in house.",
    "version": 4,
    "updated_at": "2026-12-07T17:52:11Z",
    "updated_by": "Olivia Hart",
    "editable": True,
}
FILE_BODY = {
    "id": FILE,
    "title": "SIT execution log",
    "evidence_type": "test_execution_log",
    "file_name": "sit-log.csv",
    "size": 48213,
    "sha256": "9f2c…",
    "state": "pending",
    "state_label": "Being checked",
    "questions": ["4.1.6"],
    "uploaded_at": "2026-12-07T17:55:02Z",
    "download": None,
}
CLARIFICATION = {
    "id": 12,
    "question": "4.1.2",
    "code_body": "BSC",
    "state": "open",
    "raised_in_revision": 1,
    "messages": [
        {
            "author": "James Whitfield",
            "from_code_body": True,
            "text": "The end of testing is before its start: which is right?",
            "written_at": "2026-12-03T10:14:00Z",
        }
    ],
}


def _answer(name: str, value, **options) -> OpenApiExample:
    return OpenApiExample(name, value=value, **options)


ANSWER_LIST = [_answer("A QAD's answers", [ANSWER], response_only=True)]
ONE_ANSWER = _answer("An answer", ANSWER, response_only=True, status_codes=["200"])
QUESTIONS = [
    _answer(
        "A section",
        [
            {
                "ref": "4.2",
                "title": "Operating model",
                "guidance": "",
                "questions": [
                    {
                        "ref": "4.2.1",
                        "prompt": "Describe your MHHS operating model.",
                        "guidance": "A paragraph is enough.",
                        "answer_type": "free_text",
                        "required": True,
                        "options": {"max_length": 10000},
                        "evidence": [{"type": "process_document", "required": False}],
                    }
                ],
            }
        ],
        response_only=True,
    )
]
EVIDENCE_LIST = [
    _answer(
        "A QAD's files",
        {"next": None, "previous": None, "results": [FILE_BODY]},
        response_only=True,
    )
]
UPLOADED = [_answer("Uploaded, being checked", FILE_BODY, response_only=True, status_codes=["202"])]
ONE_FILE = [
    _answer(
        "Checked and clean",
        {
            **FILE_BODY,
            "state": "clean",
            "state_label": "Clean",
            "download": f"/api/v1/evidence/{FILE}/download/",
        },
        response_only=True,
    )
]
LINK = [
    _answer("Two more questions", {"questions": ["4.1.7", "4.1.8"]}, request_only=True),
    _answer("Linked", {**FILE_BODY, "questions": ["4.1.6", "4.1.7", "4.1.8"]}, response_only=True),
]
CLARIFICATIONS = [_answer("An open clarification", [CLARIFICATION], response_only=True)]
REPLY = [
    _answer(
        "The reply", {"text": "The start is 3 March; the end date is corrected."}, request_only=True
    ),
    _answer(
        "Answered",
        {
            **CLARIFICATION,
            "state": "answered",
            "messages": [
                *CLARIFICATION["messages"],
                {
                    "author": "Olivia Hart",
                    "from_code_body": False,
                    "text": "The start is 3 March; the end date is corrected.",
                    "written_at": "2026-12-04T09:02:00Z",
                },
            ],
        },
        response_only=True,
    ),
]
QUEUE = [
    _answer(
        "The BSC's queue",
        {
            "next": None,
            "previous": None,
            "results": [
                {
                    "review": REVIEW,
                    "submission": QAD,
                    "organisation": "Example Energy Supply Ltd",
                    "stage": "initial",
                    "state": "in_review",
                    "assignee": "James Whitfield",
                    "waiting_since": "2026-11-23T09:00:00Z",
                    "working_days_waiting": 10,
                    "due": "2026-12-21",
                }
            ],
        },
        response_only=True,
    )
]
REVIEW_BODY = {
    "id": REVIEW,
    "code_body": "BSC",
    "submission": QAD,
    "organisation": "Example Energy Supply Ltd",
    "state": "in_review",
    "assignee": "James Whitfield",
    "revision": 1,
    "criteria": [
        {
            "criterion": "BSC-4.2",
            "title": "Operating model described",
            "questions": ["4.2.1"],
            "outcome": "met",
            "comment": "Clear and complete.",
            "recorded_by": "James Whitfield",
            "recorded_at": "2026-12-04T11:30:00Z",
        }
    ],
    "clarifications": [CLARIFICATION],
}
REVIEW_EXAMPLES = [_answer("A review under way", REVIEW_BODY, response_only=True)]
OUTCOME = [
    _answer(
        "Not met, saying why",
        {"outcome": "not_met", "comment": "No test evidence for 4.1.6."},
        request_only=True,
    ),
    _answer("The review after it", REVIEW_BODY, response_only=True),
]
RAISE = [
    _answer(
        "A question for the participant",
        {"question": "4.1.2", "text": "The end of testing is before its start: which is right?"},
        request_only=True,
    ),
    _answer(
        "Drafted", {**CLARIFICATION, "state": "draft"}, response_only=True, status_codes=["201"]
    ),
]
STATUS = [
    _answer(
        "The programme's status",
        {
            "next": None,
            "previous": None,
            "results": [
                {
                    "qualification": "3f1c2d9e-5a7b-4c1d-9e2f-0a1b2c3d4e5f",
                    "organisation": "Example Energy Supply Ltd",
                    "company_number": "08123456",
                    "mpids": "EXES",
                    "roles": "SUP",
                    "route": "Systems Integration Testing (SIT)",
                    "wave": "Wave 1",
                    "stage": "Testing",
                    "started": "2026-01-12",
                    "initial_qad": "Under review",
                    "initial_qad_submitted": "2026-11-20",
                    "final_qad": "",
                    "final_qad_submitted": "",
                    "target_migration_date": "2027-03-31",
                    "bsc_review": "In review",
                    "bsc_approval": "",
                    "rec_review": "Waiting for review",
                    "rec_approval": "",
                    "dip_review": "",
                    "dip_approval": "",
                    "qualified_roles": "",
                }
            ],
        },
        response_only=True,
    )
]
