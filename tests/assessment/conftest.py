import pytest

from qualification.enums import Route
from tests.participants import Participant


@pytest.fixture
def supplier(shipped_versions):
    """A Supplier on the SIT route answering the shipped QAD v3.01."""
    return Participant("Harbour Energy Ltd")


@pytest.fixture
def qt_supplier(shipped_versions):
    """A Supplier in Qualification Testing that places reliance (sections 4.3, 4.4, 10)."""
    return Participant("Lantern Power Ltd", route=Route.QT, places_reliance=True)
