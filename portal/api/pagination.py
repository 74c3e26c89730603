"""Lists are read a page at a time with an opaque cursor (`next`, `previous`): a client
walking a list while the programme changes neither skips nor repeats a row."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class ByCreation(CursorPagination):
    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
