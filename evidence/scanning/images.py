"""Image dimensions: refuse decompression bombs before any pixel is decoded.

A PNG of a few kilobytes can declare 20,000 x 20,000 pixels, which takes 1.2 GB to decode.
`Image.open` reads only the header, so the size is known before decoding; we refuse images
over `max_pixels` there. Pillow's own `DecompressionBombWarning` (over about 89 million
pixels) is raised as an error too, as ASVS 5.2.6 asks, in case a caller raises our limit.
"""

from __future__ import annotations

import struct
import warnings
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_PIXELS = 50_000_000
PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}


@dataclass(frozen=True)
class ImageVerdict:
    """Width and height are 0 when the header could not be read."""

    accepted: bool
    width: int
    height: int
    reason: str = ""


def check_image(
    path: Path, *, content_type: str, max_pixels: int = DEFAULT_MAX_PIXELS
) -> ImageVerdict:
    """Check an image's declared size against `max_pixels` and its structure, without
    decoding its pixels. `content_type` ('image/png' or 'image/jpeg', from `sniff_type`)
    makes Pillow read it only as that format."""
    from PIL import Image, UnidentifiedImageError  # loaded with the first image checked

    formats = [PILLOW_FORMATS[content_type]] if content_type in PILLOW_FORMATS else None
    too_big = f"has more than {max_pixels:,} pixels; make it smaller and upload it again."
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path, formats=formats) as image:
                width, height = image.size
                if width * height > max_pixels:
                    return ImageVerdict(
                        False,
                        width,
                        height,
                        f"The image is {width:,} x {height:,} pixels and {too_big}",
                    )
                # Walks the file's structure (chunks and checksums for PNG); decodes nothing.
                image.verify()
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            return ImageVerdict(False, 0, 0, f"The image {too_big}")
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error):
            return ImageVerdict(False, 0, 0, "The image is damaged and cannot be read.")
    return ImageVerdict(True, width, height)
