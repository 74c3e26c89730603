"""Approval decisions per role and Code Body, and the SMS exemption decisions."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment.services.decisions import (
    approval_decide,
    approval_decision_check,
    approval_schedule,
    sms_exemption_record,
)
from qualification.date_input import date_typed
from qualification.enums import ApprovalOutcome
from qualification.models import CodeBody, Qualification, RoleApproval
from qualification.rules import can_view_qualification


@require_POST
@login_required
def approval_view(request: HttpRequest, public_id) -> HttpResponse:
    approval = get_object_or_404(
        RoleApproval.objects.select_related(
            "qualification_role__qualification__organisation",
            "qualification_role__market_role",
            "qualification_role__mpid",
            "code_body",
        ),
        public_id=public_id,
    )
    qualification = approval.qualification_role.qualification
    if not can_view_qualification(request.user, qualification):
        raise Http404
    try:
        if request.POST.get("meeting_date"):
            approval_schedule(
                approval=approval,
                by=request.user,
                meeting_date=_date(
                    request.POST["meeting_date"], _("Enter the meeting date as a date.")
                ),
                conditions=request.POST.get("conditions", ""),
            )
        else:
            decision = {
                "outcome": request.POST.get("outcome", ""),
                "reason": request.POST.get("reason", ""),
                "conditions": request.POST.get("conditions", ""),
            }
            if request.POST.get("confirmed") != "yes":
                # Nothing is written until the person has read the decision back; what they
                # read has passed every check the recording makes.
                approval_decision_check(approval=approval, by=request.user, **decision)
                return _confirmation(request, approval, decision)
            approval_decide(
                approval=approval, by=request.user, confirmed_by=request.user, **decision
            )
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect(qualification.get_absolute_url(), permanent=False)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect(qualification.get_absolute_url() + "#approvals")


def _confirmation(request: HttpRequest, approval: RoleApproval, decision: dict) -> HttpResponse:
    role = approval.qualification_role
    return render(
        request,
        "assessment/approval_confirm.html",
        {
            "approval": approval,
            "qualification": role.qualification,
            "role": role,
            "decision": decision,
            "outcome_label": ApprovalOutcome(decision["outcome"]).label,
        },
    )


def _date(text: str, message: str) -> dt.date:
    # Only the date typed is reported as one; errors of the services keep their own words.
    try:
        return date_typed(text)
    except ValueError:
        raise ValidationError(message) from None


@require_POST
@login_required
def sms_exemption_view(request: HttpRequest, public_id) -> HttpResponse:
    """A BSC or REC lead records its decision on the Smart Meter Segment exemption."""
    qualification = get_object_or_404(
        Qualification.objects.select_related("organisation"), public_id=public_id
    )
    if not can_view_qualification(request.user, qualification):
        raise Http404
    code_body = get_object_or_404(CodeBody, code=request.POST.get("code_body", ""))
    try:
        sms_exemption_record(
            qualification=qualification,
            code_body=code_body,
            decided_on=_date(
                request.POST.get("decided_on", ""), _("Enter the date of the decision.")
            ),
            reference=request.POST.get("reference", ""),
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(body)s's decision on the SMS exemption recorded.") % {"body": code_body.code},
        )
    return redirect(qualification.get_absolute_url() + "#sms-exemption")
