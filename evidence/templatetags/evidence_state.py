"""A file's state line, drawn in Python: the register, a review and an evidence panel show
one per file, dozens to a page, and through a template each cost more than the rest of its
row."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.template.defaultfilters import filesizeformat
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from evidence.enums import MalwareState, ScanState
from qualification.url_patterns import reverse_each

register = template.Library()


@register.simple_tag
def evidence_state(item, *, for_assessor: bool = False, offer_download: bool = False) -> SafeString:
    """The state badge of `item` (an EvidenceItem with its stored file), what the participant
    should do about it (not for assessors), and a download link when `offer_download`. A file
    being checked polls for its new state."""
    state = item.state
    polling = (
        format_html(
            ' hx-get="{}" hx-trigger="every 3s" hx-swap="outerHTML"',
            reverse("evidence-state", args=[item.public_id]),
        )
        if state == ScanState.PENDING
        else ""
    )
    unscanned = (
        format_html(
            ' <span class="small text-body-secondary">({})</span>',
            _("no malware scanner is configured"),
        )
        if item.stored_file.malware_state == MalwareState.NOT_SCANNED
        and state not in (ScanState.PENDING, ScanState.REJECTED)
        else ""
    )
    advice = "" if for_assessor else item.state_advice
    return format_html(
        '<span class="evidence-state-line"{}><span class="badge evidence-state evidence-{}">{}'
        "</span>{}{}{}</span>",
        polling,
        state,
        item.state_label,
        unscanned,
        format_html('<span class="d-block small">{}</span>', advice) if advice else "",
        format_html(
            ' <a class="small" href="{}">{}</a>',
            download_url(item),
            _("Download"),
        )
        if offer_download
        else mark_safe(""),
    )


@lru_cache(maxsize=8)
def _download_link(script_prefix: str):
    return reverse_each("evidence-download", "public_id")


def download_url(item) -> str:
    """The download address of `item`, its URL pattern resolved once per process."""
    return _download_link(get_script_prefix())(item.public_id)


@register.simple_tag
def assessed_file(link, *, download_label: str, relied_on_label: str) -> SafeString:
    """One file of an answer on the review screen: its title (opened in the browser when it
    may be served, with a download link beside it), size and state, and whether the
    participant relies on it from elsewhere."""
    item = link.item
    stored = item.stored_file
    if stored.downloadable:
        url = download_url(item)
        title = format_html(
            '<a href="{}?inline=1">{}</a> · <a href="{}">{}</a>',
            url,
            item.title,
            url,
            download_label,
        )
    else:
        title = item.title
    return format_html(
        "{} · {} · {}{}",
        title,
        filesizeformat(stored.size),
        evidence_state(item, for_assessor=True),
        format_html(' <span class="badge text-bg-info">{}</span>', relied_on_label)
        if link.relied_on
        else "",
    )
