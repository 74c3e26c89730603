"""Timing helpers and the one table `make bench` prints."""

from __future__ import annotations

import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass(frozen=True)
class Row:
    name: str
    runs: int
    median_ms: float
    p95_ms: float
    queries: int | None = None
    note: str = ""
    rps: float | None = None  # requests per second under load
    ceiling_share: float | None = None  # of the bare view's requests per second


def measure(
    name: str, action: Callable[[], object], *, runs: int, warmup: int = 2, note: str = ""
) -> Row:
    for _ in range(warmup):
        action()
    timings = []
    with CaptureQueriesContext(connection) as captured:
        action()
    queries = len(captured.captured_queries)
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return Row(name, runs, statistics.median(timings), p95, queries, note)


def print_table(rows: list[Row], *, database: str) -> None:
    engine = database.split("://", 1)[0]
    print(
        f"QAD Portal benchmarks — Python {platform.python_version()}, {platform.machine()}, "
        f"database: {engine}"
    )
    header = (
        f"{'benchmark':<48} {'runs':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8} "
        f"{'req/s':>7} {'of ceiling':>10}  note"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        queries = "" if row.queries is None else str(row.queries)
        rps = "" if row.rps is None else f"{row.rps:.0f}"
        share = "" if row.ceiling_share is None else f"{row.ceiling_share:.0%}"
        print(
            f"{row.name:<48} {row.runs:>6} {row.median_ms:>10.2f} {row.p95_ms:>8.2f} "
            f"{queries:>8} {rps:>7} {share:>10}  {row.note}"
        )
