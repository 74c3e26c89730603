"""PostgreSQL restarts while a participant is typing: the autosave says it could not save,
the text stays in the box, and it is saved once the database is back. A real PostgreSQL of
the test's own (so that no one else's connections are cut), the portal in its own process,
and Debian's Chromium with the Content Security Policy enforced."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.integration.conftest import free_port

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "restart-test-passphrase"


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


class PrivatePostgres:
    """A throwaway cluster in /tmp on a port of its own, started and stopped with pg_ctl."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="qad-pg-"))
        if os.geteuid() == 0:  # initdb refuses to run as root
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.dir / "data"),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.dir / "data"),
            "-l",
            str(self.dir / "log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def manage(*args: str, database_url: str, timeout: float = 180) -> str:
    env = {
        k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env["DATABASE_URL"] = database_url
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


SEED = f"""
from qualification.models import CodeBody, MarketRole
from qualification.reference_data import ensure_reference_data
from tests.participants import Participant, load_journey_template
ensure_reference_data(CodeBody, MarketRole)
load_journey_template(criteria=False)
participant = Participant()
participant.contributor.set_password({PASSWORD!r})
participant.contributor.save()
print(participant.contributor.email, participant.submission.public_id)
"""


@pytest.fixture
def portal_on_private_postgres(tmp_path):
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")):
        pytest.skip("needs DATABASE_URL on PostgreSQL: .ci/run sets it")
    bindir = postgres_bin()
    if bindir is None:
        pytest.skip("needs PostgreSQL's server programs (pg_ctl, initdb)")
    postgres = PrivatePostgres(bindir)
    server = None
    try:
        postgres.start()
        manage("migrate", "--no-input", database_url=postgres.url)
        seeded = manage("shell", "-c", SEED, database_url=postgres.url)
        email, submission = seeded.strip().splitlines()[-1].split()
        port = free_port()
        env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        env.update(DATABASE_URL=postgres.url, DEBUG="1", PYTHONUNBUFFERED="1")
        log = (tmp_path / "server.log").open("w")
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail((tmp_path / "server.log").read_text())
                time.sleep(0.1)
        yield postgres, f"http://127.0.0.1:{port}", email, submission
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        postgres.remove()


def test_a_draft_typed_while_postgresql_restarts_is_kept_and_saved_when_it_is_back(
    portal_on_private_postgres, chromium
):
    postgres, base_url, email, submission = portal_on_private_postgres
    context = chromium.new_context(base_url=base_url)  # the policy enforced, as in production
    page = context.new_page()
    page.set_default_timeout(20_000)
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    try:
        page.goto("/login/")
        page.fill("#id_username", email)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"/submissions/{submission}/sections/3/")
        box = page.locator("#q-3-1 textarea")
        status = page.locator("#q-3-1 .save-status")
        box.fill("Settlement runs in house.")
        status.get_by_text("Saved at").wait_for()

        postgres.stop()
        box.press_sequentially(" Typed while the database restarts.", delay=5)
        status.get_by_text("Not saved yet").wait_for()
        assert box.input_value() == ("Settlement runs in house. Typed while the database restarts.")

        postgres.start()
        # Nothing more is typed: the page sends the answer again by itself.
        status.get_by_text("Saved at").wait_for(timeout=30_000)

        page.reload()
        assert page.locator("#q-3-1 textarea").input_value() == (
            "Settlement runs in house. Typed while the database restarts."
        )
        assert violations == []
    finally:
        context.close()
