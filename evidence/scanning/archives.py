"""Zip archives (plain zips and the OOXML behind .docx and .xlsx): checks made before
anything is unpacked.

A small upload can declare gigabytes (a zip bomb), hold tens of thousands of entries, carry
paths that climb out of a folder (`../../x`), symbolic links, encrypted entries that no
scanner can look into, or archives inside archives. Every limit here is checked from the
central directory (`ZipFile.infolist()`), which costs no decompression; the number of
entries and the size of that directory are checked even before `ZipFile` reads it. Reading
an entry afterwards always goes through `copy_member`/`read_member`, which stop at a byte
budget whatever the entry declares.
"""

from __future__ import annotations

import stat
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from evidence.scanning.names import extension_of, shown
from evidence.scanning.sizes import GIB, KIB, MIB, human_size

# Methods Python can read; anything else (Deflate64, PPMd...) cannot be checked or scanned.
READABLE_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
# How many problems are listed before "and N more": enough to act on, short enough to read.
MAX_LISTED_PROBLEMS = 10

_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")


@dataclass(frozen=True)
class ArchiveLimits:
    """Limits for zip files and OOXML documents; the defaults are the portal's policy."""

    max_entries: int = 10_000
    max_total_size: int = GIB
    # Compression ratio (uncompressed / compressed) allowed per entry. Office XML parts
    # usually compress 10 to 30 to 1, so 100 leaves headroom for repetitive spreadsheets.
    max_ratio: float = 100.0
    # Entries smaller than this are not judged on their ratio: a small file of spaces
    # compresses far beyond 100:1 yet cannot be a bomb; the total cap covers many of them.
    ratio_applies_above: int = MIB
    # 1: a zip inside the upload is opened and checked; a zip inside that is refused.
    max_depth: int = 1
    # The central directory is read into memory by `ZipFile`: cap it before that happens.
    max_directory_size: int = 16 * MIB
    # The most read from any single part whose content we parse ([Content_Types].xml...).
    max_small_part_size: int = MIB


DEFAULT_ARCHIVE_LIMITS = ArchiveLimits()


@dataclass(frozen=True)
class ArchiveVerdict:
    """Outcome of `check_archive`: `problems` are sentences a participant can act on."""

    problems: tuple[str, ...]
    entries: int
    total_size: int

    @property
    def accepted(self) -> bool:
        return not self.problems


class ArchiveRejected(Exception):
    """An archive broke a limit or could not be read; the message is the reason to show."""


def open_zip(
    source: Path | BinaryIO, *, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS
) -> zipfile.ZipFile:
    """Open a zip for reading after checking its entry count and directory size.

    `ZipFile()` reads the whole central directory into memory, one object per entry, so a
    file declaring millions of entries is refused from its end record first.
    """
    if isinstance(source, Path):
        with source.open("rb") as handle:
            entries, directory_size = _directory_summary(handle)
    else:
        entries, directory_size = _directory_summary(source)
        source.seek(0)
    if entries > limits.max_entries:
        raise ArchiveRejected(_too_many_entries(entries, limits))
    if directory_size > limits.max_directory_size:
        raise ArchiveRejected(
            f"The archive's table of contents is {human_size(directory_size)}; at most "
            f"{human_size(limits.max_directory_size)} is accepted."
        )
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise ArchiveRejected("The file is not a readable zip archive.") from exc
    if len(archive.infolist()) > limits.max_entries:
        count = len(archive.infolist())
        archive.close()
        raise ArchiveRejected(_too_many_entries(count, limits))
    return archive


def copy_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    target: BinaryIO,
    *,
    max_bytes: int,
    chunk_size: int = 64 * KIB,
) -> int:
    """Copy one entry into `target`, refusing to write more than `max_bytes`.

    The declared size is checked first, then the bytes that really come out are counted,
    so a header that understates the size cannot make us write more than the budget.
    """
    name = shown(info.filename)
    if info.file_size > max_bytes:
        raise ArchiveRejected(
            f"'{name}' is {human_size(info.file_size)}; at most {human_size(max_bytes)} is read."
        )
    copied = 0
    try:
        with archive.open(info) as source:
            while True:
                chunk = source.read(min(chunk_size, max_bytes - copied + 1))
                if not chunk:
                    break
                copied += len(chunk)
                if copied > max_bytes:
                    raise ArchiveRejected(
                        f"'{name}' holds more data than its header declares; it was not read."
                    )
                target.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise ArchiveRejected(
            f"'{name}' inside the archive is damaged and cannot be read."
        ) from exc
    return copied


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, max_bytes: int) -> bytes:
    """An entry's bytes, read with `copy_member`'s budget (for small parts only)."""
    with tempfile.SpooledTemporaryFile(max_size=max_bytes + 1) as buffer:
        copy_member(archive, info, buffer, max_bytes=max_bytes)
        buffer.seek(0)
        return buffer.read()


def check_archive(
    path: Path,
    *,
    limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
    member_extensions: Collection[str] | None = None,
) -> ArchiveVerdict:
    """Check a zip (or .docx/.xlsx) against `limits` without extracting it.

    First the listing of every entry, which needs no decompression: entry count, declared
    total size, per-entry compression ratio, unsafe paths, symbolic links, encryption and
    unreadable compression methods, and, for a plain zip given `member_extensions` (the
    portal's allow-list: an Office package's XML parts are not files anyone opens), the
    extension of every file in it, so that an installer or a web page cannot arrive inside
    a zip. Only when the listing is clean are entries peeked at (a few hundred bytes each)
    to find archives inside; a nested zip is copied to a temporary file within its declared
    size and checked the same way, one level deep.
    """
    allowed = None if member_extensions is None else frozenset(member_extensions)
    checker = _Checker(limits, allowed)
    try:
        with open_zip(path, limits=limits) as archive:
            checker.check(archive, depth=0, prefix="")
    except ArchiveRejected as exc:
        checker.problem(str(exc))
    return ArchiveVerdict(checker.listed(), checker.entries, checker.total_size)


@dataclass
class _Checker:
    limits: ArchiveLimits
    member_extensions: frozenset[str] | None = None
    entries: int = 0
    total_size: int = 0
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def listed(self) -> tuple[str, ...]:
        if len(self.problems) <= MAX_LISTED_PROBLEMS:
            return tuple(self.problems)
        more = len(self.problems) - MAX_LISTED_PROBLEMS
        return (*self.problems[:MAX_LISTED_PROBLEMS], f"... and {more:,} more problems.")

    def check(self, archive: zipfile.ZipFile, *, depth: int, prefix: str) -> None:
        self._check_listing(archive, prefix=prefix)
        if not self.problems:
            self._check_nested(archive, depth=depth, prefix=prefix)

    def _check_listing(self, archive: zipfile.ZipFile, *, prefix: str) -> None:
        limits = self.limits
        infos = archive.infolist()
        self.entries += len(infos)
        if self.entries > limits.max_entries:
            self.problem(_too_many_entries(self.entries, limits))
            return
        for info in infos:
            self.total_size += info.file_size
            path = prefix + info.filename  # shown() in messages only: most never need one
            if _escapes(info.filename):
                self.problem(f"'{shown(path)}' has a path that points outside the archive.")
            if stat.S_ISLNK(info.external_attr >> 16):
                self.problem(
                    f"'{shown(path)}' is a symbolic link; links are not accepted in an archive."
                )
            if info.flag_bits & 0x1:
                self.problem(
                    f"'{shown(path)}' is password-protected (encrypted), so it cannot be checked. "
                    "Upload it without a password."
                )
            elif info.compress_type not in READABLE_METHODS:
                self.problem(
                    f"'{shown(path)}' uses a compression method the portal cannot read. "
                    "Zip it again with standard (Deflate) compression."
                )
            if info.file_size > limits.ratio_applies_above and info.file_size > (
                limits.max_ratio * max(info.compress_size, 1)
            ):
                ratio = info.file_size / max(info.compress_size, 1)
                self.problem(
                    f"'{shown(path)}' is compressed {ratio:,.0f} to 1 (it would unpack to "
                    f"{human_size(info.file_size)}); more than {limits.max_ratio:,.0f} to 1 is "
                    "refused as a possible zip bomb."
                )
            if self.member_extensions is not None and not info.is_dir():
                self._check_extension(path)
        if self.total_size > limits.max_total_size:
            self.problem(
                f"The archive would unpack to {human_size(self.total_size)}; at most "
                f"{human_size(limits.max_total_size)} is accepted."
            )

    def _check_extension(self, path: str) -> None:
        # The name's last extension, as for an upload: what the participant's machine
        # opens it with once unpacked.
        extension = extension_of(path)
        if extension in self.member_extensions:
            return
        ending = f"ends .{extension}" if extension else "has no extension"
        self.problem(
            f"'{shown(path)}' in the archive {ending}; an archive may hold only files of the "
            f"types accepted as evidence ({_extensions_text(self.member_extensions)}). Remove "
            "it and zip the rest again."
        )

    def _check_nested(self, archive: zipfile.ZipFile, *, depth: int, prefix: str) -> None:
        for info in archive.infolist():
            if info.is_dir() or info.file_size == 0:
                continue
            try:
                head = _peek(archive, info)
            except ArchiveRejected as exc:
                self.problem(str(exc))
                continue
            kind = archive_format(head)
            if kind is None:
                continue
            name = shown(prefix + info.filename)
            if kind != "zip":
                self.problem(
                    f"'{name}' is a {kind} archive, which the portal cannot look inside. "
                    "Unpack it and include its files directly."
                )
            elif depth + 1 > self.limits.max_depth:
                self.problem(
                    f"'{name}' is an archive inside an archive inside the upload; only one "
                    "level of archives within archives is accepted."
                )
            else:
                self._check_inner_zip(archive, info, depth=depth + 1, prefix=f"{prefix}{name}/")
            if self.problems:
                return

    def _check_inner_zip(
        self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, depth: int, prefix: str
    ) -> None:
        with tempfile.SpooledTemporaryFile(max_size=8 * MIB) as spool:
            try:
                copy_member(archive, info, spool, max_bytes=info.file_size)
                with open_zip(spool, limits=self.limits) as inner:
                    self.check(inner, depth=depth, prefix=prefix)
            except ArchiveRejected as exc:
                self.problem(f"In '{prefix.rstrip('/')}': {exc}")


def archive_format(head: bytes) -> str | None:
    """The archive format that `head` (a file's first bytes) starts with, if any."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7-Zip"
    if head.startswith(b"Rar!\x1a\x07"):
        return "RAR"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head.startswith(b"BZh") and head[3:4].isdigit() and head[4:10] == b"1AY&SY":
        return "bzip2"
    if head.startswith(b"\x28\xb5\x2f\xfd"):
        return "Zstandard"
    if head.startswith(b"MSCF"):
        return "cabinet"
    if head[257:262] == b"ustar":
        return "tar"
    return None


def _peek(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int = 512) -> bytes:
    try:
        with archive.open(info) as source:
            return source.read(size)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise ArchiveRejected(
            f"'{shown(info.filename)}' inside the archive is damaged and cannot be read."
        ) from exc


def _escapes(filename: str) -> bool:
    """An absolute path, a drive letter or a `..` part: would land outside a target folder."""
    path = filename.replace("\\", "/")
    if path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        return True
    return ".." in path.split("/")


def _extensions_text(extensions: frozenset[str]) -> str:
    return ", ".join(f".{extension}" for extension in sorted(extensions))


def _too_many_entries(count: int, limits: ArchiveLimits) -> str:
    return f"The archive holds {count:,} entries; at most {limits.max_entries:,} are accepted."


def _directory_summary(handle: BinaryIO) -> tuple[int, int]:
    """Entry count and central directory size, from the end-of-central-directory record.

    Read from the last 64 KiB of the file (the record plus its longest comment) and, for
    ZIP64 files, from the ZIP64 record it points to; nothing else is parsed.
    """
    handle.seek(0, 2)
    file_size = handle.tell()
    tail_size = min(file_size, _EOCD.size + 0xFFFF)
    handle.seek(file_size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _EOCD.size:
        raise ArchiveRejected("The file is not a readable zip archive.")
    _, _, _, _, entries, directory_size, _, _ = _EOCD.unpack_from(tail, at)
    locator_at = at - _ZIP64_LOCATOR.size
    if (entries == 0xFFFF or directory_size == 0xFFFFFFFF) and locator_at >= 0:
        signature, _, record_offset, _ = _ZIP64_LOCATOR.unpack_from(tail, locator_at)
        if signature == b"PK\x06\x07" and record_offset < file_size:
            handle.seek(record_offset)
            record = handle.read(_ZIP64_EOCD.size)
            if len(record) == _ZIP64_EOCD.size and record.startswith(b"PK\x06\x06"):
                fields = _ZIP64_EOCD.unpack(record)
                entries, directory_size = fields[7], fields[8]
    return entries, directory_size
