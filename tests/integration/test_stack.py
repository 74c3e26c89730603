"""The production topology without Docker (scripts/stack.sh): nginx in front of gunicorn, the
workers, beat and clamd, driven through nginx as people use it. A 200 MB upload goes through
the proxy while someone else keeps loading pages, which answer in under a second; a report
is rendered by the reports worker; /health/ reports each dependency."""

from __future__ import annotations

import http.cookiejar
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from assessment.models import Report
from evidence.models import EvidenceItem
from qad.services.submissions import submission_submit
from tests.integration.conftest import _database_url, needs_real_services
from tests.participants import Participant, load_journey_template
from tests.qad.test_submit_and_sign import fill
from tests.qualification.factories import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.stack]

ROOT = Path(settings.BASE_DIR)
UPLOAD_BYTES = 200 * 1024 * 1024


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """Someone using the portal through nginx: cookies, the CSRF token, forms."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, response.read().decode()

    def post(self, path: str, fields: dict, headers: dict | None = None):
        data = urllib.parse.urlencode(fields, doseq=True).encode()
        request = urllib.request.Request(
            self.base + path,
            data=data,
            headers={"X-CSRFToken": self.csrf(), "Referer": self.base + path, **(headers or {})},
        )
        with self.opener.open(request, timeout=60) as response:
            return response.status, response.read().decode(), response.geturl()

    def sign_in(self, email: str) -> None:
        self.get("/login/")
        _status, body, landed = self.post("/login/", {"username": email, "password": PASSWORD})
        assert not landed.endswith("/login/"), body[:3000]

    def upload(self, path: str, fields: dict, file: Path) -> dict:
        boundary = uuid.uuid4().hex
        body = file.with_suffix(".body")
        with body.open("wb") as out:
            for name, value in fields.items():
                out.write(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n".encode()
                )
            out.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                f'filename="{file.name}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
            )
            with file.open("rb") as source:
                shutil.copyfileobj(source, out)
            out.write(f"\r\n--{boundary}--\r\n".encode())
        with body.open("rb") as stream:
            request = urllib.request.Request(
                self.base + path,
                data=stream,
                headers={
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "Content-Length": str(body.stat().st_size),
                    "Accept": "application/json",
                    "X-CSRFToken": self.csrf(),
                    "Referer": self.base + path,
                },
            )
            with self.opener.open(request, timeout=300) as response:
                return json.loads(response.read())


@pytest.fixture
def stack(tmp_path, reference_data, capsys):
    reason = needs_real_services() or (
        None if shutil.which("nginx") or Path("/usr/sbin/nginx").exists() else "needs nginx"
    )
    if reason:
        pytest.skip(reason)
    port, web_port = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        # A broker of its own: the stack's workers take no other test's tasks.
        "REDIS_URL": "redis://127.0.0.1:6379/11",
        "STACK_DIR": str(tmp_path / "stack"),
        "STACK_PORT": str(port),
        "STACK_WEB_PORT": str(web_port),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    started = subprocess.run(
        [str(ROOT / "scripts" / "stack.sh"), "start"],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    with capsys.disabled():  # in the run's output: each service it started, and its health
        print("\n" + started.stderr)
    assert started.returncode == 0, started.stderr
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        subprocess.run([str(ROOT / "scripts" / "stack.sh"), "stop"], env=env, timeout=60)


def production_passwords(settings, *users) -> None:
    """The stack hashes as production does (the tests' own fast hasher is not among its)."""
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    for user in users:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


def test_the_stack_serves_people_through_nginx_while_a_big_file_goes_up(stack, tmp_path, settings):
    load_journey_template()
    drafting = Participant()
    submitted = Participant("Brightwatt Energy Ltd")
    production_passwords(settings, drafting.contributor, drafting.admin, submitted.admin)
    fill(submitted)
    submission_submit(submission=submitted.submission, by=submitted.admin, revision_number=1)

    # Health, through the proxy: every dependency named, the required ones up.
    health = json.loads(Browser(stack).get("/health/")[1])
    assert health["status"] == "ok"
    assert {"database", "cache", "broker", "beat", "clamd"} <= set(health["dependencies"])

    # Sign in and autosave through nginx.
    writer = Browser(stack)
    writer.sign_in(drafting.contributor.email)
    answer = drafting.answer("3.1")
    prefix = f"q{answer.question_id}"
    status, body, _ = writer.post(
        f"/submissions/{drafting.submission.public_id}/answers/3.1/",
        {f"{prefix}-version": answer.version, f"{prefix}-value": "Typed through the proxy."},
        headers={"HX-Request": "true"},
    )
    assert status == 200 and "Saved at" in body
    assert drafting.answer("3.1").value == "Typed through the proxy."

    # A 200 MB file goes up while a colleague keeps opening pages.
    big = tmp_path / "pit-execution-log.csv"
    with big.open("wb") as out:
        out.write(b"test case,result\n")
        out.truncate(UPLOAD_BYTES)
    reader = Browser(stack)
    reader.sign_in(drafting.admin.email)
    done = threading.Event()
    timings: list[float] = []

    def keep_reading():
        while not done.is_set():
            began = time.perf_counter()
            status, _ = reader.get(f"/submissions/{drafting.submission.public_id}/sections/3/")
            timings.append(time.perf_counter() - began)
            assert status == 200

    thread = threading.Thread(target=keep_reading)
    thread.start()
    try:
        answer_45 = drafting.answer("4.5")
        result = writer.upload(
            f"/submissions/{drafting.submission.public_id}/evidence/upload/",
            {"questions": answer_45.question_id, "evidence_type": "process_document"},
            big,
        )
    finally:
        done.set()
        thread.join(timeout=60)
    assert result["ok"], result
    assert EvidenceItem.objects.get().stored_file.size == UPLOAD_BYTES
    assert timings and max(timings) < 1.0, f"pages answered in {max(timings or [0]):.2f} s at worst"

    # A report is rendered by the reports worker.
    admin = Browser(stack)
    admin.sign_in(submitted.admin.email)
    admin.post(f"/submissions/{submitted.submission.public_id}/reports/qad/", {})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        report = Report.objects.order_by("-pk").first()
        if report is not None and report.status in ("ready", "failed"):
            break
        time.sleep(1)
    assert report is not None and report.status == "ready", report and report.status
    assert report.page_count and report.file.name.endswith(".pdf")
