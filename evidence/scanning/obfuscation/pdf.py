"""Text out of PDF pages, located by page number.

pypdf is pure Python and caps how much a compressed stream may inflate to, so a PDF built
to explode in memory fails with an error here rather than stalling the worker. Pages past
`max_pages` are not read; encrypted PDFs are read only if they open without a password
(as PDFs that merely restrict printing do).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

from evidence.scanning.obfuscation.records import Cell, Record

logger = logging.getLogger(__name__)


def pdf_records(path: Path, *, max_pages: int, note: Callable[[str], None]) -> Iterator[Record]:
    """One record per line of extracted text, located as `page N`."""
    from pypdf import PdfReader  # loaded by the scanning worker only, not by every web process

    reader = PdfReader(path, strict=False)
    if reader.is_encrypted and not _opens_without_password(reader):
        note("The PDF is password-protected, so its text could not be checked.")
        return
    total = len(reader.pages)
    for index in range(min(total, max_pages)):
        try:
            text = reader.pages[index].extract_text() or ""
        except Exception:  # pypdf raises many kinds of error on damaged pages
            logger.warning(
                "could not extract text from page %d of %s", index + 1, path, exc_info=True
            )
            note(f"The text of page {index + 1} could not be read, so it was not checked.")
            continue
        for line in text.splitlines():
            if line.strip():
                yield Record((Cell(f"page {index + 1}", line),))
    if total > max_pages:
        note(f"Only the first {max_pages:,} of {total:,} pages were checked.")


def _opens_without_password(reader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:  # an unsupported encryption method, a damaged encryption dictionary
        logger.warning("could not open an encrypted PDF", exc_info=True)
        return False
