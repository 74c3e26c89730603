"""The example API client, run against the demo world served by a real server: it fills a
QAD from a CSV file and reports each answer, conflicts included."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from qad.enums import AnswerType, SubmissionState
from qad.models import Answer
from qad.services.answers import answer_save
from qualification.api_tokens import token_create
from qualification.enums import MembershipRole
from qualification.models import ApiToken, Membership

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "fill_answers.py"

pytestmark = pytest.mark.django_db(transaction=True)


def _script():
    spec = importlib.util.spec_from_file_location("fill_answers", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def demo_draft(settings, reference_data):
    """The demo world, and a QAD in it being drafted with a contributor's token."""
    settings.REQUIRE_SECOND_FACTOR = False
    call_command("load_demo", password="demo-password-for-tests", stdout=io.StringIO())
    answer = (
        Answer.objects.filter(revision__submission__state=SubmissionState.DRAFT)
        .select_related("revision__submission__qualification")
        .order_by("revision__submission__created_at")
        .first()
    )
    submission = answer.revision.submission
    member = (
        Membership.objects.filter(organisation=submission.qualification.organisation_id)
        .exclude(role=MembershipRole.SIGNATORY)
        .select_related("user")
        .first()
        .user
    )
    made = token_create(
        user=member,
        name="Spreadsheet import",
        expires_on=timezone.localdate() + dt.timedelta(days=7),
        scope=ApiToken.Scope.READ_WRITE,
        verified=True,
    )
    return submission, made.secret


def _one_of(submission, answer_type: str) -> Answer:
    return (
        Answer.objects.filter(revision__submission=submission, question__answer_type=answer_type)
        .select_related("question")
        .order_by("question__position")
        .first()
    )


def test_the_script_fills_a_demo_qad_and_reports_each_answer(live_server, demo_draft, tmp_path):
    submission, secret = demo_draft
    text = _one_of(submission, AnswerType.FREE_TEXT)
    yes_no = _one_of(submission, AnswerType.YES_NO)
    date = _one_of(submission, AnswerType.DATE)
    day_before = dt.date.fromisoformat(date.value) - dt.timedelta(days=1)
    rows = [
        ("question_ref", "value"),
        (text.question.ref, "Filled from our compliance tracker."),
        (yes_no.question.ref, "yes"),
        (date.question.ref, day_before.strftime("%d/%m/%Y")),
        ("99.99", "No such question"),
        (date.question.ref, "31/02/2026"),
        # After the date of the step that follows it: refused as the section page refuses it.
        (date.question.ref, "31/12/2099"),
    ]
    answers = tmp_path / "answers.csv"
    answers.write_text("\n".join(",".join(row) for row in rows) + "\n")

    def run():
        return subprocess.run(
            [sys.executable, str(SCRIPT), live_server.url, str(submission.public_id), str(answers)],
            capture_output=True,
            text=True,
            timeout=60,
            env={"QAD_API_TOKEN": secret, "PATH": "/usr/bin:/bin"},
        )

    first = run()

    assert first.returncode == 1, first.stdout + first.stderr
    lines = first.stdout.splitlines()
    assert lines[0].startswith(f"line 2, {text.question.ref}: saved")
    assert lines[1].startswith(f"line 3, {yes_no.question.ref}:")
    assert lines[2].startswith(f"line 4, {date.question.ref}: saved"), first.stdout
    assert lines[3].startswith("line 5, 99.99: not found")
    assert lines[4].startswith(f"line 6, {date.question.ref}: not sent")
    assert lines[5].startswith(f"line 7, {date.question.ref}: refused (400): The date given in")
    assert lines[6] == "3 answer(s) need a look."
    text.refresh_from_db()
    date.refresh_from_db()
    assert text.value == "Filled from our compliance tracker."
    assert date.value == day_before.isoformat()
    assert text.updated_by.memberships.filter(organisation=submission.qualification.organisation)

    again = run()
    assert f"line 2, {text.question.ref}: unchanged" in again.stdout


def test_an_answer_changed_between_reading_and_writing_is_reported_as_a_conflict(
    live_server, demo_draft
):
    submission, secret = demo_draft
    text = _one_of(submission, AnswerType.FREE_TEXT)
    script = _script()

    class Busy(script.Portal):
        """Someone saves the answer on the portal just after the script has read it."""

        def call(self, method, path, body=None, headers=None):
            if method == "PUT":
                current = Answer.objects.select_related("question").get(pk=text.pk)
                answer_save(
                    answer=current,
                    value="Typed on the portal meanwhile",
                    expected_version=current.version,
                    by=current.revision.submission.qualification.created_by,
                )
            return super().call(method, path, body, headers)

    out = io.StringIO()
    sys_stdout, sys.stdout = sys.stdout, out
    try:
        problems = script.fill(
            Busy(live_server.url, secret),
            str(submission.public_id),
            [{"question_ref": text.question.ref, "value": "From the tracker"}],
        )
    finally:
        sys.stdout = sys_stdout

    assert problems == 1
    assert f"line 2, {text.question.ref}: CONFLICT" in out.getvalue()
    text.refresh_from_db()
    assert text.value == "Typed on the portal meanwhile"


def test_a_table_answer_is_given_as_json(live_server, demo_draft, tmp_path):
    submission, secret = demo_draft
    table = _one_of(submission, AnswerType.TABLE)
    if table is None:
        pytest.skip("the demo's first draft asks no table question")
    columns = table.question.options["columns"]
    row = {c["key"]: "2026-11-30" if c["type"] == "date" else None for c in columns}
    row[next(c["key"] for c in columns if c["type"] == "text")] = "From the tracker"
    answers = tmp_path / "answers.csv"
    with answers.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["question_ref", "value"])
        writer.writerow([table.question.ref, json.dumps([row])])

    done = subprocess.run(
        [sys.executable, str(SCRIPT), live_server.url, str(submission.public_id), str(answers)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"QAD_API_TOKEN": secret, "PATH": "/usr/bin:/bin"},
    )

    assert done.returncode == 0, done.stdout
    table.refresh_from_db()
    assert table.value == [row]
