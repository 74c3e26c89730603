"""`make bench`: the portal's benchmarks, printed as one table.

Runs on a throwaway database (SQLite in a temporary folder unless BENCH_DATABASE_URL names
another) so that it never touches the demo or test data.
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
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qualification.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from benchmarks import pages, upload, versions
    from benchmarks.report import print_table

    rows = []
    rows += versions.run()
    rows += pages.run()
    rows += upload.run()
    print_table(rows, database=os.environ["DATABASE_URL"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
