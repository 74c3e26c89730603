"""A real Celery worker, in its own process, on the real Redis and the test database.

Each test gets a worker on a queue of its own, so that no other worker on the same Redis (a
developer's `make run`, say) can take its tasks, and it takes no one else's. Tasks that are
routed to a queue of their own (PDF rendering on `reports`) go to a private copy of that
queue, which the same worker consumes.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from portal import celery_app

ROOT = Path(__file__).resolve().parents[2]


def needs_real_services() -> str | None:
    if not os.environ.get("REDIS_URL"):
        return "needs REDIS_URL: a real Redis broker for a real Celery worker (.ci/run sets it)"
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")):
        return (
            "needs DATABASE_URL on PostgreSQL: the worker process must share the test "
            "database (.ci/run sets it)"
        )
    return None


@dataclass
class Worker:
    queue: str
    queues: list[str]
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _database_url() -> str:
    s = connection.settings_dict
    user = s.get("USER") or ""
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    host, port = s.get("HOST") or "127.0.0.1", s.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{s['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path) -> Iterator[Worker]:
    reason = needs_real_services()
    if reason:
        pytest.skip(reason)
    yield from _worker(tmp_path)


def _worker(
    tmp_path: Path, broker_url: str | None = None, *, queue: str | None = None
) -> Iterator[Worker]:
    """A worker on the test's own queues; on `broker_url` when given (a private Redis that a
    test may stop and start), otherwise on REDIS_URL. `queue`: the queue of an earlier worker
    of the test, for one that takes over from it. Each worker is a process group of its own,
    which a test may kill whole, as when a worker's container dies."""
    queue = queue or f"test-{uuid.uuid4().hex[:12]}"
    routes = {
        task: {**route, "queue": f"{queue}-{route['queue']}"}
        for task, route in (celery_app.conf.task_routes or {}).items()
    }
    queues = [queue, *sorted({route["queue"] for route in routes.values()})]
    log_path = tmp_path / f"worker-{uuid.uuid4().hex[:6]}.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        # The worker stores and reads files where this test does (tests/conftest.py).
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONUNBUFFERED": "1",
        # A render lost with its worker process is tried again at once, not after 15 s.
        "REPORT_RETRY_SECONDS": "1",
    }
    if broker_url:
        env["REDIS_URL"] = broker_url
    node = f"{queue}@%h"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-Q",
                ",".join(queues),
                "-n",
                node,
                "--concurrency",
                "1",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = Worker(queue=queue, queues=queues, process=process, log_path=log_path)
    previous = (
        celery_app.conf.task_always_eager,
        celery_app.conf.task_default_queue,
        celery_app.conf.task_routes,
    )
    try:
        _wait_until_ready(worker)
        celery_app.conf.task_always_eager = False
        celery_app.conf.task_default_queue = queue
        _route(routes)
        yield worker
    finally:
        always_eager, default_queue, task_routes = previous
        celery_app.conf.task_always_eager = always_eager
        celery_app.conf.task_default_queue = default_queue
        _route(task_routes)
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        if not broker_url:
            # Leave nothing behind in the shared broker.
            with celery_app.connection_for_write() as conn:
                for name in queues:
                    conn.default_channel.queue_delete(name)


@dataclass
class PrivateRedis:
    """A Redis server of the test's own, which it may stop and start again on the same port."""

    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        pytest.fail(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def private_broker(transactional_db, tmp_path) -> Iterator[tuple[PrivateRedis, Worker]]:
    """A private Redis, this process's Celery sending to it, and a worker consuming from it."""
    reason = needs_real_services()
    if reason:
        pytest.skip(reason)
    redis = PrivateRedis(free_port())
    redis.start()
    previous = (celery_app.conf.broker_url, celery_app.conf.result_backend)
    _use_broker(redis.url, redis.url)
    try:
        for worker in _worker(tmp_path, broker_url=redis.url):
            yield redis, worker
    finally:
        _use_broker(*previous)
        redis.stop()


def _use_broker(broker_url: str, result_backend: str) -> None:
    celery_app.conf.broker_url = broker_url
    celery_app.conf.result_backend = result_backend
    # Connections are pooled on first use; drop the pools so the next send uses the new URL.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.__dict__.pop("backend", None)


def _route(routes) -> None:
    celery_app.conf.task_routes = routes
    celery_app.amqp.flush_routes()
    celery_app.amqp.router = celery_app.amqp.Router()


def _wait_until_ready(worker: Worker, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            pytest.fail(f"the worker exited with {worker.process.returncode}:\n{worker.log()}")
        if "ready." in worker.log():
            return
        time.sleep(0.2)
    pytest.fail(f"the worker was not ready within {timeout}s:\n{worker.log()}")


def wait_for(
    predicate, *, timeout: float = 30, interval: float = 0.2, worker: Worker | None = None
):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    detail = f"\nworker log:\n{worker.log()}" if worker else ""
    pytest.fail(f"condition not met within {timeout}s{detail}")
