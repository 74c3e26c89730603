"""Evidence files built at run time: real PDF, Word, Excel, CSV and images, and hostile ones.

Nothing here is committed as a binary; in particular the EICAR test file is assembled from
two halves, so that this source file is not itself flagged by a virus scanner.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import docx
import openpyxl
from PIL import Image

ROOT = Path(__file__).resolve().parents[3]
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR" + b"-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

# The first 12 digits of real-looking MPAN cores; `valid_mpan` adds the check digit.
MPAN_STEMS = ("131500116512", "200012345678", "231234567890")


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def make_pdf(path: Path, pages: Sequence[str]) -> Path:
    """A real PDF with one page per entry of `pages` (HTML), rendered by WeasyPrint."""
    from weasyprint import HTML

    body = "".join(
        f'<section style="break-before: page">{page}</section>'
        if index
        else f"<section>{page}</section>"
        for index, page in enumerate(pages)
    )
    HTML(string=f"<html><body>{body}</body></html>").write_pdf(path)
    return path


def make_docx(
    path: Path, paragraphs: Iterable[str] = (), tables: Iterable[Sequence[Sequence[str]]] = ()
) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    for rows in tables:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for row_index, row in enumerate(rows):
            for column_index, text in enumerate(row):
                table.cell(row_index, column_index).text = text
    document.save(path)
    return path


def make_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    workbook.save(path)
    return path


def make_image(path: Path, image_format: str, size: tuple[int, int] = (64, 48)) -> Path:
    Image.new("RGB", size, (30, 120, 200)).save(path, format=image_format)
    return path


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG declaring width x height pixels in a few dozen bytes: IHDR, an empty IDAT, IEND.
    Pillow can read its size; decoding it would need width * height * 3 bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
    data += chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    return write(path, data)


def make_zip(path: Path, members: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb(path: Path, *, size: int = 10 * 1024 * 1024) -> Path:
    """`size` bytes of zeros, deflated to about a thousandth of that."""
    block = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("zeros.bin", "w") as member,
    ):
        for _ in range(size // len(block)):
            member.write(block)
    return path


def zip_with_entries(path: Path, count: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for number in range(count):
            archive.writestr(f"entries/{number:05}.txt", b"x")
    return path


def add_entries(path: Path, count: int, *, folder: str = "customXml/extra") -> Path:
    """Append `count` tiny entries to an existing zip (a .docx, say)."""
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as archive:
        for number in range(count):
            archive.writestr(f"{folder}/item{number:05}.xml", b"<a/>")
    return path


def rewrite_member(path: Path, name: str, data: bytes) -> Path:
    """Replace one entry of a zip (for tampering with an Office package's parts)."""
    with zipfile.ZipFile(path) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    members[name] = data
    return make_zip(path, members)


def pe_executable() -> bytes:
    """The start of a Windows PE file: an MZ header pointing at a PE header for i386."""
    dos_header = b"MZ" + bytes(58) + struct.pack("<I", 64)
    pe_header = b"PE\0\0" + struct.pack("<HHIIIHH", 0x14C, 1, 0, 0, 0, 0xE0, 0x102)
    return dos_header + pe_header + bytes(512)


def valid_mpan(stem: str) -> str:
    from evidence.scanning.mpan import mpan_check_digit

    return stem + str(mpan_check_digit(stem))


def invalid_mpan(stem: str) -> str:
    from evidence.scanning.mpan import mpan_check_digit

    return stem + str((mpan_check_digit(stem) + 1) % 10)
