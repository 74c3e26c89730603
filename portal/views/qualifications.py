"""A qualification's pages: the qualification, starting one, its PQS, MPIDs and the Final QAD."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment.models import Review
from assessment.rules import (
    can_confirm_step,
    can_decide,
    can_view_approval_letter,
    can_view_review,
    is_lead,
)
from assessment.selectors import service_activation, sms_exemption
from assessment.services.activation import open_work_off
from assessment.services.decisions import role_qualified
from evidence.models import EvidenceItem
from evidence.rules import evidence_visibility
from portal import selectors
from qad.services.submissions import final_qad_start
from qualification.enums import (
    ApprovalOutcome,
    MembershipRole,
    PreQualificationState,
    QualificationState,
)
from qualification.forms import (
    MpidForm,
    PqsDecisionForm,
    PreQualificationForm,
    QualificationStartForm,
)
from qualification.lifecycle import Actor, TransitionNotAllowed
from qualification.models import Organisation, PreQualification, Qualification
from qualification.rules import (
    actor_capacities,
    can_administer_organisation,
    can_view_organisation,
    can_view_qualification,
    is_portal_admin,
    organisation_roles,
)
from qualification.services import (
    can_edit_pqs,
    mpid_add,
    pqs_decide,
    pqs_save,
    pqs_submit,
    qualification_start,
)


def _evidence_hidden_from(user, qualification: Qualification) -> set[tuple[str, str]]:
    """The organisation's evidence this person may not see (evidence.rules.visible_evidence),
    as the audit trail names it: its events are left out of the page's activity."""
    visible = evidence_visibility(user)
    if not visible:  # no condition: this person sees everything
        return set()
    label = EvidenceItem._meta.label
    items = EvidenceItem.objects.filter(organisation=qualification.organisation)
    # A difference of two sets, not exclude(): NOT over the rule's nullable columns would
    # drop rows the rule does not match.
    hidden = set(items.values_list("pk", flat=True)) - set(
        items.filter(visible).values_list("pk", flat=True)
    )
    return {(label, str(pk)) for pk in hidden}


def _qualification_for(user, public_id) -> Qualification:
    qualification = get_object_or_404(
        Qualification.objects.select_related("organisation", "wave"), public_id=public_id
    )
    # 404 rather than 403: another organisation's qualification does not exist for you.
    if not can_view_qualification(user, qualification):
        raise Http404
    return qualification


def _organisation_for_admin(user, public_id) -> Organisation:
    organisation = get_object_or_404(Organisation, public_id=public_id)
    if not can_view_organisation(user, organisation):
        raise Http404
    if not can_administer_organisation(user, organisation):
        raise PermissionDenied(_("Only an organisation admin can do this."))
    return organisation


@login_required
def qualification_detail(request: HttpRequest, public_id) -> HttpResponse:
    qualification = _qualification_for(request.user, public_id)
    context = selectors.qualification_overview(
        qualification, hidden=_evidence_hidden_from(request.user, qualification)
    )
    roles = organisation_roles(request.user, qualification.organisation)
    capacities = actor_capacities(request.user, qualification)
    pre_qualification = context["pre_qualification"]
    context.update(
        {
            "is_org_admin": MembershipRole.ORG_ADMIN in roles,
            # Drafts are the participant's own until submitted (qad.rules.can_view_submission).
            "sees_drafts": bool(roles) or is_portal_admin(request.user),
            "can_start_final": MembershipRole.ORG_ADMIN in roles
            and qualification.state == QualificationState.TESTING
            and qualification.submissions.filter(stage="initial").exclude(state="draft").exists(),
            "can_decide_pqs": pre_qualification is not None
            and pre_qualification.state == PreQualificationState.SUBMITTED
            and bool({Actor.LEAD_ASSESSOR, Actor.PORTAL_ADMIN} & capacities),
            "decision_form": PqsDecisionForm(),
        }
    )
    _add_assessment_context(request.user, qualification, context)
    return render(request, "qualification/qualification_detail.html", context)


@login_required
def qualification_start_view(request: HttpRequest, public_id) -> HttpResponse:
    organisation = _organisation_for_admin(request.user, public_id)
    form = QualificationStartForm(
        request.POST if request.method == "POST" else None, organisation=organisation
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            qualification = qualification_start(
                organisation=organisation,
                route=data["route"],
                roles=[(mpid.market_role, mpid) for mpid in data["mpids"]],
                created_by=request.user,
                places_reliance=data["places_reliance"],
                sms_exemption_requested=data["sms_exemption_requested"],
            )
        except (ValueError, TransitionNotAllowed) as error:
            form.add_error(None, str(error))
        else:
            if qualification.state == QualificationState.PRE_QUALIFICATION:
                messages.success(
                    request,
                    _("Qualification started. Complete the Pre-Qualification Submission first."),
                )
                return redirect("pqs-edit", public_id=qualification.public_id)
            messages.success(request, _("Qualification started. Your Initial QAD is ready."))
            submission = qualification.submissions.get()
            return redirect("submission-detail", public_id=submission.public_id)
    return render(
        request,
        "qualification/qualification_start.html",
        {"organisation": organisation, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def mpid_add_view(request: HttpRequest, public_id) -> HttpResponse:
    organisation = _organisation_for_admin(request.user, public_id)
    form = MpidForm(request.POST if request.method == "POST" else None, instance=None)
    if request.method == "POST" and form.is_valid():
        try:
            mpid = mpid_add(
                organisation=organisation,
                market_role=form.cleaned_data["market_role"],
                code=form.cleaned_data["code"],
                dip_id=form.cleaned_data["dip_id"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("MPID %(code)s added.") % {"code": mpid.code})
            return redirect("qualification-start", public_id=organisation.public_id)
    return render(
        request,
        "qualification/mpid_add.html",
        {"organisation": organisation, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def pqs_edit(request: HttpRequest, public_id) -> HttpResponse:
    qualification = _qualification_for(request.user, public_id)
    pre_qualification = get_object_or_404(PreQualification, qualification=qualification)
    editable = can_edit_pqs(request.user, pre_qualification)
    form = PreQualificationForm(
        request.POST if request.method == "POST" else None, instance=pre_qualification
    )
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("The PQS cannot be changed now."))
        if form.is_valid():
            try:
                pqs_save(
                    pre_qualification=pre_qualification,
                    by=request.user,
                    **{name: form.cleaned_data[name] for name in form.Meta.fields},
                )
                if request.POST.get("submit") == "submit":
                    pre_qualification.refresh_from_db()
                    pqs_submit(pre_qualification=pre_qualification, by=request.user)
                    messages.success(request, _("PQS submitted to the Code Bodies."))
                    return redirect(qualification.get_absolute_url())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("PQS saved."))
                return redirect("pqs-edit", public_id=qualification.public_id)
    return render(
        request,
        "qualification/pqs_edit.html",
        {
            "qualification": qualification,
            "pre_qualification": pre_qualification,
            "form": form,
            "editable": editable,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def pqs_decide_view(request: HttpRequest, public_id) -> HttpResponse:
    qualification = _qualification_for(request.user, public_id)
    pre_qualification = get_object_or_404(PreQualification, qualification=qualification)
    form = PqsDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or return."))
        return redirect(qualification.get_absolute_url())
    try:
        pqs_decide(
            pre_qualification=pre_qualification,
            accept=form.cleaned_data["decision"] == "accept",
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect(qualification.get_absolute_url())


@require_POST
@login_required
def final_qad_start_view(request: HttpRequest, public_id) -> HttpResponse:
    qualification = _qualification_for(request.user, public_id)
    try:
        submission = final_qad_start(qualification=qualification, by=request.user)
    except TransitionNotAllowed as error:
        messages.error(request, str(error))
        return redirect(qualification.get_absolute_url())
    messages.success(
        request, _("Final QAD started from your Initial QAD's answers; update what changed.")
    )
    return redirect("submission-detail", public_id=submission.public_id)


def _add_assessment_context(user, qualification: Qualification, context: dict) -> None:
    """Reviews, approval decisions and Service Activation, with what this user may do."""
    awaiting = qualification.state == QualificationState.AWAITING_APPROVAL
    for _role, approvals in context["approvals"]:
        for approval in approvals:
            decidable = (
                awaiting
                and can_decide(user, approval)
                and approval.outcome
                in (ApprovalOutcome.PENDING, ApprovalOutcome.SCHEDULED, ApprovalOutcome.DEFERRED)
            )
            approval.can_schedule = (
                decidable
                and approval.code_body.decides_at_meeting
                and (approval.outcome != ApprovalOutcome.SCHEDULED)
            )
            approval.can_decide = decidable and not approval.can_schedule
    context["reviews"] = [
        review
        for review in Review.objects.filter(submission__qualification=qualification)
        .select_related("code_body", "submission", "assignee")
        .order_by("submission__created_at", "code_body__position")
        if can_view_review(user, review)
    ]
    context["decision_outcomes"] = [
        (value, label)
        for value, label in ApprovalOutcome.choices
        if value not in (ApprovalOutcome.PENDING, ApprovalOutcome.SCHEDULED)
    ]
    context["approval_letters"] = _approval_letters(user, context["approvals"])
    exemption = sms_exemption(qualification)
    if exemption is not None:
        context["sms_exemption"] = exemption
        context["sms_exemption_rows"] = [
            (body, decision, is_lead(user, body)) for body, decision in exemption.rows
        ]
    context["activation"] = activation = service_activation(qualification)
    for role_activation in activation:
        next_step = role_activation.next_step
        if next_step is not None and can_confirm_step(user, next_step):
            next_step.can_confirm = True
            if next_step.reviews_work_off:
                context["open_work_off"] = open_work_off(qualification.pk)


def _approval_letters(user, approvals) -> list:
    """The Qualified roles whose approval letter this user may have."""
    return [
        role
        for role, role_approvals in approvals
        if role_qualified(role, role_approvals) and can_view_approval_letter(user, role)
    ]
