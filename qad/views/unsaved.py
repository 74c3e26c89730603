"""Keeping what someone typed when their session ran out mid-sentence.

A save that arrives without a signed-in user is not thrown away: the posted text is kept in
the (new, anonymous) session and the person is sent to sign in. Signing in keeps the
session's data, so the section page can then show the text again, ready to save.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from qad.models import Question

SESSION_KEY = "qad-unsaved"


def keep_typed_text_when_signed_out(view):
    """For views that save answers: a signed-out POST keeps its data and asks for sign-in."""

    @wraps(view)
    def wrapper(request: HttpRequest, public_id, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, public_id, *args, **kwargs)
        section_ref = kwargs.get("section_ref") or _section_of(
            public_id, kwargs.get("question_ref")
        )
        back_to = (
            reverse(
                "submission-section", kwargs={"public_id": public_id, "section_ref": section_ref}
            )
            if section_ref
            else reverse("submission-detail", kwargs={"public_id": public_id})
        )
        if request.method == "POST":
            kept = request.session.get(SESSION_KEY, {})
            data = {
                key: request.POST.getlist(key)
                for key in request.POST
                if key.startswith("q") and key != "csrfmiddlewaretoken"
            }
            entry = kept.setdefault(str(public_id), {})
            entry.update(data)
            request.session[SESSION_KEY] = kept
            back_to += "?" + urlencode({"restored": "1"})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = f"{reverse('login')}?{urlencode({'next': back_to})}"
            return response
        return redirect_to_login(back_to)

    return wrapper


def take_unsaved(request: HttpRequest, public_id) -> dict[str, list[str]] | None:
    return request.session.get(SESSION_KEY, {}).get(str(public_id))


def forget_unsaved(request: HttpRequest, public_id) -> None:
    kept = request.session.get(SESSION_KEY, {})
    if kept.pop(str(public_id), None) is not None:
        request.session[SESSION_KEY] = kept


def _section_of(public_id, question_ref: str | None) -> str:
    if not question_ref:
        return ""

    # Templates are reference data: naming a section reveals nothing about the participant.
    ref = (
        Question.objects.filter(template__submissions__public_id=public_id, ref=question_ref)
        .values_list("section__ref", flat=True)
        .first()
    )
    return ref or ""
