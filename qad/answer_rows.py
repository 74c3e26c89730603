"""Saving one answer, in SQL written once (see `qualification.sql_rows`): the answer a
participant is typing in, found from its URL, and the same answer read again under its
revision's lock, each with its revision, submission and qualification, the last writer, the
reader's roles in the participant (remembered on the submission, so the checks of the
request do not ask again) and the reader's open edit conflict on it; the new value written;
and the values that count towards a section's progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache as once
from typing import Any
from uuid import UUID

from django.db import connection

from qad.models import Answer, AnswerConflict, QadTemplate, Question, Revision, Submission
from qad.submission_rows import reader_id, remember_roles, roles_join
from qualification.models import Qualification, User
from qualification.rules import AnyUser
from qualification.sql_rows import Columns, db_value, fetch, split


@dataclass
class AnswerRow:
    answer: Answer  # its revision, the revision's submission and qualification joined
    open_conflict_id: int | None  # the reader's newest unsettled conflict on it
    extra: list = field(default_factory=list)  # the values of the read's own columns
    outline: Any = None  # the template's published outline, once a caller has read it


ANSWER = Columns(Answer, "a")
REVISION = Columns(Revision, "r")
SUBMISSION = Columns(Submission, "s")
QUALIFICATION = Columns(Qualification, "q")
# What a page says of the last writer: their name (anything else is read if asked for).
LAST_WRITER = Columns(User, "u", only=("id", "email", "full_name"))
JOINED = (ANSWER, REVISION, SUBMISSION, QUALIFICATION)
STORED_VALUE = Columns(Answer, "a", only=("question", "value"))


def latest_answer(user: AnyUser, public_id: UUID, question_ref: str) -> AnswerRow | None:
    """The answer to question `question_ref` in the latest revision of submission
    `public_id`, with the submission's template (its id and status, which find its
    published outline; anything else is read if asked for); None if there is none."""
    reader = reader_id(user)
    params = [reader, reader, db_value(Submission, "public_id", public_id), question_ref]
    found = _read(user, _latest_answer_sql(), params, with_writer=True)
    if found is not None:
        submission = found.answer.revision.submission
        submission.template = QadTemplate.from_db(
            connection.alias, ["id", "status"], [submission.template_id, found.extra[0]]
        )
    return found


def answer_for_writing(answer: Answer, writer: AnyUser) -> AnswerRow:
    """The answer as stored, its revision's and its own row locked until the transaction ends
    (one writer at a time); its last writer is read only if asked for (a conflict names them).
    Call inside a transaction."""
    reader = reader_id(writer)
    params = [reader, reader, answer.pk]
    found = _read(writer, _answer_for_writing_sql(), params)
    if found is None:
        raise Answer.DoesNotExist(f"answer {answer.pk} is gone")
    return found


def answer_store(answer: Answer, value: Any, by: User, at: datetime) -> bool:
    """Write `value` as the answer's next version, by `by` at `at`, if it is still at the
    version `answer` holds (a compare-and-set: False, and nothing written, if not). The caller
    holds the answer's lock and has checked the write."""
    with connection.cursor() as cursor:
        cursor.execute(
            _answer_store_sql(),
            [
                db_value(Answer, "value", value),
                by.pk,
                db_value(Answer, "updated_at", at),
                answer.pk,
                answer.version,
            ],
        )
        if cursor.rowcount != 1:
            return False
    return True


def stored_values(revision_id: int, question_ids: list[int]) -> list[tuple[int, Any]]:
    """(question id, value) of the revision's answers to these questions."""
    if not question_ids:
        return []
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {STORED_VALUE.sql} FROM {q(Answer._meta.db_table)} a"
            f" WHERE a.{q('revision_id')} = %s"
            f" AND a.{q('question_id')} IN ({', '.join(['%s'] * len(question_ids))})",
            [revision_id, *question_ids],
        )
        return [tuple(STORED_VALUE.convert(row)) for row in cursor.fetchall()]


def _read(user: AnyUser, sql: str, params: list, *, with_writer: bool = False) -> AnswerRow | None:
    rows = fetch(sql, params)
    if not rows:
        return None
    parts = (*JOINED, LAST_WRITER) if with_writer else JOINED
    values, (_role, open_conflict_id, *extra) = split(rows[0], *parts)
    answer, revision, submission, qualification = (
        part.build(v) for part, v in zip(JOINED, values, strict=False)
    )
    if with_writer:
        answer.updated_by = LAST_WRITER.build_or_none(values[-1])
    submission.qualification = qualification
    revision.submission = submission
    answer.revision = revision
    remember_roles(user, submission, rows, sum(len(part) for part in parts))
    return AnswerRow(answer=answer, open_conflict_id=open_conflict_id, extra=extra)


def _select(*extra_columns: str, with_writer: bool = False) -> str:
    """The columns and joins both reads share; params: the reader's id, twice."""
    q = connection.ops.quote_name
    parts = (*JOINED, LAST_WRITER) if with_writer else JOINED
    writer = Answer._meta.get_field("updated_by").column
    last_writer = f"LEFT JOIN {q(User._meta.db_table)} u ON u.{q('id')} = a.{q(writer)}"
    extra = "".join(f", {column}" for column in extra_columns)
    return f"""
        SELECT {", ".join(part.sql for part in parts)}, m.{q("role")}, (
            SELECT c.{q("id")} FROM {q(AnswerConflict._meta.db_table)} c
            WHERE c.{q("answer_id")} = a.{q("id")} AND c.{q("written_by_id")} = %s
              AND c.{q("resolved_at")} IS NULL
            ORDER BY c.{q("written_at")} DESC, c.{q("id")} DESC
            LIMIT 1
        ){extra}
        FROM {q(Answer._meta.db_table)} a
        JOIN {q(Revision._meta.db_table)} r ON r.{q("id")} = a.{q("revision_id")}
        JOIN {q(Submission._meta.db_table)} s ON s.{q("id")} = r.{q("submission_id")}
        JOIN {q(Qualification._meta.db_table)} q ON q.{q("id")} = s.{q("qualification_id")}
        {last_writer if with_writer else ""}
        {roles_join(f"q.{q('organisation_id')}")}
    """


@once
def _latest_answer_sql() -> str:
    q = connection.ops.quote_name
    # The template and the question as scalar subqueries, not joins: with two tables fewer
    # to join, PostgreSQL plans this in a third of the time (the plan dominated the read).
    template_status = (
        f"(SELECT t.{q('status')} FROM {q(QadTemplate._meta.db_table)} t"
        f" WHERE t.{q('id')} = s.{q('template_id')})"
    )
    return f"""
        {_select(template_status, with_writer=True)}
        WHERE s.{q("public_id")} = %s
          AND a.{q("question_id")} = (
            SELECT qu.{q("id")} FROM {q(Question._meta.db_table)} qu
            WHERE qu.{q("template_id")} = s.{q("template_id")} AND qu.{q("ref")} = %s
          )
          AND r.{q("number")} = (
            SELECT MAX(latest.{q("number")}) FROM {q(Revision._meta.db_table)} latest
            WHERE latest.{q("submission_id")} = s.{q("id")}
          )
    """


@once
def _answer_store_sql() -> str:
    q = connection.ops.quote_name
    return (
        f"UPDATE {q(Answer._meta.db_table)} SET {q('value')} = %s,"
        f" {q('version')} = {q('version')} + 1, {q('updated_by_id')} = %s,"
        f" {q('updated_at')} = %s WHERE {q('id')} = %s AND {q('version')} = %s"
    )


@once
def _answer_for_writing_sql() -> str:
    q = connection.ops.quote_name
    # The revision's row and then the answer's (the order of qualification.contention), not
    # its submission's, qualification's or organisation's: other work on those need not wait
    # for a participant's typing. Both are locked so that both are read as they are once the
    # locks are held: a row that is only joined would be read as it was before the wait.
    lock = " FOR NO KEY UPDATE OF r, a" if connection.features.has_select_for_update_of else ""
    return f"{_select()} WHERE a.{q('id')} = %s{lock}"
