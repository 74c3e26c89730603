"""When the database cannot be reached mid-request the person is told plainly, nothing is half
saved, and an autosave is sent again. (tests/integration/test_database_restart.py restarts a
real PostgreSQL under a browser.)"""

from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.test import Client

from tests.portal.test_sections import autosave, autosave_url, prefix, section_url

pytestmark = pytest.mark.django_db


@contextmanager
def database_unreachable(from_statement: str | tuple[str, ...] = ""):
    """Queries fail the way they fail while the server restarts: all of them, or all from the
    first one that starts with `from_statement` (or with one of them)."""
    lost = not from_statement

    def fail(execute, sql, params, many, context):
        nonlocal lost
        lost = lost or sql.startswith(from_statement)
        if lost:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail):
        yield


def prepared_autosave(participant, ref: str, value: str):
    """The request an autosave sends, prepared before the database goes away."""
    p, answer = prefix(participant, ref), participant.answer(ref)
    url = autosave_url(participant, ref)
    data = {f"{p}-version": answer.version, f"{p}-value": value}
    return lambda client: client.post(url, data, HTTP_HX_REQUEST="true")


@pytest.fixture
def browser_client():
    # A browser sees the page the portal sends, not the exception a test client re-raises.
    return Client(raise_request_exception=False)


def test_an_autosave_that_cannot_reach_the_database_says_so_and_asks_to_be_resent(
    browser_client, northwind
):
    browser_client.force_login(northwind.contributor)
    autosave(browser_client, northwind, "3.1", value="Saved before the outage.")

    save = prepared_autosave(northwind, "3.1", "Typed during the outage.")
    with database_unreachable():
        response = save(browser_client)

    assert response.status_code == 200
    assert "Not saved yet: the portal cannot reach its database just now" in (
        response.content.decode()
    )
    assert response["X-Save-Retry"] == "5"
    assert northwind.answer("3.1").value == "Saved before the outage."

    resent = autosave(browser_client, northwind, "3.1", value="Typed during the outage.")
    assert "Saved at" in resent.content.decode()
    assert northwind.answer("3.1").value == "Typed during the outage."


@pytest.mark.django_db(transaction=True)  # the save's own transaction is the outermost
def test_a_save_that_fails_half_way_leaves_nothing_half_saved(
    browser_client, reference_data, northwind
):
    browser_client.force_login(northwind.contributor)
    before = northwind.answer("3.1")
    # The answer is written, then the connection goes before its audit record is.
    save = prepared_autosave(northwind, "3.1", "Half way")
    with database_unreachable(from_statement='INSERT INTO "qualification_auditevent"'):
        response = save(browser_client)
    assert "cannot reach its database" in response.content.decode()
    after = northwind.answer("3.1")
    assert (after.value, after.version) == (before.value, before.version)


def test_a_page_that_cannot_reach_the_database_explains_and_offers_the_way_back(
    browser_client, northwind
):
    browser_client.force_login(northwind.contributor)
    url = section_url(northwind, "3")
    with database_unreachable():
        response = browser_client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "The portal cannot reach its database just now, so nothing was saved." in page
    assert "Back button" in page
    assert "Content-Security-Policy" in response.headers
