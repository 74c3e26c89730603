"""The fault suite: what people meet when two of them save at once, when Redis or a worker
goes away, and when a request carries bytes no form should accept. Every test here runs
against the real services (.ci/run provides them) and says why when it is skipped."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import pytest
from django.db import connection


def needs_postgres() -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs DATABASE_URL on PostgreSQL: SQLite runs one writer at a time anyway",
    )


def at_once(*actions: Callable[[], object], timeout: float = 30) -> list[object]:
    """Run each action on its own thread and database connection, released together by a
    barrier; what each returned or raised, in the order given."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait()
            outcomes[index] = action()
        except BaseException as error:  # the test asserts on what each one met
            outcomes[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, action)) for index, action in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a save never returned"
    return outcomes
