"""A database out of reach for a moment, or two writers meeting, is an event the portal
answers itself: the person gets a clear page (or their autosave is sent again), and the log
says so at WARNING, never as an "Internal Server Error" that would wake whoever watches the
alerts."""

from __future__ import annotations

import logging
import threading

import pytest
from django.db import OperationalError, connection, transaction

from qad.models import Revision
from qualification.contention import SomeoneElseSaving, retry_on_contention
from tests.faults.conftest import at_once, needs_postgres
from tests.portal.test_sections import section_url
from tests.qad.test_database_unavailable import (
    browser_client,  # noqa: F401 (a fixture)
    database_unreachable,
    prepared_autosave,
)

pytestmark = pytest.mark.django_db


class _Deadlock(Exception):
    """What psycopg2 raises when PostgreSQL breaks a deadlock (only its code is read)."""

    pgcode = "40P01"


@pytest.fixture
def deadlocks_from(request):
    """Every statement from the first one starting with `prefix` fails as a deadlock does."""

    def wrapper_for(prefix: str):
        def fail(execute, sql, params, many, context):
            if sql.startswith(prefix):
                error = OperationalError("deadlock detected")
                error.__cause__ = _Deadlock()
                raise error
            return execute(sql, params, many, context)

        return connection.execute_wrapper(fail)

    return wrapper_for


def errors_and_warnings(caplog) -> tuple[list[str], list[str]]:
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    warnings = [r.getMessage() for r in caplog.records if r.name == "qad.outage"]
    return errors, warnings


def test_a_page_during_a_database_restart_is_logged_as_a_warning_not_an_error(
    browser_client,  # noqa: F811
    northwind,
    caplog,
):
    browser_client.force_login(northwind.contributor)
    with caplog.at_level(logging.INFO), database_unreachable():
        response = browser_client.get(section_url(northwind, "3"))
    assert response.status_code == 503
    errors, warnings = errors_and_warnings(caplog)
    assert errors == []
    assert len(warnings) == 1 and "database unreachable" in warnings[0]


def test_an_autosave_that_meets_another_writer_twice_is_sent_again_and_logged_as_a_warning(
    browser_client,  # noqa: F811
    northwind,
    deadlocks_from,
    caplog,
):
    browser_client.force_login(northwind.contributor)
    before = northwind.answer("3.1")
    save = prepared_autosave(northwind, "3.1", "Typed while a colleague saved")
    with caplog.at_level(logging.INFO), deadlocks_from('INSERT INTO "qualification_auditevent"'):
        response = save(browser_client)
    page = response.content.decode()
    assert "someone else is saving this just now" in page
    assert "cannot reach its database" not in page
    assert response["X-Save-Retry"] == "1", "the page sends the text again by itself"
    after = northwind.answer("3.1")
    assert (after.value, after.version) == (before.value, before.version)
    errors, warnings = errors_and_warnings(caplog)
    assert errors == []
    assert any("met another" in w for w in warnings)


@needs_postgres()
@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_deadlock_is_retried_once_and_both_writes_stand(reference_data, northwind):
    """Two writes that take the same two rows in opposite order: PostgreSQL breaks the
    deadlock by failing one, which is tried again and then stands."""
    first, second = Revision.objects.get(pk=northwind.revision.pk), None
    other = Revision.objects.create(submission=northwind.submission, number=2)
    second = other
    both_locked_one = threading.Barrier(2)
    attempts: list[str] = []

    def locking(a: Revision, b: Revision, name: str):
        @retry_on_contention
        def write():
            attempts.append(name)
            with transaction.atomic():
                Revision.objects.select_for_update().get(pk=a.pk)
                if len(attempts) <= 2:  # not on the retry: the other writer has finished
                    both_locked_one.wait(timeout=5)
                Revision.objects.select_for_update().get(pk=b.pk)
                Revision.objects.filter(pk=b.pk).update(answered_count=len(attempts))
            return name

        return write

    outcomes = at_once(locking(first, second, "one"), locking(second, first, "two"))
    assert sorted(outcomes) == ["one", "two"], outcomes
    assert len(attempts) == 3, "one of the two was tried a second time"


def test_a_write_that_meets_another_writer_twice_says_so(deadlocks_from, northwind):
    @retry_on_contention
    def write():
        with transaction.atomic():
            Revision.objects.filter(pk=northwind.revision.pk).update(answered_count=1)

    with deadlocks_from("UPDATE"), pytest.raises(SomeoneElseSaving) as raised:
        # Outside any transaction a caller holds open: only there can a write be retried.
        connection.in_atomic_block = False
        try:
            write()
        finally:
            connection.in_atomic_block = True
    assert "Someone else is saving this just now" in str(raised.value)
