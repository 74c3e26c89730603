"""For fixtures that build data once for a module, inside a transaction its tests share."""

from __future__ import annotations


def settle_deferred_checks() -> None:
    """Check now the foreign keys of what a module-wide fixture built in its transaction.
    Each test on top of it ends by checking the deferred constraints, which would otherwise
    check every row of the build again, test after test (seconds each on a large build)."""
    from django.db import connection

    connection.check_constraints()
