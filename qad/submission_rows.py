"""The submission a URL names, with what its pages show of it (qualification, organisation,
wave, template) and the reader's roles in the participant, in one query written once (see
`qualification.sql_rows`): every page of a submission asks for it, a page read back from the
cache included. The reader's roles are remembered on the submission, so the checks of the
request do not ask again."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache as once
from uuid import UUID

from django.db import connection

from qad.models import QadTemplate, Submission
from qad.rules import remember_participant_roles
from qualification.models import Membership, Organisation, Qualification, Wave
from qualification.rules import AnyUser
from qualification.sql_rows import Columns, db_value, fetch, split

SUBMISSION = Columns(Submission, "s")
QUALIFICATION = Columns(Qualification, "q")
ORGANISATION = Columns(Organisation, "o")
WAVE = Columns(Wave, "w")
# The template's file as loaded (tens of kB) is for the record, not for pages.
TEMPLATE = Columns(QadTemplate, "t", leave_out=("source_text",))
PARTS = (SUBMISSION, QUALIFICATION, ORGANISATION, WAVE, TEMPLATE)


def submission_with_roles(user: AnyUser, public_id: UUID) -> Submission | None:
    """The submission `public_id`, or None if there is none."""
    params = [reader_id(user), db_value(Submission, "public_id", public_id)]
    rows = fetch(_submission_sql(), params)
    if not rows:
        return None
    (submission, qualification, organisation, wave, template), _ = _built(rows[0])
    qualification.organisation = organisation
    qualification.wave = wave
    submission.qualification = qualification
    submission.template = template
    remember_roles(user, submission, rows, sum(len(part) for part in PARTS))
    return submission


def reader_id(user: AnyUser) -> int | None:
    """Whose roles to read. Nobody signed in, or a deactivated account: no one's (the roles
    check says the same)."""
    return user.pk if user.is_authenticated and user.is_active else None


def roles_join(organisation_column: str) -> str:
    """A join that adds the reader's roles in the organisation `organisation_column` names,
    one row per role (one, with none, for no role); param: `reader_id`."""
    q = connection.ops.quote_name
    return (
        f"LEFT JOIN {q(Membership._meta.db_table)} m"
        f" ON m.{q('organisation_id')} = {organisation_column} AND m.{q('user_id')} = %s"
    )


def remember_roles(user: AnyUser, submission: Submission, rows: Sequence, at: int) -> None:
    """Remember on `submission` the reader's roles, column `at` of the rows `roles_join`
    gave."""
    remember_participant_roles(user, submission, [row[at] for row in rows if row[at]])


def _built(row: Sequence) -> tuple[list, Sequence]:
    values, rest = split(row, *PARTS)
    built = [part.build(v) for part, v in zip(PARTS[:3], values[:3], strict=True)]
    return [*built, WAVE.build_or_none(values[3]), TEMPLATE.build(values[4])], rest


@once
def _submission_sql() -> str:
    q = connection.ops.quote_name
    return f"""
        SELECT {", ".join(part.sql for part in PARTS)}, m.{q("role")}
        FROM {q(Submission._meta.db_table)} s
        JOIN {q(Qualification._meta.db_table)} q ON q.{q("id")} = s.{q("qualification_id")}
        JOIN {q(Organisation._meta.db_table)} o ON o.{q("id")} = q.{q("organisation_id")}
        LEFT JOIN {q(Wave._meta.db_table)} w ON w.{q("id")} = q.{q("wave_id")}
        JOIN {q(QadTemplate._meta.db_table)} t ON t.{q("id")} = s.{q("template_id")}
        {roles_join(f"q.{q('organisation_id')}")}
        WHERE s.{q("public_id")} = %s
    """
