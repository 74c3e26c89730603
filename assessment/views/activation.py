"""Service Activation steps, confirmed on the qualification page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment.models import ServiceActivationStep
from assessment.services.activation import activation_step_confirm
from qualification.rules import can_view_qualification


@require_POST
@login_required
def activation_step_view(request: HttpRequest, public_id) -> HttpResponse:
    step = get_object_or_404(
        ServiceActivationStep.objects.select_related(
            "qualification_role__qualification__organisation", "confirmer"
        ),
        public_id=public_id,
    )
    qualification = step.qualification_role.qualification
    if not can_view_qualification(request.user, qualification):
        raise Http404
    try:
        activation_step_confirm(step=step, by=request.user, note=request.POST.get("note", ""))
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Recorded: %(step)s.") % {"step": step.label})
    return redirect(qualification.get_absolute_url() + "#activation")
