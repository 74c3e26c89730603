"""The files attached to a revision's answers, as the QAD reads them.

Files and their links to questions belong to the evidence app, which sits above this one and
so may not be imported here. What the QAD must know of them (which evidence types each
question has, which files stand in the way of submitting, what a revision's fingerprint
covers) it asks of the `Attachments` the evidence app registers when it starts
(EvidenceConfig.ready). Changes go the other way, as events (qad.signals).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from qad.models import Revision


class Attachments(Protocol):
    def evidence_types(
        self, revision: Revision, *, question_id: int | None = None
    ) -> dict[int, set[str]]:
        """{question id: the evidence type codes attached to it}, for every question or the
        one given; a rejected file counts for nothing."""

    def problems(self, revision: Revision) -> dict[int, list[str]]:
        """{question id: what is wrong with its files}, for the files that stand in the way
        of submitting (still being checked, rejected, personal data not dealt with)."""

    def fingerprint(self, revision: Revision) -> dict[str, list[dict]]:
        """{question ref: each attached file's SHA-256, title and whether it is relied on},
        in an order that does not depend on the database."""


_registered: Attachments | None = None


def attachments_register(attachments: Attachments) -> None:
    global _registered
    _registered = attachments


def attachments() -> Attachments:
    if _registered is None:
        raise ImproperlyConfigured(
            "No reader of a revision's attached files is registered: the evidence app must "
            "be in INSTALLED_APPS."
        )
    return _registered
