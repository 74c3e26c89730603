"""Every e-mail the portal sends is drawn from its text and HTML templates, names the portal,
links to the exact page and reads as written (no HTML escapes in the text)."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from qualification.emails import email_render, email_send

CONTEXTS = {
    "submitted": {
        "organisation": "O'Brien Energy Ltd",
        "stage": "Initial QAD",
        "number": 2,
        "submitted_at": dt.datetime(2026, 12, 31, 17, 45),
        "content_hash": "ab" * 32,
    },
    "clarification_answered": {"organisation": "O'Brien Energy Ltd", "stage": "Initial QAD"},
    "ready_to_sign": {},
    "approved": {
        "approver": "BSC PAB",
        "outcome": "Approved with conditions",
        "role": "Supplier",
        "mpid": "OBEL",
        "conditions": "Close DEF-1 by 31 Jan 2027",
        "reason": "",
    },
    "assigned": {"code_body": "BSC", "organisation": "O'Brien Energy Ltd", "stage": "Final QAD"},
    "clarification_requested": {
        "code_body": "REC",
        "code_body_name": "Retail Energy Code",
        "stage": "Initial QAD",
    },
    "invitation": {
        "invited_by": "Olivia Hart",
        "where": "O'Brien Energy Ltd",
        "expires_at": dt.datetime(2026, 12, 31, 9, 0),
    },
}


def test_every_e_mail_has_a_context_here():
    names = {
        path.name.removesuffix(".html")
        for path in (Path(settings.BASE_DIR) / "templates" / "email").glob("*.html")
    }
    assert names - {"base"} == set(CONTEXTS)


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_each_e_mail_renders_with_its_link_in_text_and_html(name, settings):
    settings.PORTAL_URL = "https://qad.example.org"
    link = "https://qad.example.org/some/exact/page/"

    subject, text, html = email_render(name, {**CONTEXTS[name], "link": link})

    assert subject and "\n" not in subject and "&#x27;" not in subject
    assert link in text and f'href="{link}"' in html
    assert "&#x27;" not in text and "&amp;" not in text, "the text part is plain text"
    assert "QAD Portal" in html and "https://qad.example.org" in html
    if "O'Brien" in str(CONTEXTS[name]):
        assert "O'Brien" in text and "O&#x27;Brien" in html


def test_an_e_mail_is_sent_with_both_parts_and_the_reply_to_address(settings):
    settings.EMAIL_REPLY_TO = "helpdesk@example.org"

    email_send("ready_to_sign", {"link": "https://x/sign/"}, ["b@x.org", "a@x.org", "a@x.org"])

    [message] = mail.outbox
    assert message.to == ["a@x.org", "b@x.org"] and message.reply_to == ["helpdesk@example.org"]
    assert message.alternatives[0][1] == "text/html"
    assert message.subject == "Your Final QAD is agreed complete: ready to sign"
