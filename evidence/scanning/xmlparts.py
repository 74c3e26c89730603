"""Reading XML parts of Office documents safely.

Office XML never needs a DTD, so any part declaring one is refused: that rules out entity
expansion attacks (billion laughs) and external entities whatever the parser does. Parts are
read through the archive byte budget, and big parts are parsed as a stream of events with
finished elements dropped, so memory stays flat however long the document is.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from xml.etree import ElementTree

from evidence.scanning.archives import ArchiveRejected, read_member
from evidence.scanning.names import shown
from evidence.scanning.sizes import KIB

_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")


class UnsafeXml(ArchiveRejected):
    """An XML part declares a DTD or entities, or is not well-formed."""


def local_name(tag: str) -> str:
    """`{namespace}p` -> `p`: transitional and strict OOXML use different namespaces."""
    return tag.rpartition("}")[2]


def parse_part(archive: zipfile.ZipFile, name: str, *, max_bytes: int) -> ElementTree.Element:
    """Parse a small part (content types, relationships) read within `max_bytes`."""
    data = read_member(archive, archive.getinfo(name), max_bytes=max_bytes)
    if any(marker in data for marker in _FORBIDDEN):
        raise UnsafeXml(f"'{shown(name)}' declares a DTD, which Office documents never need.")
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise UnsafeXml(f"'{shown(name)}' is not well-formed XML.") from exc


def iter_part(
    archive: zipfile.ZipFile, name: str, *, max_bytes: int, chunk_size: int = 64 * KIB
) -> Iterator[tuple[str, ElementTree.Element]]:
    """Stream ("start" | "end", element) events of one part, reading at most `max_bytes`.

    Each element is detached from its parent once its "end" event has been handled, so a
    million paragraphs never sit in memory: read what you need from an element (its text)
    on its own "end" event, not from its parent's.
    """
    parser = ElementTree.XMLPullParser(events=("start", "end"))
    stack: list[ElementTree.Element] = []
    read = 0
    tail = b""
    try:
        with archive.open(name) as source:
            while chunk := source.read(chunk_size):
                read += len(chunk)
                if read > max_bytes:
                    raise ArchiveRejected(
                        f"'{shown(name)}' is larger than the {max_bytes:,} bytes read from it."
                    )
                # Markers split across two chunks are still seen.
                window = tail + chunk
                if any(marker in window for marker in _FORBIDDEN):
                    raise UnsafeXml(
                        f"'{shown(name)}' declares a DTD, which Office documents never need."
                    )
                tail = chunk[-16:]
                parser.feed(chunk)
                yield from _drain(parser, stack)
            parser.close()
            yield from _drain(parser, stack)
    except ElementTree.ParseError as exc:
        raise UnsafeXml(f"'{shown(name)}' is not well-formed XML.") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise ArchiveRejected(f"'{shown(name)}' in the file is damaged.") from exc


def _drain(
    parser: ElementTree.XMLPullParser, stack: list[ElementTree.Element]
) -> Iterator[tuple[str, ElementTree.Element]]:
    for event, element in parser.read_events():
        if event == "start":
            stack.append(element)
            yield event, element
        else:
            yield event, element
            stack.pop()
            if stack:
                stack[-1].remove(element)
