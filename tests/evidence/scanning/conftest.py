import os

import pytest

from evidence.scanning.clamav import ClamdScanner


@pytest.fixture
def clamd() -> ClamdScanner:
    """The real clamd named by CLAMAV_URL (.ci/run starts one with scripts/clamd-test.sh)."""
    url = os.environ.get("CLAMAV_URL", "").strip()
    if not url:
        pytest.skip(
            "needs CLAMAV_URL: a real clamd with the test EICAR signature "
            "(export CLAMAV_URL=$(scripts/clamd-test.sh); .ci/run does this)"
        )
    scanner = ClamdScanner(url, timeout=30)
    if not scanner.ping():
        pytest.fail(f"CLAMAV_URL={url} is set but clamd does not answer PING")
    return scanner
