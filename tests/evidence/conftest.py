import pytest

from tests.participants import Participant


@pytest.fixture
def supplier(shipped_versions):
    """A Supplier on the SIT route answering the shipped QAD v3.01."""
    return Participant("Harbour Energy Ltd")


@pytest.fixture
def signed_in(client, supplier):
    """The client, signed in as one of the Supplier's contributors."""
    client.force_login(supplier.contributor)
    return client
