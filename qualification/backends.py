"""Signing in with an e-mail address and password, and finding the signed-in person again on
every request."""

from __future__ import annotations

from functools import cache as once

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connection

from qualification.models import User
from qualification.sql_rows import Columns, fetch

PERSON = Columns(User, "u")
# As settings.AUTHENTICATION_BACKENDS names it; a session records the backend that signed in.
SIGN_IN_BACKEND = "qualification.backends.PortalBackend"


class PortalBackend(ModelBackend):
    """Django's model backend, but the person's row, read on every request, is read by a
    statement written (and on PostgreSQL prepared) once: building the ORM's query took longer
    than the database took to answer it."""

    def get_user(self, user_id):
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        rows = fetch(_person_sql(), [pk])
        if not rows:
            return None
        user = PERSON.build(rows[0])
        return user if self.user_can_authenticate(user) else None


@once
def _person_sql() -> str:
    q = connection.ops.quote_name
    pk = q(User._meta.pk.column)
    return f"SELECT {PERSON.sql} FROM {q(User._meta.db_table)} u WHERE u.{pk} = %s"
