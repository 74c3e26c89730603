"""Is a file plain text, and in which encoding?

CSV exports and logs from participants' tools come as UTF-8 (Excel's "CSV UTF-8" adds a
byte-order mark) or as Windows-1252 (Excel's plain "CSV", older Windows tools). Anything
with NUL bytes is binary or UTF-16, which we ask people to re-save. The whole file is read
in chunks, so memory stays flat.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from evidence.scanning.sizes import MIB

UTF8 = "utf-8-sig"  # reads plain UTF-8 too; drops a leading byte-order mark
WINDOWS_1252 = "cp1252"


@dataclass(frozen=True)
class TextEncoding:
    """`encoding` is a Python codec name, or None with `problem` saying why it is not text."""

    encoding: str | None
    problem: str = ""

    @property
    def charset(self) -> str:
        """The name for a Content-Type header."""
        return {UTF8: "utf-8", WINDOWS_1252: "windows-1252"}.get(self.encoding or "", "")


def text_encoding(path: Path, *, chunk_size: int = MIB) -> TextEncoding:
    """UTF-8 if the whole file decodes as UTF-8, else Windows-1252 if it decodes as that,
    else no encoding. A NUL byte anywhere means it is not text."""
    utf8 = codecs.getincrementaldecoder(UTF8)()
    windows = codecs.getincrementaldecoder(WINDOWS_1252)()
    utf8_ok = windows_ok = True
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            if b"\0" in chunk:
                return TextEncoding(
                    None,
                    "it contains NUL bytes, as binary files and UTF-16 text do "
                    "(save it as UTF-8 text)",
                )
            utf8_ok = utf8_ok and _decodes(utf8, chunk)
            windows_ok = windows_ok and _decodes(windows, chunk)
            if not (utf8_ok or windows_ok):
                break
    utf8_ok = utf8_ok and _decodes(utf8, b"", final=True)
    if utf8_ok:
        return TextEncoding(UTF8)
    if windows_ok:
        return TextEncoding(WINDOWS_1252)
    return TextEncoding(None, "its text is neither UTF-8 nor Windows-1252 (save it as UTF-8)")


def _decodes(decoder: codecs.IncrementalDecoder, data: bytes, *, final: bool = False) -> bool:
    try:
        decoder.decode(data, final)
    except UnicodeDecodeError:
        return False
    return True
