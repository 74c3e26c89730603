import io
import os
import socket
import time
import zipfile

import pytest

from evidence.scanning.clamav import (
    ClamdScanner,
    MalwareStatus,
    MalwareVerdict,
    NoScanner,
    parse_reply,
    scanner_from_url,
)
from tests.evidence.scanning.files import EICAR, ROOT, make_pdf

MIB = 1024 * 1024
# The limits scripts/clamd-test.sh gives its clamd; override when CLAMAV_URL is another one.
MAX_FILE_SIZE = int(os.environ.get("CLAMAV_TEST_MAX_FILE_SIZE", 10 * MIB))
STREAM_MAX_LENGTH = int(os.environ.get("CLAMAV_TEST_STREAM_MAX_LENGTH", 20 * MIB))


class Zeros(io.RawIOBase):
    """`size` zero bytes, produced as they are read (nothing held in memory)."""

    def __init__(self, size: int):
        self.left = size
        self.read_so_far = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        count = self.left if size < 0 else min(size, self.left)
        self.left -= count
        self.read_so_far += count
        return bytes(count)


def test_a_clean_file_is_clean(clamd, tmp_path):
    pdf = make_pdf(tmp_path / "report.pdf", ["Test completion report"])

    with pdf.open("rb") as stream:
        assert clamd.scan(stream) == MalwareVerdict(MalwareStatus.CLEAN)


def test_the_eicar_test_file_is_infected(clamd):
    verdict = clamd.scan(io.BytesIO(EICAR))

    assert verdict.status == MalwareStatus.INFECTED
    assert "EICAR" in verdict.signature
    assert verdict.rejected
    assert verdict.reason == (
        f"The malware scanner found {verdict.signature} in the file, so it was rejected."
    )


def test_eicar_inside_a_zip_is_infected(clamd):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("evidence/readme.txt", "Test evidence")
        archive.writestr("evidence/eicar.com", EICAR)
    buffer.seek(0)

    verdict = clamd.scan(buffer)

    assert verdict.status == MalwareStatus.INFECTED
    assert "EICAR" in verdict.signature


def test_a_file_over_clamds_file_size_limit_is_rejected_not_clean(clamd):
    # With AlertExceedsMax yes clamd says Heuristics.Limits.Exceeded instead of OK.
    verdict = clamd.scan(Zeros(MAX_FILE_SIZE + MIB))

    assert verdict.status == MalwareStatus.LIMIT_EXCEEDED
    assert verdict.signature.startswith("Heuristics.Limits.Exceeded")
    assert verdict.rejected


def test_a_stream_over_clamds_stream_limit_is_rejected_and_not_sent_in_full(clamd):
    stream = Zeros(20 * STREAM_MAX_LENGTH)

    started = time.perf_counter()
    verdict = clamd.scan(stream)
    seconds = time.perf_counter() - started

    assert verdict == MalwareVerdict(
        MalwareStatus.LIMIT_EXCEEDED, "StreamMaxLength", "INSTREAM size limit exceeded. ERROR"
    )
    assert stream.read_so_far < 2 * STREAM_MAX_LENGTH  # stopped once clamd answered
    print(f"stream of {20 * STREAM_MAX_LENGTH // MIB} MB refused after {seconds * 1000:.0f} ms")


def test_the_unix_socket_works_too(clamd):
    path = ROOT / "var" / "clamav-test" / "clamd.sock"
    if not path.exists():
        pytest.skip(f"no clamd socket at {path} (scripts/clamd-test.sh makes one)")

    assert ClamdScanner(str(path)).scan(io.BytesIO(EICAR)).status == MalwareStatus.INFECTED
    assert ClamdScanner(f"unix://{path}").scan(io.BytesIO(b"hello")).status == "clean"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_scanner_that_refuses_connections_is_unavailable_and_keeps_the_file_pending():
    scanner = ClamdScanner(f"tcp://127.0.0.1:{closed_port()}", timeout=2)

    verdict = scanner.scan(io.BytesIO(EICAR))

    assert verdict.status == MalwareStatus.UNAVAILABLE
    assert not verdict.rejected
    assert "Connection refused" in verdict.detail
    assert verdict.reason == (
        "The malware scanner could not be reached. The file stays pending and will be "
        "scanned again."
    )
    assert not scanner.ping()


def test_a_scanner_that_never_answers_is_unavailable_after_the_timeout():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # accepts connections in the kernel, never reads or answers
        port = silent.getsockname()[1]

        started = time.perf_counter()
        verdict = ClamdScanner(f"tcp://127.0.0.1:{port}", timeout=0.5).scan(io.BytesIO(b"x"))

    assert verdict.status == MalwareStatus.UNAVAILABLE
    assert time.perf_counter() - started < 3


def test_a_missing_unix_socket_is_unavailable(tmp_path):
    verdict = ClamdScanner(str(tmp_path / "clamd.sock")).scan(io.BytesIO(b"x"))

    assert verdict.status == MalwareStatus.UNAVAILABLE


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("stream: OK", MalwareVerdict(MalwareStatus.CLEAN)),
        (
            "stream: Win.Test.EICAR_HDB-1 FOUND",
            MalwareVerdict(
                MalwareStatus.INFECTED, "Win.Test.EICAR_HDB-1", "stream: Win.Test.EICAR_HDB-1 FOUND"
            ),
        ),
        (
            "stream: Heuristics.Limits.Exceeded.MaxScanSize FOUND",
            MalwareVerdict(
                MalwareStatus.LIMIT_EXCEEDED,
                "Heuristics.Limits.Exceeded.MaxScanSize",
                "stream: Heuristics.Limits.Exceeded.MaxScanSize FOUND",
            ),
        ),
        (
            "INSTREAM size limit exceeded. ERROR",
            MalwareVerdict(
                MalwareStatus.LIMIT_EXCEEDED,
                "StreamMaxLength",
                "INSTREAM size limit exceeded. ERROR",
            ),
        ),
        (
            "stream: Can't allocate memory ERROR",
            MalwareVerdict(
                MalwareStatus.UNAVAILABLE,
                detail='unexpected reply: "stream: Can\'t allocate memory ERROR"',
            ),
        ),
        ("", MalwareVerdict(MalwareStatus.UNAVAILABLE, detail="unexpected reply: ''")),
    ],
)
def test_clamd_replies(reply, expected):
    assert parse_reply(reply) == expected


def test_without_a_configured_scanner_files_are_not_scanned_rather_than_clean():
    scanner = scanner_from_url("")

    verdict = scanner.scan(io.BytesIO(EICAR))

    assert isinstance(scanner, NoScanner)
    assert verdict.status == MalwareStatus.NOT_SCANNED
    assert not verdict.rejected
    assert verdict.reason == "This file was not scanned for malware."


@pytest.mark.parametrize("url", ["tcp://127.0.0.1", "http://127.0.0.1:3310", "clamd.sock"])
def test_a_malformed_url_is_a_configuration_error(url):
    with pytest.raises(ValueError, match="use tcp://host:port or a Unix socket path"):
        scanner_from_url(url)


def test_the_configured_scanner_follows_the_setting(settings):
    from evidence.scanning.clamav import configured_scanner

    settings.CLAMAV_URL = ""
    assert isinstance(configured_scanner(), NoScanner)
    settings.CLAMAV_URL = "tcp://127.0.0.1:3310"
    assert configured_scanner().url == "tcp://127.0.0.1:3310"
