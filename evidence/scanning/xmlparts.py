"""Reading XML parts of Office documents safely.

Office XML never needs a DTD, so any part declaring one is refused: that rules out entity
expansion attacks (billion laughs) and external entities. The refusal is the parser's
(defusedxml), so it holds whatever the part's encoding (a byte search for "<!DOCTYPE" misses
it in UTF-16). Parts are read through the archive byte budget, and big parts are parsed as a
stream of events with finished elements dropped, so memory stays flat however long the
document is.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as defused

from evidence.scanning.archives import ArchiveRejected, read_member
from evidence.scanning.names import shown
from evidence.scanning.sizes import KIB


class UnsafeXml(ArchiveRejected):
    """An XML part declares a DTD or entities, or is not well-formed."""


def _declares_dtd(name: str) -> UnsafeXml:
    return UnsafeXml(f"'{shown(name)}' declares a DTD, which Office documents never need.")


def local_name(tag: str) -> str:
    """`{namespace}p` -> `p`: transitional and strict OOXML use different namespaces."""
    return tag.rpartition("}")[2]


def parse_part(archive: zipfile.ZipFile, name: str, *, max_bytes: int) -> ElementTree.Element:
    """Parse a small part (content types, relationships) read within `max_bytes`."""
    data = read_member(archive, archive.getinfo(name), max_bytes=max_bytes)
    try:
        return defused.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise _declares_dtd(name) from exc
    except ElementTree.ParseError as exc:
        raise UnsafeXml(f"'{shown(name)}' is not well-formed XML.") from exc


class _Budgeted(io.RawIOBase):
    """A part's stream that refuses to give more than `max_bytes`."""

    def __init__(self, source, name: str, max_bytes: int):
        self.source, self.name, self.left = source, name, max_bytes
        self.max_bytes = max_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self.source.read(len(buffer))
        self.left -= len(chunk)
        if self.left < 0:
            raise ArchiveRejected(
                f"'{shown(self.name)}' is larger than the {self.max_bytes:,} bytes read from it."
            )
        buffer[: len(chunk)] = chunk
        return len(chunk)


def iter_part(
    archive: zipfile.ZipFile, name: str, *, max_bytes: int, chunk_size: int = 64 * KIB
) -> Iterator[tuple[str, ElementTree.Element]]:
    """Stream ("start" | "end", element) events of one part, reading at most `max_bytes`.

    Each element is detached from its parent once its "end" event has been handled, so a
    million paragraphs never sit in memory: read what you need from an element (its text)
    on its own "end" event, not from its parent's.
    """
    stack: list[ElementTree.Element] = []
    try:
        with archive.open(name) as source:
            stream = io.BufferedReader(_Budgeted(source, name, max_bytes), chunk_size)
            for event, element in defused.iterparse(
                stream, events=("start", "end"), forbid_dtd=True
            ):
                if event == "start":
                    stack.append(element)
                    yield event, element
                else:
                    yield event, element
                    stack.pop()
                    if stack:
                        stack[-1].remove(element)
    except DefusedXmlException as exc:
        raise _declares_dtd(name) from exc
    except ElementTree.ParseError as exc:
        raise UnsafeXml(f"'{shown(name)}' is not well-formed XML.") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise ArchiveRejected(f"'{shown(name)}' in the file is damaged.") from exc
