"""Links to the pages of a submission, made by the pages of several apps."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode

from qad.models import Section, Submission


def section_url(
    submission: Submission, section: Section, anchor: str = "", *, evidence: str = ""
) -> str:
    """The section's page; `evidence`: with that question's evidence panel open."""
    url = reverse(
        "submission-section",
        kwargs={"public_id": submission.public_id, "section_ref": section.ref},
    )
    if evidence:
        url = f"{url}?{urlencode({'evidence': evidence})}"
    return f"{url}#{anchor}" if anchor else url
