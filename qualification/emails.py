"""Every e-mail the portal sends, drawn from a text and an HTML template under
`templates/email/` (`<name>_subject.txt`, `<name>.txt`, `<name>.html`), each naming the
portal and linking to the exact page where the person acts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def portal_link(path: str) -> str:
    """The absolute address of a page of the portal, from its configured public address."""
    return settings.PORTAL_URL.rstrip("/") + path


def email_render(name: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, HTML) of the e-mail `name` with `context`."""
    context = {"portal_url": settings.PORTAL_URL.rstrip("/"), **context}
    subject = " ".join(render_to_string(f"email/{name}_subject.txt", context).split())
    return (
        subject,
        render_to_string(f"email/{name}.txt", context),
        render_to_string(f"email/{name}.html", {**context, "subject": subject}),
    )


def email_send(name: str, context: dict[str, Any], recipients: list[str]) -> int:
    """Send the e-mail `name` to each recipient once (none: nothing is sent)."""
    recipients = sorted(set(recipients))
    if not recipients:
        return 0
    subject, text, html = email_render(name, context)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        recipients,
        reply_to=[settings.EMAIL_REPLY_TO] if settings.EMAIL_REPLY_TO else None,
    )
    message.attach_alternative(html, "text/html")
    return message.send()
