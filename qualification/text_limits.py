"""Text that does not fit is refused with a message, never cut: a person who pasted 10,000
characters must learn that the end did not fit, not find it gone later."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _


def text_within(value: str, *, limit: int, what: str) -> str:
    """`value` as given when it has at most `limit` characters; otherwise refused, saying
    how long it is (`what` names the field, e.g. "A title")."""
    if len(value) > limit:
        raise ValidationError(
            _(
                "%(what)s can be up to %(limit)s characters long; this one has %(n)s. "
                "Shorten it: nothing was saved."
            )
            % {
                "what": what,
                "limit": number_format(limit, force_grouping=True),
                "n": number_format(len(value), force_grouping=True),
            }
        )
    return value
