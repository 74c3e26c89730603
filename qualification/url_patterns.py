"""Links made by the dozen on one page (a row's link, a question's autosave address): the URL
pattern is resolved once and each link filled in, rather than one `reverse` per row."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from urllib.parse import quote

from django.urls import NoReverseMatch, reverse
from django.utils.http import RFC3986_SUBDELIMS

# Stand in for the argument that changes: text that cannot occur elsewhere in the path.
_TEXT = "0slot0"
_UUID = uuid.UUID(int=0)


def reverse_each(name: str, slot: str, **kwargs) -> Callable[[object], str]:
    """`reverse(name, kwargs={**kwargs, slot: value})` for many values of `slot`. A UUID slot
    (a `<uuid:…>` converter) takes UUIDs; any other, text, quoted as `reverse` quotes it."""
    try:
        marker, is_uuid = _TEXT, False
        head, tail = reverse(name, kwargs={**kwargs, slot: marker}).split(marker)
    except NoReverseMatch:  # the converter refuses text: a UUID slot
        marker, is_uuid = str(_UUID), True
        head, tail = reverse(name, kwargs={**kwargs, slot: _UUID}).split(marker)
    if is_uuid:
        return lambda value: f"{head}{value}{tail}"
    return lambda value: f"{head}{quote(str(value), safe=RFC3986_SUBDELIMS + '/~:@')}{tail}"
