"""The work-off plan of a qualification, kept by the participant and its assessors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from assessment.models import WorkOffItem
from assessment.rules import is_lead
from assessment.services.workoff import can_edit_work_off, work_off_exception, work_off_save
from evidence.models import EvidenceItem
from evidence.rules import visible_evidence
from qualification.date_input import date_typed
from qualification.identifiers import as_uuid
from qualification.models import CodeBody, Qualification
from qualification.rules import approving_code_bodies, can_view_qualification


def _qualification(user, public_id) -> Qualification:
    qualification = get_object_or_404(
        Qualification.objects.select_related("organisation"), public_id=public_id
    )
    if not can_view_qualification(user, qualification):
        raise Http404
    return qualification


def _closure_evidence(user, qualification: Qualification) -> QuerySet[EvidenceItem]:
    """What may close a work-off item: the organisation's evidence and the packs granted to
    it, as far as this person may see it (evidence.rules.visible_evidence)."""
    organisation = qualification.organisation
    return (
        visible_evidence(user)
        .filter(Q(organisation=organisation) | Q(pack__granted_to=organisation))
        .distinct()
    )


@login_required
def work_off_plan(request: HttpRequest, public_id) -> HttpResponse:
    qualification = _qualification(request.user, public_id)
    editable = can_edit_work_off(request.user, qualification)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if request.POST.get("exception_for"):
            return _exception(request, qualification)
        return _save(request, qualification)
    lead_bodies = [
        body
        for body in CodeBody.objects.filter(code__in=approving_code_bodies(qualification))
        if is_lead(request.user, body)
    ]
    return render(
        request,
        "assessment/work_off.html",
        {
            "qualification": qualification,
            "items": qualification.work_off_items.select_related(
                "closure_evidence__stored_file", "exception__recorded_by", "exception__code_body"
            ),
            "editable": editable,
            "lead_bodies": lead_bodies,
            "statuses": WorkOffItem.Status.choices,
            "evidence": _closure_evidence(request.user, qualification).order_by("title"),
        },
    )


def _save(request, qualification) -> HttpResponse:
    item = None
    if request.POST.get("item"):
        item = get_object_or_404(
            WorkOffItem, public_id=as_uuid(request.POST["item"]), qualification=qualification
        )
    evidence = (
        _closure_evidence(request.user, qualification)
        .filter(public_id=as_uuid(request.POST.get("closure_evidence")))
        .first()
    )
    try:
        due = date_typed(request.POST.get("due_date", ""))
    except ValueError:
        messages.error(request, _("Enter the due date as a date, e.g. 31/12/2026."))
        return redirect("work-off", public_id=qualification.public_id)
    try:
        work_off_save(
            qualification=qualification,
            by=request.user,
            item=item,
            defect_reference=request.POST.get("defect_reference", ""),
            description=request.POST.get("description", ""),
            owner=request.POST.get("owner", ""),
            due_date=due,
            status=request.POST.get("status", "open"),
            required=request.POST.get("required") == "on",
            closure_evidence=evidence,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Work-off plan saved."))
    return redirect("work-off", public_id=qualification.public_id)


def _exception(request, qualification) -> HttpResponse:
    item = get_object_or_404(
        WorkOffItem,
        public_id=as_uuid(request.POST.get("exception_for")),
        qualification=qualification,
    )
    code_body = get_object_or_404(CodeBody, code=request.POST.get("code_body", ""))
    try:
        work_off_exception(
            item=item, code_body=code_body, reason=request.POST.get("reason", ""), by=request.user
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(
            request, _("Exception recorded for %(ref)s.") % {"ref": item.defect_reference}
        )
    return redirect("work-off", public_id=qualification.public_id)
