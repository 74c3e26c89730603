"""A word-level diff for people to read: what was removed and what was added."""

from __future__ import annotations

import difflib


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """[(op, text)] with op one of equal, delete, insert."""
    old, new = before.split(), after.split()
    segments: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(("equal", " ".join(old[i1:i2])))
        if op in ("delete", "replace"):
            segments.append(("delete", " ".join(old[i1:i2])))
        if op in ("insert", "replace"):
            segments.append(("insert", " ".join(new[j1:j2])))
    return segments
