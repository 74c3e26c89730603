"""The home page: each person's organisations and qualifications, their Code Bodies' work
waiting, and for a portal admin the programme's counts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "qualification/home.html", selectors.home_for(request.user))
