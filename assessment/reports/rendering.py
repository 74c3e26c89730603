"""HTML to PDF with WeasyPrint: tagged (PDF/UA-1), fetching nothing but our own static files.

WeasyPrint fetches every URL a document names, `file://` included. Participant answers are
escaped by the templates, so they never become markup; the fetcher below is the second wall:
it serves files found among our static files and refuses everything else (other files on
this machine, the network, cloud metadata addresses, `data:` URLs).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import mimetypes
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

logger = logging.getLogger(__name__)

# The address report HTML is rendered at. `.invalid` never resolves (RFC 6761); URLs on it
# are mapped to static files here and never leave the process.
REPORT_HOST = "qad-portal.invalid"
REPORT_ORIGIN = f"https://{REPORT_HOST}"
PDF_VARIANT = "pdf/ua-1"

# What a report may load: stylesheets, fonts and raster images. No SVG (it can name URLs
# of its own) and nothing executable.
SERVED_TYPES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


def static_prefix() -> str:
    """The path static files are served under, e.g. '/static/'."""
    path = urlsplit(settings.STATIC_URL).path
    return "/" + path.strip("/") + "/"


def base_url() -> str:
    """Where relative names in report HTML resolve: among our static files."""
    return REPORT_ORIGIN + static_prefix()


@functools.lru_cache(maxsize=1)
def _static_roots() -> tuple[Path, ...]:
    roots = [Path(settings.STATIC_ROOT)]
    for finder in finders.get_finders():
        for _prefix, root in getattr(finder, "locations", []):
            roots.append(Path(root))
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location))
    return tuple(root.resolve() for root in roots)


def static_file_for(url: str) -> Path | None:
    """The static file `url` names on the report origin, or None if it names anything else."""
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.netloc != REPORT_HOST:
        return None
    path = unquote(parts.path)
    prefix = static_prefix()
    if not path.startswith(prefix):
        return None
    relative = path[len(prefix) :]
    segments = relative.split("/")
    if not relative or "\\" in relative or "\x00" in relative:
        return None
    if any(segment in ("", ".", "..") for segment in segments):
        return None
    if PurePosixPath(relative).suffix.lower() not in SERVED_TYPES:
        return None
    candidates = [finders.find(relative), Path(settings.STATIC_ROOT) / relative]
    roots = _static_roots()
    for candidate in candidates:
        if not candidate:
            continue
        real = Path(candidate).resolve()
        if real.is_file() and any(real.is_relative_to(root) for root in roots):
            return real
    return None


class FetchRefused(ValueError):
    """A report named a URL that is not one of our static files."""


def _weasyprint():
    # Imported on first use: WeasyPrint loads Pango and fontconfig, which the web process
    # does not need unless it renders (eagerly, with no broker).
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    return weasyprint, FontConfiguration, URLFetcher, URLFetcherResponse


def static_only_fetcher():
    """A WeasyPrint URL fetcher that serves our static files and refuses every other URL.

    It records what it served and what it refused (`served`, `refused`).
    """
    _, _, URLFetcher, URLFetcherResponse = _weasyprint()

    class StaticOnlyFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(timeout=1, allowed_protocols=("https",), allow_redirects=False)
            self.served: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            path = static_file_for(url)
            if path is None:
                self.refused.append(url)
                logger.warning("A report named %r; only our static files are served", url[:200])
                raise FetchRefused(f"not one of the portal's static files: {url[:200]}")
            self.served.append(url)
            content_type = SERVED_TYPES.get(path.suffix.lower()) or (
                mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            )
            if content_type == "text/css":
                content_type += "; charset=utf-8"
            return URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticOnlyFetcher()


@functools.lru_cache(maxsize=1)
def font_config():
    """One font configuration per process, shared by every render: fontconfig's font list
    and Pango's caches are built once. Reports use DejaVu (Debian's fonts-dejavu-core,
    installed by scripts/system-deps.sh and the Dockerfile)."""
    _, FontConfiguration, _, _ = _weasyprint()
    return FontConfiguration()


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    sha256: str
    page_count: int
    layout_seconds: float  # WeasyPrint: parse, cascade, lay out the pages
    write_seconds: float  # WeasyPrint: write the PDF (fonts, tags)
    served: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def weasyprint_seconds(self) -> float:
        return self.layout_seconds + self.write_seconds

    @property
    def size(self) -> int:
        return len(self.content)


def render_pdf(html: str) -> RenderedPdf:
    """Lay out report HTML and write it as a tagged PDF (PDF/UA-1).

    The HTML must have `<html lang>` and a `<title>`: they become the PDF's language and
    title, which screen readers announce.
    """
    weasyprint, _, _, _ = _weasyprint()
    fetcher = static_only_fetcher()
    fonts = font_config()
    started = time.perf_counter()
    document = weasyprint.HTML(string=html, base_url=base_url(), url_fetcher=fetcher).render(
        font_config=fonts, pdf_variant=PDF_VARIANT
    )
    laid_out = time.perf_counter()
    content = document.write_pdf(pdf_variant=PDF_VARIANT)
    written = time.perf_counter()
    return RenderedPdf(
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        page_count=len(document.pages),
        layout_seconds=laid_out - started,
        write_seconds=written - laid_out,
        served=list(fetcher.served),
        refused=list(fetcher.refused),
    )
