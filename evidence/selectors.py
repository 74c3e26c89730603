"""Reads about the evidence attached to a revision."""

from __future__ import annotations


def attached_evidence_types(revision) -> dict[int, set[str]]:
    """{question id: evidence type codes attached to it} for a revision.

    No evidence can be attached to a revision yet, so every expected evidence type is
    still missing.
    """
    return {}
