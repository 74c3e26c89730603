"""`make bench`: the portal's benchmarks, printed as one table.

Runs on a throwaway database (SQLite in a temporary folder unless BENCH_DATABASE_URL names
another) so that it never touches the demo or test data. The hot paths under load
(`benchmarks.load`) use a PostgreSQL database of their own (BENCH_PG_URL).

BENCH_ONLY picks parts, e.g. `make bench BENCH_ONLY=load` or BENCH_ONLY=versions,pages;
by default every part runs: versions, pages, upload, checks, programme-checks, moves, api, word,
reports, load, mix (a deadline afternoon: many people at once, benchmarks/mix.py).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="qad-bench-"))
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}"
    )
    os.environ.pop("REDIS_URL", None)  # tasks run in-process: we time our own code
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from benchmarks import (
        api,
        checks,
        checks_programme,
        load,
        mix,
        moves,
        pages,
        reports,
        upload,
        versions,
        word,
    )
    from benchmarks.report import print_table

    parts = {
        "versions": versions,
        "pages": pages,
        "upload": upload,
        "checks": checks,
        "programme-checks": checks_programme,
        "moves": moves,
        "api": api,
        "word": word,
        "reports": reports,
        "load": load,
        "mix": mix,
    }
    wanted = [p.strip() for p in os.environ.get("BENCH_ONLY", "").split(",") if p.strip()]
    unknown = set(wanted) - set(parts)
    if unknown:
        print(f"BENCH_ONLY: unknown part(s) {', '.join(sorted(unknown))}; use {', '.join(parts)}")
        return 2
    rows = []
    for name, part in parts.items():
        if not wanted or name in wanted:
            rows += part.run()
    database = os.environ["DATABASE_URL"].split(":", 1)[0]
    on_postgres = {"load", "mix"}
    if not wanted or on_postgres & set(wanted):
        others = not wanted or set(wanted) - on_postgres
        database += " (the load and mix rows: PostgreSQL)" if others else ""
    only_postgres = bool(wanted) and set(wanted) <= on_postgres
    print_table(rows, database="postgres" if only_postgres else database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
