"""JSON bodies as the pages' forms are held to: text with a NUL character cannot be stored
(PostgreSQL refuses it), so it is refused with a message before anything reads it."""

from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


class PortalJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if _holds_nul(data):
            raise ParseError(
                "Nothing was saved: the text contains a NUL character (often pasted from "
                "another program), which cannot be stored. Remove it and send it again."
            )
        return data
