"""Where a hot path's time goes: one page of the load benchmark, requested in-process through
the whole middleware stack under cProfile, with its SQL queries and their share of the time.

    DATABASE_URL=postgres://... .venv/bin/python -m benchmarks.profile [name words] [--runs N]

Uses the scale data set already loaded into DATABASE_URL (`manage.py load_scale`) and the
production settings the load benchmark gives its server (DEBUG off, cached templates).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import os
import pstats
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("words", nargs="*", help="words of the hot path's name; all by default")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "profile-" + "k" * 60)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings

    # Hashed static file names need collectstatic; plain names cost the same to render.
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    from benchmarks.load_setup import targets

    for target in targets():
        if args.words and not all(w.lower() in target["name"].lower() for w in args.words):
            continue
        _profile(target, runs=args.runs, top=args.top)


def _profile(target: dict, *, runs: int, top: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if target["session"]:
        client.cookies["sessionid"] = target["session"]
    # Saves go round the free-text questions; each save moves its answer's version on by one.
    questions = itertools.cycle(target.get("questions") or [{}])

    def request():
        if target.get("method") == "POST":
            question = next(questions)
            question["version"] += 1
            return client.post(
                f"{target['path']}{question['ref']}/",
                {
                    f"q{question['pk']}-version": question["version"] - 1,
                    f"q{question['pk']}-value": f"Profiled answer {time.time_ns()}",
                },
                headers={"HX-Request": "true"},
            )
        return client.get(target["path"])

    request()  # warm: templates compiled, caches filled
    plain = []
    for _ in range(runs // 2 if target.get("method") == "POST" else runs):
        began = time.perf_counter()
        request()
        plain.append((time.perf_counter() - began) * 1000)
    plain.sort()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        profiler.enable()
        for _ in range(runs // 2 - 1 if target.get("method") == "POST" else runs):
            request()
        profiler.disable()
    elapsed = (time.perf_counter() - started) * 1000 / runs
    sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000 / runs
    print(
        f"\n=== {target['name']}: {plain[len(plain) // 2]:.1f} ms a request in-process "
        f"(median of {len(plain)}), {elapsed:.1f} ms profiled;"
    )
    print(f"    {len(captured.captured_queries) // runs} queries, {sql_ms:.1f} ms in the database")
    stats = pstats.Stats(profiler)
    print(f"    where the profiled time goes: {_split(stats)}")
    if top:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
        print(out.getvalue())


def _split(stats: pstats.Stats) -> str:
    """Shares of the profiled time: waiting for the database, drawing templates (forms and
    widgets included), and the rest (ORM, views, middleware)."""

    def cumulative(path_end: str, name: str) -> float:
        return sum(
            row[3]
            for (filename, _line, function), row in stats.stats.items()
            if filename.endswith(path_end) and function == name
        )

    total = stats.total_tt or 1.0
    database = sum(
        row[3]
        for (_f, _l, function), row in stats.stats.items()
        if "execute' of 'psycopg2" in function or "execute' of 'sqlite3" in function
    )
    templates = cumulative("django/template/backends/django.py", "render")
    rest = total - database - templates
    return (
        f"database {database / total:.0%}, templates {templates / total:.0%}, "
        f"Python around them (ORM, views, middleware) {rest / total:.0%}"
    )


if __name__ == "__main__":
    main()
