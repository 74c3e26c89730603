"""The meetings of a board that decides approvals (the BSC Performance Assurance Board):
who is on each agenda, and the pack for each meeting."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from assessment import selectors
from assessment.views.access import board_for

# Meetings held this long ago are still listed, so that their packs (with the decisions
# taken) can be printed for the record.
RECENT_MEETINGS = dt.timedelta(days=90)


@require_GET
@login_required
def board_meetings(request: HttpRequest, code: str) -> HttpResponse:
    code_body = board_for(request.user, code)
    today = timezone.localdate()
    meetings = selectors.board_meetings(code_body, since=today - RECENT_MEETINGS)
    return render(
        request,
        "assessment/board_meetings.html",
        {
            "code_body": code_body,
            "upcoming": [m for m in meetings if m.date >= today],
            "recent": [m for m in reversed(meetings) if m.date < today],
        },
    )
