"""A deadline afternoon: many people at once, each on their own pages, autosaves interleaved
with page loads, every save changing what others see.

The server runs as production does (gunicorn sync workers on the portal's production settings,
PostgreSQL, Redis and one Celery worker; `benchmarks.load` starts it the same way) on the
300-organisation scale data set. wrk drives the people of `benchmarks.mix_setup` from a second
process on 127.0.0.1, each person on their own signed-in session going round their own pages
(participants: section, three autosaves, next section, now and then the register or the
checklist; assessors: work queue, review, an outcome recorded; programme users: dashboard and
CSV export). The same server's bare view, at the same number of connections, is the ceiling.

Printed, for 8 and 32 connections: requests per second and their share of the ceiling,
p50/p95/p99, errors (failed requests, signed-out redirects) and save conflicts, the time of each
kind of page (from the server's own access log, so a page is timed from the first byte read to
the last written), the hit ratio of the cache in Redis, and the peak memory of a gunicorn
worker after each run.

Alone:  .venv/bin/python -m benchmarks.mix
Knobs:  BENCH_ORGS (300), BENCH_MIX_SECONDS per run (20), BENCH_MIX_CONNECTIONS ("8,32"),
        BENCH_WORKERS (2), BENCH_MIX_ORGANISATIONS (75)
"""

from __future__ import annotations

import os
import re
import statistics
from collections import defaultdict
from pathlib import Path

from benchmarks.load import (
    _free_port,
    _lua_string,
    _manage,
    _prepare,
    _redis_url,
    _server_env,
    _setting,
    _start_worker,
    _stop,
    on_scale_database,
    run_wrk,
    setup_output,
    start_server,
    wait_for_server,
)
from benchmarks.report import Row

# The targets of issue "fast under real use", checked in the printed notes.
TARGET_SHARE_32 = 0.10
TARGET_P95_32_MS = 200.0
TARGET_P95_8_MS = 100.0

PAGES = (
    ("autosave", re.compile(r"^/submissions/[^/]+/answers/")),
    ("section", re.compile(r"^/submissions/[^/]+/sections/")),
    ("evidence register", re.compile(r"^/submissions/[^/]+/evidence/$")),
    ("checklist", re.compile(r"^/submissions/[^/]+/checklist/")),
    ("work queue", re.compile(r"^/code-bodies/[^/]+/queue/")),
    ("record an outcome", re.compile(r"^/reviews/[^/]+/criteria/")),
    ("review screen", re.compile(r"^/reviews/[^/]+/$")),
    ("CSV export", re.compile(r"^/programme/export")),
    ("programme dashboard", re.compile(r"^/programme/$")),
    ("ceiling", re.compile(r"^/bench/ceiling/")),
)


def run() -> list[Row]:
    return on_scale_database("mix: a deadline afternoon", _run)


def _run(url: str, work: Path) -> list[Row]:
    orgs = _setting("BENCH_ORGS", 300)
    redis_url = _redis_url()
    env = _server_env(url, work, redis_url)
    _prepare(env, orgs)
    _manage(env, "collectstatic", "--noinput", "-v0")
    workers = _setting("BENCH_WORKERS", 2)
    connections = [
        int(c) for c in os.environ.get("BENCH_MIX_CONNECTIONS", "8,32").split(",") if c.strip()
    ]
    rows: list[Row] = []
    for count in connections:
        # Sessions and answer versions afresh for each run: the run before moved them on.
        people = _people(env)
        rows += _one_server_run(env, work, people, workers, count, redis_url)
    kinds = defaultdict(int)
    for person in people:
        kinds[person["kind"]] += 1
    who = ", ".join(f"{n} {kind}s" for kind, n in kinds.items())
    rows[0] = Row(
        **{
            **rows[0].__dict__,
            "note": f"{who}; gunicorn {workers} sync workers, {orgs} organisations, "
            + ("Redis and 1 Celery worker" if redis_url else "no Redis")
            + f"; load average before: {_load_average()}",
        }
    )
    return rows


def _people(env: dict[str, str]) -> list[dict]:
    return setup_output(env, "benchmarks.mix_setup")


def _load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def _one_server_run(env, work, people, workers, connections, redis_url) -> list[Row]:
    port = _free_port()
    log = work / f"access-{connections}.log"
    server = start_server(env, port, workers, access_log=log)
    worker = None
    try:
        worker = _start_worker(env, work / "worker.log")
        wait_for_server(port)
        seconds = _setting("BENCH_MIX_SECONDS", 20)
        ceiling_script = work / "ceiling.lua"
        ceiling_script.write_text(_ceiling_script())
        _wrk(port, ceiling_script, 2, connections)
        ceiling = _result(_wrk(port, ceiling_script, max(5, seconds // 4), connections))
        script = work / "mix.lua"
        script.write_text(_mix_script(people, connections))
        _wrk(port, script, 3, connections, "warmup")  # every worker has its templates
        hits_before = _redis_hits(redis_url)
        log.write_text("")
        mixed = _result(_wrk(port, script, seconds, connections))
        hits_after = _redis_hits(redis_url)
        memory = _worker_peak_memory(server.pid)
    finally:
        _stop(server)
        _stop(worker)
    return _rows(connections, ceiling, mixed, log, hits_before, hits_after, memory)


def _rows(connections, ceiling, mixed, log, hits_before, hits_after, memory) -> list[Row]:
    share = mixed["rps"] / ceiling["rps"] if ceiling["rps"] else 0.0
    target_p95 = TARGET_P95_32_MS if connections >= 32 else TARGET_P95_8_MS
    met = mixed["p95"] < target_p95 and mixed["errors"] == 0
    if connections >= 32:
        met = met and share >= TARGET_SHARE_32
    cache = _hit_ratio(hits_before, hits_after)
    notes = [
        f"p99 {mixed['p99']:.1f} ms",
        f"{mixed['errors']} errors ({mixed['signed_out']} signed out)",
        f"{mixed['conflicts']} save conflicts",
        f"cache hits {cache}",
        f"worker peak memory {memory}",
        "meets the target" if met else "UNDER THE TARGET",
    ]
    rows = [
        Row(
            f"mix: ceiling, bare view, {connections} connections",
            ceiling["requests"],
            ceiling["p50"],
            ceiling["p95"],
            0,
            "",
            rps=ceiling["rps"],
            ceiling_share=1.0,
        ),
        Row(
            f"mix: a deadline afternoon, {connections} connections",
            mixed["requests"],
            mixed["p50"],
            mixed["p95"],
            None,
            "; ".join(notes),
            rps=mixed["rps"],
            ceiling_share=share,
        ),
    ]
    for page, times in _page_times(log).items():
        if page == "ceiling" or not times:
            continue
        times.sort()
        rows.append(
            Row(
                f"mix ({connections}): {page}",
                len(times),
                statistics.median(times),
                times[min(len(times) - 1, int(len(times) * 0.95))],
                None,
                "server time, from its access log",
            )
        )
    return rows


def _page_times(log: Path) -> dict[str, list[float]]:
    times: dict[str, list[float]] = defaultdict(list)
    for line in log.read_text(errors="replace").splitlines():
        parts = line.split()
        if len(parts) != 4:
            continue
        _method, path, _status, micros = parts
        for page, pattern in PAGES:
            if pattern.match(path):
                times[page].append(int(micros) / 1000)
                break
    return times


def _redis_hits(redis_url: str) -> tuple[int, int] | None:
    if not redis_url:
        return None
    import redis

    stats = redis.Redis.from_url(redis_url).info("stats")
    return stats["keyspace_hits"], stats["keyspace_misses"]


def _hit_ratio(before, after) -> str:
    if before is None or after is None:
        return "none (no Redis)"
    hits, misses = after[0] - before[0], after[1] - before[1]
    if hits + misses == 0:
        return "none asked"
    return f"{hits / (hits + misses):.1%} of {hits + misses} reads (Redis, broker included)"


def _worker_peak_memory(master: int) -> str:
    peaks = []
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return "unknown"
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match:
            peaks.append(int(match.group(1)) // 1024)
    return f"{max(peaks)} MiB" if peaks else "unknown"


def _ceiling_script() -> str:
    return "\n".join(["wrk.path = '/bench/ceiling/'", _DONE]) + "\n"


_DONE = """
function done(summary, latency, requests)
  local errors, signed_out, conflicts = 0, 0, 0
  for _, thread in ipairs(threads or {}) do
    errors = errors + (thread:get('errors') or 0)
    signed_out = signed_out + (thread:get('signed_out') or 0)
    conflicts = conflicts + (thread:get('conflicts') or 0)
  end
  local e = summary.errors
  io.write(string.format('BENCH %d %d %.1f %.1f %.1f %d %d %d\\n', summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout + errors, signed_out, conflicts))
end
"""


def _mix_script(people: list[dict], threads: int) -> str:
    """wrk runs one thread per connection, so each thread has one request on its way at a
    time and knows what each reply answers. Each thread takes every n-th person and goes
    round them in turn, each person one step of their own round at a time. An autosave is
    sent with the version its answer's last save answered with, as the page's hidden field
    holds it."""
    lua_people = []
    for person in people:
        # One string per person, split by the script (a table literal of every step would
        # pass LuaJIT's limit of constants in one chunk): path, question, version, body.
        steps = ";".join(
            "|".join(
                [
                    step["path"],
                    str(step.get("question", "")),
                    str(step.get("version", "")),
                    step.get("body", ""),
                ]
            )
            for step in person["steps"]
        )
        csrf = "bench" + "0" * 27
        cookie = f"csrftoken={csrf}; sessionid={person['session']}"
        lua_people.append(
            f"{{cookie = {_lua_string(cookie)}, csrf = {_lua_string(csrf)}, "
            f"steps = {_lua_string(steps)}}}"
        )
    return (
        "\n".join(
            [
                "threads = {}",
                f"local everyone = {{{', '.join(lua_people)}}}",
                "function setup(thread)",
                "  thread:set('id', #threads)",
                "  table.insert(threads, thread)",
                "end",
                "function init(args)",
                "  mine, versions, turn, saves, pending = {}, {}, 0, 0, nil",
                "  errors, signed_out, conflicts = 0, 0, 0",
                # The warm-up run saves nothing: the versions the measured run starts from
                # stay true.
                "  warmup = args[1] == 'warmup'",
                "  for i, person in ipairs(everyone) do",
                f"    if (i - 1) % {threads} == id then table.insert(mine, person) end",
                "  end",
                "  for _, person in ipairs(mine) do",
                "    local steps = {}",
                "    for text in string.gmatch(person.steps, '[^;]+') do",
                "      local path, q, v, body =",
                "        string.match(text, '^([^|]*)|([^|]*)|([^|]*)|(.*)$')",
                "      local step = {path = path}",
                "      if q ~= '' then step.q = tonumber(q); versions[path] = tonumber(v) end",
                "      if body ~= '' then step.body = body end",
                "      table.insert(steps, step)",
                "    end",
                "    person.steps, person.pos = steps, 1",
                "  end",
                "end",
                "local function headers(person, post)",
                "  local h = {Cookie = person.cookie}",
                "  if post then",
                "    h['Content-Type'] = 'application/x-www-form-urlencoded'",
                "    h['X-CSRFToken'] = person.csrf",
                "  end",
                "  return h",
                "end",
                "function request()",
                "  turn = turn % #mine + 1",
                "  local person = mine[turn]",
                "  local step = person.steps[person.pos]",
                "  person.pos = person.pos % #person.steps + 1",
                "  pending = nil",
                "  if step.q and not warmup then",
                "    pending = step.path",
                "    saves = saves + 1",
                "    local h = headers(person, true)",
                "    h['HX-Request'] = 'true'",
                "    local body = 'q' .. step.q .. '-version=' .. versions[step.path] ..",
                "      '&q' .. step.q .. '-value=Answer+typed+at+the+deadline+' .. saves",
                "    return wrk.format('POST', step.path, h, body)",
                "  end",
                "  if step.body and not warmup then",
                "    return wrk.format('POST', step.path, headers(person, true), step.body)",
                "  end",
                "  local path = step.path",
                "  if step.q then path = string.gsub(path, '/answers/.*$', '/') end",
                "  return wrk.format('GET', path, headers(person, false))",
                "end",
                "function response(status, headers, body)",
                "  local location = headers['Location'] or ''",
                "  if status >= 400 then errors = errors + 1 end",
                "  if status == 302 and string.find(location, '/login/', 1, true) then",
                "    signed_out = signed_out + 1",
                "    errors = errors + 1",
                "  end",
                "  if pending then",
                "    if headers['X-Save-Outcome'] then conflicts = conflicts + 1 end",
                '    local v = string.match(body, \'name="q%d+%-version" value="(%d+)"\')',
                "    if v then versions[pending] = tonumber(v) end",
                "    pending = nil",
                "  end",
                "end",
                _DONE,
            ]
        )
        + "\n"
    )


def _wrk(port: int, script: Path, seconds: int, connections: int, *args: str) -> str:
    # One connection a thread: each reply is known to answer its thread's last request.
    return run_wrk(port, script, seconds, *args, threads=connections, connections=connections)


def _result(output: str) -> dict:
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    requests, duration_us, p50, p95, p99, errors, signed_out, conflicts = line.split()[1:]
    return {
        "requests": int(requests),
        "rps": int(requests) / (int(duration_us) / 1e6),
        "p50": float(p50) / 1000,
        "p95": float(p95) / 1000,
        "p99": float(p99) / 1000,
        "errors": int(errors),
        "signed_out": int(signed_out),
        "conflicts": int(conflicts),
    }


if __name__ == "__main__":
    from benchmarks.report import print_table

    print_table(run(), database="postgres")
