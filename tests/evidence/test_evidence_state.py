"""A file's state line and a review's file line, as the register, an evidence panel and the
review screen draw them."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from evidence.enums import MalwareState, ScanState
from evidence.models import EvidenceItem, EvidenceLink, StoredFile
from evidence.templatetags.evidence_state import assessed_file, evidence_state


def _item(scan_state=ScanState.CLEAN, malware_state=MalwareState.CLEAN, **fields) -> EvidenceItem:
    stored = StoredFile(
        sha256="0" * 64, size=2048, scan_state=scan_state, malware_state=malware_state
    )
    return EvidenceItem(
        public_id=uuid.uuid4(), title=fields.pop("title", "Test plan"), stored_file=stored, **fields
    )


def test_a_file_being_checked_polls_for_its_new_state():
    item = _item(ScanState.PENDING)
    line = evidence_state(item)
    assert f'hx-get="{reverse("evidence-state", args=[item.public_id])}"' in line
    assert 'hx-trigger="every 3s"' in line
    assert "evidence-pending" in line
    assert "hx-get" not in evidence_state(_item())


def test_the_participant_is_told_what_to_do_and_the_assessor_is_not():
    item = _item(ScanState.NEEDS_ATTENTION)
    assert "Say why the personal data is needed" in evidence_state(item)
    assert "Say why the personal data is needed" not in evidence_state(item, for_assessor=True)


@pytest.mark.parametrize(
    ("scan_state", "noted"),
    [(ScanState.CLEAN, True), (ScanState.PENDING, False), (ScanState.REJECTED, False)],
)
def test_a_file_not_scanned_for_malware_says_so_once_its_checks_are_done(scan_state, noted):
    line = evidence_state(_item(scan_state, MalwareState.NOT_SCANNED))
    assert ("no malware scanner is configured" in line) is noted


def test_a_justified_file_counts_as_clean():
    line = evidence_state(_item(ScanState.NEEDS_ATTENTION, findings_justification="Test data"))
    assert "evidence-clean" in line
    assert "personal data findings justified" in line


def test_the_download_link_comes_only_when_offered():
    item = _item()
    download = reverse("evidence-download", args=[item.public_id])
    assert f'href="{download}"' in evidence_state(item, offer_download=True)
    assert "href" not in evidence_state(item)


def test_a_review_names_a_file_with_its_links_size_and_state_escaped():
    item = _item(title="<b>Plan</b> & results")
    line = assessed_file(
        EvidenceLink(item=item, relied_on=True),
        download_label="download",
        relied_on_label="Relied on",
    )
    download = reverse("evidence-download", args=[item.public_id])
    assert f'<a href="{download}?inline=1">&lt;b&gt;Plan&lt;/b&gt; &amp; results</a>' in line
    assert f'<a href="{download}">download</a>' in line
    assert "2.0\xa0KB" in line
    assert "Relied on" in line
    assert "Say why" not in line


def test_a_review_names_a_file_that_may_not_be_served_without_a_link():
    item = _item(ScanState.PENDING, title="Logs")
    line = assessed_file(
        EvidenceLink(item=item, relied_on=False), download_label="download", relied_on_label="R"
    )
    assert line.startswith("Logs · ")
    assert "download" not in line
    assert "Relied on" not in line


@pytest.mark.parametrize(
    ("scan_state", "file_fields", "justification"),
    [
        (ScanState.CLEAN, {}, ""),
        (ScanState.PENDING, {}, ""),
        (ScanState.REJECTED, {"reasons": ["Malware found"]}, ""),
        (ScanState.REJECTED, {"reasons": [], "personal_data_notes": ["Not read"]}, ""),
        (ScanState.NEEDS_ATTENTION, {"findings_total": 1, "findings": []}, ""),
        (ScanState.NEEDS_ATTENTION, {"findings_total": 1, "findings": []}, "Test data"),
        (ScanState.CLEAN, {"personal_data_notes": ["Page 3 is an image"]}, ""),
    ],
)
def test_a_file_has_details_exactly_when_its_details_say_something(
    scan_state, file_fields, justification
):
    from django.template.loader import render_to_string

    item = _item(scan_state, findings_justification=justification)
    for name, value in file_fields.items():
        setattr(item.stored_file, name, value)

    drawn = render_to_string("evidence/partials/item_details.html", {"item": item}).strip()

    assert item.has_details is bool(drawn)
