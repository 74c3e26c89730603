"""The review a URL names, with what its access check reads (its submission, qualification and
Code Body), the organisation every review page names, and the reader's role in that Code Body
with the Code Body's approval of the qualification, in one query written once (see
`qualification.sql_rows`): every page of a review asks for it. Likewise the Code Body a work
queue names, with the reader's role in it."""

from __future__ import annotations

from functools import cache as once
from uuid import UUID

from django.db import connection

from assessment.models import Review
from assessment.rules import approves_sql, remember_review_access
from qad.models import Submission
from qad.submission_rows import reader_id
from qualification.models import CodeBody, CodeBodyMembership, Organisation, Qualification
from qualification.rules import AnyUser
from qualification.sql_rows import Columns, db_value, fetch, split

REVIEW = Columns(Review, "rv")
SUBMISSION = Columns(Submission, "s")
QUALIFICATION = Columns(Qualification, "q")
ORGANISATION = Columns(Organisation, "o")
CODE_BODY = Columns(CodeBody, "cb")
PARTS = (REVIEW, SUBMISSION, QUALIFICATION, ORGANISATION, CODE_BODY)


def review_with_access(user: AnyUser, public_id: UUID) -> Review | None:
    """The review `public_id`, the reader's access to it remembered; None if there is none."""
    public = db_value(Review, "public_id", public_id)
    rows = fetch(_review_sql(), [reader_id(user), public])
    if not rows:
        return None
    values, (role, approves) = split(rows[0], *PARTS)
    review, submission, qualification, organisation, code_body = (
        part.build(v) for part, v in zip(PARTS, values, strict=True)
    )
    qualification.organisation = organisation
    submission.qualification = qualification
    review.submission = submission
    review.code_body = code_body
    remember_review_access(user, review, role, bool(approves) and role is not None)
    return review


@once
def _review_sql() -> str:
    q = connection.ops.quote_name
    return f"""
        SELECT {", ".join(part.sql for part in PARTS)}, m.{q("role")},
          {approves_sql(f"q.{q('id')}", f"rv.{q('code_body_id')}")}
        FROM {q(Review._meta.db_table)} rv
        JOIN {q(Submission._meta.db_table)} s ON s.{q("id")} = rv.{q("submission_id")}
        JOIN {q(Qualification._meta.db_table)} q ON q.{q("id")} = s.{q("qualification_id")}
        JOIN {q(Organisation._meta.db_table)} o ON o.{q("id")} = q.{q("organisation_id")}
        JOIN {q(CodeBody._meta.db_table)} cb ON cb.{q("id")} = rv.{q("code_body_id")}
        LEFT JOIN {q(CodeBodyMembership._meta.db_table)} m
          ON m.{q("code_body_id")} = rv.{q("code_body_id")} AND m.{q("user_id")} = %s
        WHERE rv.{q("public_id")} = %s
        ORDER BY m.{q("id")}
        LIMIT 1
    """


def code_body_with_role(user: AnyUser, code: str) -> tuple[CodeBody, str | None] | None:
    """The Code Body `code` and the reader's role in it (None: no role); None if there is
    no such Code Body."""
    rows = fetch(_code_body_sql(), [reader_id(user), code])
    if not rows:
        return None
    (values,), (role,) = split(rows[0], CODE_BODY)
    return CODE_BODY.build(values), role


@once
def _code_body_sql() -> str:
    q = connection.ops.quote_name
    # One role per person and Code Body (a constraint of the memberships).
    return f"""
        SELECT {CODE_BODY.sql}, m.{q("role")}
        FROM {q(CodeBody._meta.db_table)} cb
        LEFT JOIN {q(CodeBodyMembership._meta.db_table)} m
          ON m.{q("code_body_id")} = cb.{q("id")} AND m.{q("user_id")} = %s
        WHERE cb.{q("code")} = %s
    """
