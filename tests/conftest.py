import os
from pathlib import Path

import pytest

from assessment.activation_checklist import ensure_activation_checklist
from assessment.models import ActivationChecklistItem
from portal import celery_app
from qualification.models import CodeBody, MarketRole
from qualification.reference_data import ensure_reference_data


def pytest_configure(config):
    # The SQLite test database is a file under var/ (see portal/env.py).
    (Path(__file__).resolve().parents[1] / "var").mkdir(exist_ok=True)
    # Parallel test processes (pytest-xdist) each have a database of their own but share one
    # Redis: cached values name rows by their ids, so each process keys its own. Set in the
    # environment too, for the Celery workers and servers a test starts.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        from django.conf import settings

        os.environ["CACHE_KEY_PREFIX"] = f"test-{worker}"
        settings.CACHES["default"]["KEY_PREFIX"] = f"test-{worker}"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the shipped QAD template and criteria once into the test database."""
    from demo.world import ensure_versions

    with django_db_blocker.unblock():
        ensure_versions()
    yield
    with django_db_blocker.unblock():
        _other_sessions_ended()


def _other_sessions_ended() -> None:
    """A Celery worker or server a test started has exited by now, but PostgreSQL may not yet
    have ended its session, which would stop the test database being dropped."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def session_data_back_after_a_flush(request, django_db_blocker):
    """A transactional test ends by emptying every table. Spread over processes
    (pytest-xdist), a test that expects the reference data and the shipped versions loaded
    for the session may come after it in the same process: they are put back."""
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if transactional:
        from demo.world import ensure_versions

        with django_db_blocker.unblock():
            ensure_reference_data(CodeBody, MarketRole)
            ensure_versions()


@pytest.fixture(autouse=True)
def eager_tasks():
    """Tasks run in the test process unless a test starts a real worker (tests/integration):
    a test must not leave work in a shared broker for someone else's worker."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def sign_in_safeguards_off(settings):
    """Most tests sign people in with `client.force_login`; the second factor and the
    failed-sign-in throttle have their own tests (tests/qualification/test_sign_in.py),
    which turn them back on."""
    settings.REQUIRE_SECOND_FACTOR = False
    settings.AXES_ENABLED = False


@pytest.fixture
def reference_data(db):
    """Code Bodies, market roles and the Service Activation checklist; a transactional
    test's flush removes them, so re-seed."""
    ensure_reference_data(CodeBody, MarketRole)
    ensure_activation_checklist(ActivationChecklistItem, CodeBody)


@pytest.fixture
def shipped_versions(db):
    from demo.world import ensure_versions

    ensure_reference_data(CodeBody, MarketRole)
    ensure_activation_checklist(ActivationChecklistItem, CodeBody)
    ensure_versions()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing a password at production strength costs most of a second; tests sign in often."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def journey_template(db):
    from tests.participants import load_journey_template

    return load_journey_template()


@pytest.fixture
def northwind(journey_template):
    from tests.participants import Participant

    return Participant()


@pytest.fixture
def meterline(journey_template):
    from tests.participants import Participant

    return Participant("Meterline Metering Services Ltd")


@pytest.fixture
def meterline_shipped(shipped_versions):
    from tests.participants import Participant

    return Participant("Meterline Metering Services Ltd")


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium through Playwright, one per test session (browser tests, and
    integration tests that drive a browser against a portal in another process)."""
    import os
    import shutil

    from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS

    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"needs Chromium at {CHROMIUM} (scripts/system-deps.sh installs it)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # to arrange data are still plain synchronous calls.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def published_versions_forgotten():
    """Each test builds its own templates, criteria and QADs (often with the ids an earlier
    test's rolled-back rows had): nothing cached about published versions may carry over."""
    from qad.published import versions_changed

    versions_changed()
    yield
    versions_changed()


@pytest.fixture
def people(db):
    """An assessor and a lead assessor of each Code Body, and a read-only reviewer."""
    from tests.assessment.test_reviews import People

    return People()


@pytest.fixture
def submitted(northwind, people):
    """Northwind (a Supplier) has submitted a complete Initial QAD."""
    from django.core import mail

    from qad.services.submissions import submission_submit
    from tests.assessment.test_reviews import committed
    from tests.qad.test_submit_and_sign import fill

    fill(northwind)
    committed(
        submission_submit, submission=northwind.submission, by=northwind.admin, revision_number=1
    )
    mail.outbox.clear()
    return northwind
