"""Safe display names and extensions for uploaded files.

The name a browser sends is typed by the participant (or by an attacker): it can hold path
parts (`../../etc/passwd`), NUL bytes (`x.pdf\\x00.exe`), control characters, right-to-left
overrides that make `exe.pdf` read as `fdp.exe`, and thousands of characters. The portal
never uses it as a storage path (files are stored under generated keys); it keeps it only
as a label to show, and judges the type by the last extension of the cleaned name plus
the content.
"""

from __future__ import annotations

import unicodedata

MAX_DISPLAY_NAME_LENGTH = 150
UNNAMED = "unnamed file"


def safe_display_name(original_name: str, *, max_length: int = MAX_DISPLAY_NAME_LENGTH) -> str:
    """The original file name, cleaned so it can be stored and shown safely.

    Drops any directory part (forward or back slashes), NULs, control and format
    characters (including bidirectional overrides), collapses whitespace, and shortens
    long names while keeping the extension. Never returns an empty string.
    """
    name = unicodedata.normalize("NFC", original_name)
    name = "".join(
        " " if ch.isspace() else ch
        for ch in name
        if ch.isspace() or unicodedata.category(ch) not in {"Cc", "Cf"}
    )
    # Only the last path part: `../../x.pdf` and `C:\\Users\\x.pdf` both become `x.pdf`.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(name.split()).strip(" .")
    if not name:
        return UNNAMED
    if len(name) > max_length:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) <= 10:
            keep = max_length - len(extension) - 2
            name = f"{stem[:keep].rstrip()}\u2026.{extension}"
        else:
            name = name[: max_length - 1].rstrip() + "\u2026"
    return name


def extension_of(original_name: str) -> str:
    """The last extension of the cleaned name, lower case and without the dot ('' if none).

    Only the last one counts: `evil.php.pdf` is a `.pdf` (and its content must then be a
    PDF), and `x.pdf\\x00.exe` is an `.exe`.
    """
    name = safe_display_name(original_name)
    if name == UNNAMED:
        return ""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return ""
    return extension.strip().lower()


def shown(name: str, *, max_length: int = 120) -> str:
    """A name from inside a file (a zip entry, a sheet) made safe to quote in a message.

    Unlike `safe_display_name` it keeps the folder part, which helps find the entry.
    """
    cleaned = "".join(
        "?" if unicodedata.category(ch) in {"Cc", "Cf"} else ch for ch in name
    ).replace("'", "\u2019")
    if len(cleaned) > max_length:
        cleaned = "\u2026" + cleaned[-(max_length - 1) :]
    return cleaned
