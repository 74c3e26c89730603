"""The Code Body side: the work queue, a review, assigning it, outcomes and clarifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment import selectors
from assessment.models import Criterion, CriterionOutcome, Review
from assessment.services.checks import checks_rerun_submission
from assessment.services.review_criteria import newer_criteria, review_criteria_move
from assessment.services.reviews import (
    criteria_set_for,
    outcome_record,
    review_assign,
    review_complete,
    review_send_clarifications,
)
from assessment.views.access import code_body_for, review_and_access_for, review_for
from qad.enums import SubmissionStage
from qad.models import Question
from qualification.enums import Route
from qualification.identifiers import as_pk
from qualification.models import MarketRole, User, Wave
from qualification.redirects import local_target
from qualification.rules import is_portal_admin


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


@login_required
def review_queue(request: HttpRequest, code: str) -> HttpResponse:
    code_body = code_body_for(request.user, code)
    return render(request, "assessment/queue.html", _queue_page(request, code_body))


def _queue_page(request: HttpRequest, code_body) -> dict:
    filters = {
        key: request.GET.get(key, "")
        for key in ("state", "role", "route", "stage", "wave", "assignee", "overdue", "sort")
    }
    page, rows = selectors.queue(
        code_body, filters=filters, user=request.user, page=request.GET.get("page") or 1
    )
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "code_body": code_body,
        "rows": rows,
        "page": page,
        "query": query.urlencode(),
        "filters": filters,
        "roles": MarketRole.objects.filter(approvers=code_body).order_by("position"),
        "routes": Route.choices,
        "stages": SubmissionStage.choices,
        "waves": Wave.objects.order_by("testing_starts"),
        "states": [("open", _("Open")), *Review.State.choices],
        "assessors": User.objects.filter(code_body_memberships__code_body=code_body).order_by(
            "full_name"
        ),
    }


@login_required
def review_detail(request: HttpRequest, public_id) -> HttpResponse:
    review, access = review_and_access_for(request.user, public_id)

    def draw() -> dict:
        context = selectors.review_screen(
            review,
            page=request.GET.get("page") or 1,
            criterion=as_pk(request.GET.get("criterion")),
        )
        context.update(
            {
                "can_assess": access.can_assess,
                "is_lead": access.is_lead,
                "outcome_choices": CriterionOutcome.Outcome.choices,
                "can_rerun_checks": is_portal_admin(request.user),
                "criteria_set": criteria_set_for(review),
                "newer_criteria": newer_criteria(review),
            }
        )
        return context

    return render(request, "assessment/review_detail.html", draw())


@require_POST
@login_required
def checks_rerun_view(request: HttpRequest, public_id) -> HttpResponse:
    """A portal admin runs the submission's checks again, even if nothing changed."""
    review = review_for(request.user, public_id)
    if not is_portal_admin(request.user):
        raise PermissionDenied
    try:
        checks_rerun_submission(submission=review.submission, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("The automated checks are running again; their results replace these when done."),
        )
    return redirect(review.get_absolute_url())


@require_POST
@login_required
def review_criteria_move_view(request: HttpRequest, public_id) -> HttpResponse:
    """The lead assessor moves the review onto its Code Body's current criteria."""
    review = review_for(request.user, public_id)
    try:
        target = review_criteria_move(review=review, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _(
                "This review now uses %(c)s. Outcomes on criteria it keeps word for word were "
                "carried; the automated checks are running on the new criteria."
            )
            % {"c": target},
        )
    return redirect(review.get_absolute_url())


@require_POST
@login_required
def review_assign_view(request: HttpRequest, public_id) -> HttpResponse:
    review = review_for(request.user, public_id)
    assignee = User.objects.filter(pk=as_pk(request.POST.get("assignee"))).first()
    if request.POST.get("pick_up"):
        assignee = request.user
    try:
        if assignee is None:
            raise ValidationError(_("Choose an assessor."))
        review_assign(review=review, assignee=assignee, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Assigned to %(name)s.") % {"name": assignee.full_name})
    return redirect(local_target(request, request.POST.get("next"), review.get_absolute_url()))


@require_POST
@login_required
def outcome_record_view(request: HttpRequest, public_id, criterion_id: int) -> HttpResponse:
    review = review_for(request.user, public_id)
    criterion = get_object_or_404(
        Criterion, pk=criterion_id, criteria_set__code_body=review.code_body
    )
    question = Question.objects.filter(pk=as_pk(request.POST.get("question"))).first()
    recorded, problem = None, ""
    try:
        recorded = outcome_record(
            review=review,
            criterion=criterion,
            outcome=request.POST.get("outcome", ""),
            comment=request.POST.get("comment", ""),
            by=request.user,
            clarification_question=question,
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        problem = _error_text(error)
    back = f"{review.get_absolute_url()}?criterion={criterion.pk}#criterion-{criterion.pk}"
    drafted = recorded is not None and recorded.outcome == CriterionOutcome.Outcome.CLARIFICATION
    if request.htmx and drafted:
        # A drafted clarification joins the panel of those to send: the page is drawn again.
        messages.success(request, _("%(ref)s recorded.") % {"ref": criterion.ref})
        response = HttpResponse(status=204)
        response["HX-Redirect"] = back
        return response
    if request.htmx:
        # Saved in place: the criterion's status line, and the review's count beside it.
        decided, total = selectors.criteria_progress(review)
        response = render(
            request,
            "assessment/partials/outcome_status.html",
            {
                "criterion": criterion,
                "outcome": recorded,
                "problem": problem,
                "decided": decided,
                "total": total,
            },
        )
        response["HX-Reswap"] = "innerHTML"
        return response
    if problem:
        messages.error(request, f"{criterion.ref}: {problem}")
    else:
        messages.success(request, _("%(ref)s recorded.") % {"ref": criterion.ref})
    # Back to the page of criteria that holds this one.
    return redirect(back)


@require_POST
@login_required
def clarifications_send_view(request: HttpRequest, public_id) -> HttpResponse:
    review = review_for(request.user, public_id)
    try:
        sent = review_send_clarifications(review=review, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, _("%(n)s clarification(s) sent to the participant.") % {"n": sent}
        )
    return redirect(review.get_absolute_url())


@require_POST
@login_required
def review_complete_view(request: HttpRequest, public_id) -> HttpResponse:
    review = review_for(request.user, public_id)
    try:
        review_complete(review=review, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, _("%(body)s assessment marked complete.") % {"body": review.code_body.code}
        )
    return redirect(review.get_absolute_url())


@login_required
def review_changes(request: HttpRequest, public_id) -> HttpResponse:
    review = review_for(request.user, public_id)
    context = selectors.revision_changes(review)
    context["review"] = review
    return render(request, "assessment/review_changes.html", context)
