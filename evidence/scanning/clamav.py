"""Malware scanning with clamd (ClamAV's daemon), and the verdicts a caller acts on.

Our own small client for clamd's INSTREAM command, instead of the unmaintained `clamd`
(2014) and `pyclamd` (2017) packages: the file is streamed to clamd over TCP or a Unix
socket in length-prefixed chunks, so clamd never needs access to our storage.

Fail closed: only `stream: OK` is clean. A file over one of clamd's limits is rejected
(clamd must run with `AlertExceedsMax yes`, otherwise it calls such a file OK); a scanner
that cannot be reached or gives an answer we do not understand leaves the file pending.
"""

from __future__ import annotations

import select
import socket
import struct
from dataclasses import dataclass
from enum import StrEnum
from typing import BinaryIO, Protocol
from urllib.parse import urlsplit

from django.conf import settings

from evidence.scanning.sizes import KIB

LIMITS_SIGNATURE = "Heuristics.Limits.Exceeded"


class MalwareStatus(StrEnum):
    CLEAN = "clean"
    INFECTED = "infected"  # rejected: a signature matched
    LIMIT_EXCEEDED = "limit_exceeded"  # rejected: too big or too deep to scan completely
    UNAVAILABLE = "unavailable"  # keep pending and try again: no answer from the scanner
    NOT_SCANNED = "not_scanned"  # no scanner configured; the UI says so


@dataclass(frozen=True)
class MalwareVerdict:
    status: MalwareStatus
    signature: str = ""  # the signature name clamd reported, for INFECTED and LIMIT_EXCEEDED
    detail: str = ""  # technical detail for logs (clamd's reply, the socket error)

    @property
    def rejected(self) -> bool:
        return self.status in {MalwareStatus.INFECTED, MalwareStatus.LIMIT_EXCEEDED}

    @property
    def reason(self) -> str:
        """What a participant or compliance manager is told."""
        return {
            MalwareStatus.CLEAN: "No malware was found.",
            MalwareStatus.INFECTED: (
                f"The malware scanner found {self.signature} in the file, so it was rejected."
            ),
            MalwareStatus.LIMIT_EXCEEDED: (
                "The file is too large or too deeply packed for the malware scanner to check "
                "completely, so it was rejected. Split it into smaller files."
            ),
            MalwareStatus.UNAVAILABLE: (
                "The malware scanner could not be reached. The file stays pending and will be "
                "scanned again."
            ),
            MalwareStatus.NOT_SCANNED: "This file was not scanned for malware.",
        }[self.status]


class MalwareScanner(Protocol):
    def scan(self, stream: BinaryIO) -> MalwareVerdict:
        """Scan the bytes read from `stream` (read to its end, never seeked)."""
        ...


class NoScanner:
    """Used when CLAMAV_URL is not set: every file is 'not scanned', never 'clean'."""

    def scan(self, stream: BinaryIO) -> MalwareVerdict:
        return MalwareVerdict(MalwareStatus.NOT_SCANNED, detail="no scanner is configured")


class ClamdScanner:
    """A clamd at `tcp://host:port`, `unix:///path/clamd.sock` or a socket path."""

    def __init__(self, url: str, *, timeout: float = 120.0, chunk_size: int = 64 * KIB):
        self.url = url
        self.timeout = timeout
        self.chunk_size = chunk_size
        parts = urlsplit(url)
        if parts.scheme == "tcp" and parts.hostname and parts.port:
            self._family, self._address = socket.AF_INET, (parts.hostname, parts.port)
        elif parts.scheme in {"unix", ""} and parts.path.startswith("/"):
            self._family, self._address = socket.AF_UNIX, parts.path
        else:
            raise ValueError(f"CLAMAV_URL={url!r}: use tcp://host:port or a Unix socket path")

    def scan(self, stream: BinaryIO) -> MalwareVerdict:
        try:
            with self._connect() as connection:
                _send_stream(connection, stream, self.chunk_size)
                reply = _read_reply(connection)
        except OSError as exc:  # refused, reset before a reply, timed out, no such socket
            return MalwareVerdict(MalwareStatus.UNAVAILABLE, detail=f"{self.url}: {exc}")
        return parse_reply(reply)

    def ping(self) -> bool:
        """True when clamd answers PING with PONG."""
        try:
            with self._connect() as connection:
                connection.sendall(b"zPING\0")
                return _read_reply(connection) == "PONG"
        except OSError:
            return False

    def _connect(self) -> socket.socket:
        connection = socket.socket(self._family, socket.SOCK_STREAM)
        connection.settimeout(self.timeout)
        try:
            connection.connect(self._address)
        except OSError:
            connection.close()
            raise
        return connection


def parse_reply(reply: str) -> MalwareVerdict:
    """Turn clamd's reply to INSTREAM into a verdict; anything unexpected is UNAVAILABLE."""
    if reply == "stream: OK":
        return MalwareVerdict(MalwareStatus.CLEAN)
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        signature = reply.removeprefix("stream: ").removesuffix(" FOUND")
        if signature.startswith(LIMITS_SIGNATURE):
            return MalwareVerdict(MalwareStatus.LIMIT_EXCEEDED, signature, reply)
        return MalwareVerdict(MalwareStatus.INFECTED, signature, reply)
    if reply.startswith("INSTREAM size limit exceeded"):
        return MalwareVerdict(MalwareStatus.LIMIT_EXCEEDED, "StreamMaxLength", reply)
    return MalwareVerdict(MalwareStatus.UNAVAILABLE, detail=f"unexpected reply: {reply!r}")


def _send_stream(connection: socket.socket, stream: BinaryIO, chunk_size: int) -> None:
    connection.sendall(b"zINSTREAM\0")
    try:
        while chunk := stream.read(chunk_size):
            connection.sendall(struct.pack(">I", len(chunk)) + chunk)
            # clamd answers early, then closes, when the stream passes StreamMaxLength.
            if select.select([connection], [], [], 0)[0]:
                return
        connection.sendall(struct.pack(">I", 0))
    except (BrokenPipeError, ConnectionResetError):
        return  # clamd stopped reading; its reply, if any, says why


def _read_reply(connection: socket.socket, limit: int = 4 * KIB) -> str:
    reply = b""
    while b"\0" not in reply and len(reply) < limit:
        data = connection.recv(limit)
        if not data:
            break
        reply += data
    return reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def scanner_from_url(url: str | None, *, timeout: float = 120.0) -> MalwareScanner:
    """A `ClamdScanner` for `url`, or `NoScanner` when it is empty (nothing configured)."""
    url = (url or "").strip()
    return ClamdScanner(url, timeout=timeout) if url else NoScanner()


def configured_scanner() -> MalwareScanner:
    """The scanner named by the CLAMAV_URL setting."""
    return scanner_from_url(getattr(settings, "CLAMAV_URL", ""))
