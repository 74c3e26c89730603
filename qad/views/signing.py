"""Signing the agreed Final QAD."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qad.rules import is_participant, signing_capacity
from qad.services.signing import declaration_for, submission_sign
from qad.views.access import current_revision, submission_for


class SignForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I confirm the declaration above"),
        error_messages={"required": gettext_lazy("Confirm the declaration to sign.")},
    )
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=gettext_lazy("Re-enter the password you sign in with."),
    )


@login_required
def submission_sign_view(request: HttpRequest, public_id) -> HttpResponse:
    submission = submission_for(request.user, public_id)
    if signing_capacity(request.user, submission) is None:
        if not is_participant(request.user, submission):
            raise Http404
        raise PermissionDenied(_("You cannot sign this QAD."))
    form = SignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            submission_sign(
                submission=submission,
                user=request.user,
                password=form.cleaned_data["password"],
                declaration_confirmed=form.cleaned_data["confirm"],
            )
        except ValidationError as error:
            form.add_error("password" if "password" in str(error) else None, error)
        else:
            messages.success(request, _("Signed. The QAD now goes to the approvers."))
            return redirect("submission-detail", public_id=submission.public_id)
    return render(
        request,
        "qad/submission_sign.html",
        {
            "submission": submission,
            "revision": current_revision(submission),
            "declaration": declaration_for(submission),
            "form": form,
        },
        status=400 if form.errors else 200,
    )
