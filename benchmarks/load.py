"""The hot paths under concurrent load: gunicorn on PostgreSQL with the scale data set
(`manage.py load_scale`, 300 organisations), driven by wrk from a second process on
127.0.0.1, beside a bare view on the same server (the ceiling).

The server runs as production does: the portal's production settings (DEBUG off, hashed
static files, cached templates) with Redis (BENCH_REDIS_URL, default
redis://127.0.0.1:6379/14, a database number of its own) for the cache of published versions
(sessions are in the database), and follow-up work such as the completeness recompute after
a save goes to a Celery worker that the benchmark starts beside the server (one process, on
the same cores). Without a Redis that answers, or with BENCH_REDIS_URL set empty, it runs the
embedded mode instead (no REDIS_URL: follow-up work in the request) and
says so in the first row's note. The database is the bench's own: BENCH_PG_URL (default
postgres://postgres@127.0.0.1:5432/qad_bench_scale); it is built on the first run (about 30
seconds) and reused while it holds the same number of organisations.

Alone:  .venv/bin/python -m benchmarks.load
Knobs:  BENCH_ORGS (300), BENCH_SECONDS per path (5), BENCH_CONNECTIONS (8),
        BENCH_THREADS (2), BENCH_WORKERS (gunicorn sync workers, 2), BENCH_REDIS_URL
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from benchmarks.report import Row

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/qad_bench_scale"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
FLOOR_SHARE = 0.10  # of the ceiling's requests per second
FLOOR_P95_MS = 100.0


def _setting(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def run() -> list[Row]:
    return on_scale_database("load: hot paths", _run)


def on_scale_database(name: str, measure: Callable[[str, Path], list[Row]]) -> list[Row]:
    """`measure(database url, work folder)` on the bench's PostgreSQL database, with wrk; a
    row saying why when either is missing (the other parts of `make bench` still count)."""
    if shutil.which("wrk") is None:
        return [_skipped(name, "wrk is not installed (scripts/system-deps.sh installs it)")]
    url = os.environ.get("BENCH_PG_URL", DEFAULT_URL)
    try:
        _ensure_database(url)
    except Exception as error:  # no PostgreSQL here: the other rows still count
        return [_skipped(name, f"PostgreSQL at {_redacted(url)} is not reachable: {error}")]
    work = Path(tempfile.mkdtemp(prefix="qad-load-bench-"))
    try:
        return measure(url, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _skipped(name: str, reason: str) -> Row:
    return Row(f"{name} (skipped)", 0, 0.0, 0.0, None, reason)


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    return urlunsplit((parts.scheme, f"{host}:{parts.port or 5432}", parts.path, "", ""))


def _ensure_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        dbname="postgres",
        user=parts.username or "postgres",
        password=parts.password or None,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        connect_timeout=3,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def _redis_url() -> str:
    """BENCH_REDIS_URL if a Redis answers there, else "" (the embedded mode)."""
    url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL).strip()
    if not url:
        return ""
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except Exception:
        return ""
    return url


def _start_worker(env: dict[str, str], log_path: Path) -> subprocess.Popen | None:
    """A Celery worker for the server's follow-up work, as production runs one, started and
    ready (its start-up, a few seconds of CPU, would otherwise be timed with the first path)."""
    if not env.get("REDIS_URL"):
        return None
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-Q",
                "default,reports",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while " ready." not in log_path.read_text(errors="replace"):
        if worker.poll() is not None or time.monotonic() > deadline:
            _stop(worker)
            raise RuntimeError(f"the Celery worker did not start: see {log_path}")
        time.sleep(0.2)
    return worker


def _stop(process: subprocess.Popen | None) -> None:
    if process is None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _server_env(url: str, work: Path, redis_url: str = "") -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "LOG_LEVEL": "WARNING",
    }
    for name in ("REDIS_URL", "CLAMAV_URL"):
        env.pop(name, None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def _manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    return done.stdout if capture else ""


def _prepare(env: dict[str, str], orgs: int) -> float | None:
    """Migrate, and build the scale data set unless it is there; the seconds it took."""
    _manage(env, "migrate", "-v0")
    count = _manage(
        env,
        "shell",
        "-c",
        "from qualification.models import Organisation; from demo.scale import "
        "NAME_PREFIX; print(Organisation.objects.filter(legal_name__startswith=NAME_PREFIX)"
        ".count())",
        capture=True,
    )
    have = int(count.strip().splitlines()[-1])
    if have == orgs:
        return None
    if have:
        raise RuntimeError(
            f"the bench database holds {have} scale organisations, not {orgs}; drop it "
            "(dropdb) or set BENCH_PG_URL to another database"
        )
    started = time.perf_counter()
    _manage(env, "load_scale", "--orgs", str(orgs), "--password", "bench-scale-password")
    return time.perf_counter() - started


def _run(url: str, work: Path) -> list[Row]:
    orgs = _setting("BENCH_ORGS", 300)
    redis_url = _redis_url()
    env = _server_env(url, work, redis_url)
    built = _prepare(env, orgs)
    _manage(env, "collectstatic", "--noinput", "-v0")
    targets = setup_output(env, "benchmarks.load_setup")
    port = _free_port()
    workers = _setting("BENCH_WORKERS", 2)
    server = start_server(env, port, workers)
    worker = None
    try:
        worker = _start_worker(env, work / "worker.log")
        wait_for_server(port)
        results = [(target, _load(port, target, work)) for target in targets]
    finally:
        _stop(server)
        _stop(worker)
    mode = (
        "Redis cache, follow-up work to 1 Celery worker"
        if redis_url
        else "no Redis: sessions from the database, follow-up work in the request"
    )
    return _rows(results, orgs=orgs, workers=workers, built=built, mode=mode)


def setup_output(env: dict[str, str], module: str):
    """The JSON document a set-up module prints, run in a process configured like the
    server (its database and settings)."""
    setup = subprocess.run(
        [sys.executable, "-m", module],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(setup.stdout.strip().splitlines()[-1])


def start_server(
    env: dict[str, str], port: int, workers: int, *, access_log: Path | None = None
) -> subprocess.Popen:
    """gunicorn as production runs it, in a process group of its own (`_stop` ends it);
    `access_log`: each request's method, path, status and microseconds, a line each."""
    logging = (
        ["--access-logfile", str(access_log), "--access-logformat", "%(m)s %(U)s %(s)s %(D)s"]
        if access_log
        else []
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
            *logging,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )


def _rows(results, *, orgs: int, workers: int, built: float | None, mode: str) -> list[Row]:
    ceiling = results[0][1]["rps"]
    connections, threads = _setting("BENCH_CONNECTIONS", 8), _setting("BENCH_THREADS", 2)
    rows = []
    for target, measured in results:
        share = measured["rps"] / ceiling if ceiling else 0.0
        notes = []
        if target is results[0][0]:
            notes.append(
                f"gunicorn {workers} sync workers, PostgreSQL, {orgs} organisations, {mode}; "
                f"wrk -t{threads} -c{connections}"
                + (f"; data set built in {built:.0f} s" if built else "")
            )
        else:
            below = share < FLOOR_SHARE or measured["p95"] > FLOOR_P95_MS
            notes.append("UNDER THE FLOOR" if below else "")
        if target["status"] != 200:
            notes.append(f"HTTP {target['status']}")
        if measured["errors"]:
            notes.append(f"{measured['errors']} errors")
        if measured["unsaved"]:
            notes.append(f"{measured['unsaved']} not saved (conflicts)")
        rows.append(
            Row(
                f"load: {target['name']}",
                measured["requests"],
                measured["p50"],
                measured["p95"],
                target["queries"],
                "; ".join(n for n in notes if n),
                rps=measured["rps"],
                ceiling_share=share,
            )
        )
    return rows


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(port: int) -> None:
    """Until something listens on 127.0.0.1:`port` (a server just started), for a minute."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no server started on port {port}")


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string literal for our values


def _script(target: dict) -> str:
    cookie = f"csrftoken={target['csrf']}"
    if target["session"]:
        cookie += f"; sessionid={target['session']}"
    head = [
        "local threads = {}",
        "function setup(thread)",
        "  thread:set('id', #threads)",
        f"  thread:set('nthreads', {_setting('BENCH_THREADS', 2)})",
        "  table.insert(threads, thread)",
        "end",
        f"wrk.headers['Cookie'] = {_lua_string(cookie)}",
    ]
    if target.get("method") == "POST":
        questions = ", ".join(
            f"{{pk = {q['pk']}, ref = {_lua_string(q['ref'])}, version = {q['version']}}}"
            for q in target["questions"]
        )
        body = [
            f"local questions = {{{questions}}}",
            f"local base = {_lua_string(target['path'])}",
            "wrk.headers['Content-Type'] = 'application/x-www-form-urlencoded'",
            f"wrk.headers['X-CSRFToken'] = {_lua_string(target['csrf'])}",
            "wrk.headers['HX-Request'] = 'true'",
            # Each thread saves its own questions in turn, skipping one whose last save has
            # not answered yet: a question is sent again only with the version that save
            # answered with (as the page's hidden version field is updated after each save).
            # Its connections answer out of order, so the turn alone would not ensure that.
            # The warm-up run saves other questions than the measured run, whose versions
            # would otherwise be out of date when it starts.
            "function init(args)",
            "  mine, versions, sent, n, unsaved = {}, {}, {}, 0, 0",
            "  local part = (args[1] == 'warmup') and 1 or 0",
            "  for i, q in ipairs(questions) do",
            "    if (i - 1) % (2 * nthreads) == 2 * id + part then table.insert(mine, q) end",
            "  end",
            "  for _, q in ipairs(mine) do versions[q.pk] = q.version end",
            "end",
            "function request()",
            "  local q",
            "  for _ = 1, #mine do",
            "    n = n + 1",
            "    q = mine[(n % #mine) + 1]",
            "    if not sent[q.pk] then break end",
            "  end",
            "  sent[q.pk] = true",
            "  local body = 'q' .. q.pk .. '-version=' .. versions[q.pk] .. '&q' .. q.pk ..",
            "    '-value=Load+test+answer+' .. id .. '-' .. n",
            "  return wrk.format('POST', base .. q.ref .. '/', nil, body)",
            "end",
            "function response(status, headers, body)",
            '  local pk, v = string.match(body, \'name="q(%d+)%-version" value="(%d+)"\')',
            "  if pk then",
            "    versions[tonumber(pk)] = tonumber(v)",
            "    sent[tonumber(pk)] = nil",
            "  end",
            "  if headers['X-Save-Outcome'] then unsaved = unsaved + 1 end",
            "end",
        ]
    else:
        body = [f"wrk.path = {_lua_string(target['path'])}", "unsaved = 0"]
    done = [
        "function done(summary, latency, requests)",
        "  local unsaved = 0",
        "  for _, thread in ipairs(threads) do",
        "    unsaved = unsaved + (thread:get('unsaved') or 0)",
        "  end",
        "  local e = summary.errors",
        "  io.write(string.format('BENCH %d %d %.1f %.1f %d %d\\n', summary.requests,",
        "    summary.duration, latency:percentile(50), latency:percentile(95),",
        "    e.connect + e.read + e.write + e.status + e.timeout, unsaved))",
        "end",
    ]
    return "\n".join([*head, *body, *done]) + "\n"


def _wrk(port: int, script: Path, seconds: int, *args: str) -> str:
    threads, connections = _setting("BENCH_THREADS", 2), _setting("BENCH_CONNECTIONS", 8)
    return run_wrk(port, script, seconds, *args, threads=threads, connections=connections)


def run_wrk(
    port: int, script: Path, seconds: int, *args: str, threads: int, connections: int
) -> str:
    """wrk's output for `script` against the server on `port`; `args` go to the script."""
    done = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
            *(["--", *args] if args else []),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def _load(port: int, target: dict, work: Path) -> dict:
    script = work / "script.lua"
    script.write_text(_script(target))
    _wrk(port, script, 1, "warmup")  # warm up: every worker has its templates and connection
    output = _wrk(port, script, _setting("BENCH_SECONDS", 5))
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    requests, duration_us, p50_us, p95_us, errors, unsaved = line.split()[1:]
    return {
        "requests": int(requests),
        "rps": int(requests) / (int(duration_us) / 1e6),
        "p50": float(p50_us) / 1000,
        "p95": float(p95_us) / 1000,
        "errors": int(errors),
        "unsaved": int(unsaved),
    }


if __name__ == "__main__":
    from benchmarks.report import print_table

    print_table(run(), database="postgres")
