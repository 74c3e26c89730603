"""A 500 MB evidence upload through the real upload view, on a real server process.

Prints the server's peak memory (it must not grow with the file: uploads stream to disk) and
the upload throughput beside a plain copy of the same file on the same disk.
"""

from __future__ import annotations

import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

from benchmarks.load import wait_for_server
from benchmarks.report import Row

ROOT = Path(__file__).resolve().parents[1]
CHUNK = 1024 * 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _make_zip(path: Path, megabytes: int) -> None:
    """A zip with one stored member of random bytes: accepted by the checks, which read only
    its directory, so the figure is the upload itself."""
    block = os.urandom(CHUNK)
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive,
        archive.open("test-results.bin", "w", force_zip64=True) as member,
    ):
        for _ in range(megabytes):
            member.write(block)


def _peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def run(megabytes: int | None = None) -> list[Row]:
    megabytes = megabytes or int(os.environ.get("BENCH_UPLOAD_MB", "500"))
    work = Path(tempfile.mkdtemp(prefix="qad-upload-bench-"))
    try:
        return _run(work, megabytes)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(work: Path, megabytes: int) -> list[Row]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "MEDIA_ROOT": str(work / "media"),
        "FILE_UPLOAD_TEMP_DIR": str(work),
        "EVIDENCE_MAX_BYTES": str((megabytes + 10) * CHUNK),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    env.pop("CLAMAV_URL", None)
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    setup = subprocess.run(
        [python, "manage.py", "shell", "-c", _SETUP],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    session_key, submission, question = setup.stdout.strip().splitlines()[-1].split()
    source = work / "results.zip"
    _make_zip(source, megabytes)
    size = source.stat().st_size

    started = time.perf_counter()
    shutil.copyfile(source, work / "copy.zip")
    copy_seconds = time.perf_counter() - started
    (work / "copy.zip").unlink()

    port = _free_port()
    server = subprocess.Popen(
        [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for_server(port)
        idle_kib = _rss_kib(server.pid)
        seconds, status = _upload(port, source, session_key, submission, question)
        peak_kib = _peak_rss_kib(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    if status != 200:
        raise RuntimeError(f"the upload was answered with HTTP {status}")
    mb = size / CHUNK
    note = (
        f"server RSS {idle_kib / 1024:.0f} MiB idle, peak {peak_kib / 1024:.0f} MiB; "
        f"{mb / seconds:.0f} MB/s vs plain copy {mb / copy_seconds:.0f} MB/s "
        f"({seconds / copy_seconds:.1f}x)"
    )
    return [
        Row(f"upload a {mb:.0f} MB file (real view)", 1, seconds * 1000, seconds * 1000, None, note)
    ]


_SETUP = """
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from qualification.backends import SIGN_IN_BACKEND
from demo.world import ensure_versions
from qualification.enums import MembershipRole, Route
from qualification.models import User, Organisation, Membership, Mpid, MarketRole
from qualification.services import qualification_start
ensure_versions()
org = Organisation.objects.create(legal_name="Bench Ltd", company_number="99999999")
role = MarketRole.objects.get(code="SUP")
mpid = Mpid.objects.create(organisation=org, market_role=role, code="BNCH")
user = User.objects.create_user("bench@bench.example", "bench-password-123", full_name="Bench")
Membership.objects.create(user=user, organisation=org, role=MembershipRole.ORG_ADMIN)
q = qualification_start(organisation=org, route=Route.SIT, roles=[(role, mpid)],
                        created_by=user)
submission = q.submissions.get()
answer = submission.revisions.get().answers.filter(question__ref="4.1.5").get()
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = SIGN_IN_BACKEND
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key, submission.public_id, answer.question_id)
"""


def _upload(port, source: Path, session_key: str, submission: str, question: str):
    """Stream a multipart body from disk: the client holds no more than a chunk either."""
    boundary = uuid.uuid4().hex
    token = secrets.token_hex(16)  # a 32-character CSRF secret, sent as cookie and header
    head = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in (
            ("questions", question),
            ("evidence_type", "test_completion_report"),
            ("title", "Benchmark results"),
        )
    ).encode()
    file_head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="{source.name}"\r\nContent-Type: application/zip\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + len(file_head) + source.stat().st_size + len(tail)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    connection.putrequest("POST", f"/submissions/{submission}/evidence/upload/")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(length))
    connection.putheader("Cookie", f"sessionid={session_key}; csrftoken={token}")
    connection.putheader("X-CSRFToken", token)
    connection.putheader("Accept", "application/json")
    connection.endheaders()
    connection.send(head)
    connection.send(file_head)
    with source.open("rb") as body:
        while chunk := body.read(CHUNK):
            connection.send(chunk)
    connection.send(tail)
    response = connection.getresponse()
    response.read()
    seconds = time.perf_counter() - started
    connection.close()
    return seconds, response.status
