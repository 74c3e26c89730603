import pytest

from qualification.enums import Route
from tests.participants import Participant, declare


@pytest.fixture
def supplier(shipped_versions):
    """A Supplier on the SIT route answering the shipped QAD v3.01."""
    return Participant("Harbour Energy Ltd")


@pytest.fixture
def qt_supplier(shipped_versions):
    """A Supplier in Qualification Testing that places reliance (sections 4.3, 4.4, 10)."""
    return Participant("Lantern Power Ltd", route=Route.QT, places_reliance=True)


@pytest.fixture
def final_in_review(submitted, people):
    """Northwind's Final QAD submitted after testing."""
    from django.core import mail

    from qad.services.submissions import final_qad_start, submission_submit
    from tests.assessment.test_reviews import committed

    final = final_qad_start(qualification=submitted.qualification, by=submitted.admin)
    declare(final, by=submitted.admin)
    submitted.submission = final
    committed(submission_submit, submission=final, by=submitted.admin, revision_number=1)
    mail.outbox.clear()
    return submitted
