"""A Code Body's work through the API: its queue, a review with its criteria and outcomes, an
outcome recorded, a clarification drafted."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from assessment.models import CriterionOutcome, Review
from assessment.selectors import OPEN_STATES
from assessment.services.clarifications import clarification_raise
from assessment.services.reviews import applicable_criteria, outcome_record
from assessment.views.access import code_body_for, review_and_access_for
from assessment.working_days import add_working_days, working_days_between
from portal.api import examples
from portal.api.base import ApiView
from portal.api.clarifications import (
    ClarificationSerializer,
    clarification_body,
    visible_clarifications,
)
from portal.api.pagination import ByCreation
from portal.api.problems import COMMON, Problem, ProblemSerializer, service_refusals
from qad.published import template_outline
from qad.selectors import submitted_revision


class QueueEntrySerializer(serializers.Serializer):
    review = serializers.UUIDField()
    submission = serializers.UUIDField()
    organisation = serializers.CharField()
    stage = serializers.CharField()
    state = serializers.CharField()
    assignee = serializers.CharField(allow_null=True)
    waiting_since = serializers.DateTimeField(allow_null=True)
    working_days_waiting = serializers.IntegerField()
    due = serializers.DateField(allow_null=True, help_text="By the Code Body's review target")


class CodeBodyQueue(ApiView):
    @extend_schema(
        summary="A Code Body's work queue",
        examples=examples.QUEUE,
        description="Its open reviews (waiting, in review, with the participant), oldest "
        "first by creation, with how long each has waited in working days. The Code Body's "
        "own people and portal admins. Any token.",
        parameters=[OpenApiParameter("state", str, description="waiting, in_review, …")],
        responses={200: QueueEntrySerializer(many=True), **COMMON},
    )
    def get(self, request, code):
        code_body = code_body_for(request.user, code)
        reviews = Review.objects.filter(code_body=code_body).select_related(
            "submission__qualification__organisation", "assignee"
        )
        state = request.query_params.get("state")
        reviews = reviews.filter(state=state) if state else reviews.filter(state__in=OPEN_STATES)
        paginator = ByCreation()
        page = paginator.paginate_queryset(reviews, request, view=self)
        today = timezone.localdate()
        target = code_body.review_target_working_days
        entries = []
        for review in page:
            since = timezone.localdate(review.waiting_since) if review.waiting_since else None
            entries.append(
                {
                    "review": review.public_id,
                    "submission": review.submission.public_id,
                    "organisation": review.submission.qualification.organisation.legal_name,
                    "stage": review.submission.stage,
                    "state": review.state,
                    "assignee": review.assignee.full_name if review.assignee_id else None,
                    "waiting_since": review.waiting_since,
                    "working_days_waiting": working_days_between(since, today) if since else 0,
                    "due": add_working_days(since, target) if since else None,
                }
            )
        return paginator.get_paginated_response(QueueEntrySerializer(entries, many=True).data)


class OutcomeSerializer(serializers.Serializer):
    criterion = serializers.CharField(help_text="The criterion's ref")
    title = serializers.CharField()
    questions = serializers.ListField(child=serializers.CharField())
    outcome = serializers.CharField(allow_null=True, help_text="null until recorded")
    comment = serializers.CharField(allow_blank=True)
    recorded_by = serializers.CharField(allow_null=True)
    recorded_at = serializers.DateTimeField(allow_null=True)


class ReviewSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code_body = serializers.CharField()
    submission = serializers.UUIDField()
    organisation = serializers.CharField()
    state = serializers.CharField()
    assignee = serializers.CharField(allow_null=True)
    revision = serializers.IntegerField(allow_null=True, help_text="The revision assessed")
    criteria = OutcomeSerializer(many=True)
    clarifications = ClarificationSerializer(many=True)


def _review_body(request, review) -> dict:
    submission = review.submission
    revision = submitted_revision(submission)
    criteria = applicable_criteria(review, revision) if revision else []
    outcomes = {o.criterion_id: o for o in review.outcomes.select_related("recorded_by")}
    entries = []
    for criterion in criteria:
        outcome = outcomes.get(criterion.pk)
        entries.append(
            {
                "criterion": criterion.ref,
                "title": criterion.title,
                "questions": sorted(
                    (q.ref for q in criterion.questions.all()),
                    key=lambda ref: [int(p) if p.isdigit() else p for p in ref.split(".")],
                ),
                "outcome": outcome.outcome if outcome else None,
                "comment": outcome.comment if outcome else "",
                "recorded_by": outcome.recorded_by.full_name if outcome else None,
                "recorded_at": outcome.recorded_at if outcome else None,
            }
        )
    clarifications = visible_clarifications(request.user, submission).filter(
        code_body=review.code_body
    )
    return ReviewSerializer(
        {
            "id": review.public_id,
            "code_body": review.code_body.code,
            "submission": submission.public_id,
            "organisation": submission.qualification.organisation.legal_name,
            "state": review.state,
            "assignee": review.assignee.full_name if review.assignee_id else None,
            "revision": revision.number if revision else None,
            "criteria": entries,
            "clarifications": clarifications,
        }
    ).data


class ReviewDetail(ApiView):
    @extend_schema(
        summary="A review, its criteria and outcomes",
        examples=examples.REVIEW_EXAMPLES,
        description="Each criterion applying to the QAD with the outcome recorded, and the "
        "Code Body's clarifications. The Code Body's people and portal admins. Any token.",
        responses={200: ReviewSerializer, **COMMON},
    )
    def get(self, request, public_id):
        review, _access = review_and_access_for(request.user, public_id)
        return Response(_review_body(request, review))


class ReviewOutcome(ApiView):
    @extend_schema(
        summary="Record a criterion's outcome",
        examples=examples.OUTCOME,
        description="met, not_met, clarification or not_applicable, with a comment (required "
        "for not met and clarification; with `question`, the ref a clarification is about). "
        "The same rules as the review page: the Code Body's assessors and lead assessors, on "
        "a review still open. A read and write token.",
        request=inline_serializer(
            "OutcomeRequest",
            {
                "outcome": serializers.ChoiceField(choices=CriterionOutcome.Outcome.values),
                "comment": serializers.CharField(required=False),
                "question": serializers.CharField(required=False),
            },
        ),
        responses={
            200: ReviewSerializer,
            **COMMON,
            400: ProblemSerializer,
            403: ProblemSerializer,
        },
    )
    def put(self, request, public_id, criterion_ref):
        review, access = review_and_access_for(request.user, public_id)
        if not access.can_assess:
            raise Problem(403, f"Only {review.code_body.code} assessors record outcomes.")
        revision = submitted_revision(review.submission)
        criteria = {c.ref: c for c in applicable_criteria(review, revision)} if revision else {}
        criterion = criteria.get(criterion_ref)
        if criterion is None:
            raise Problem(404, f"No criterion {criterion_ref} applies to this review.")
        outcome, comment = request.data.get("outcome"), request.data.get("comment", "")
        if not isinstance(outcome, str) or not isinstance(comment, str):
            raise Problem(400, "Give `outcome` and, where needed, `comment` as text.")
        question = None
        if request.data.get("question"):
            question = {q.ref: q for q in criterion.questions.all()}.get(request.data["question"])
            if question is None:
                raise Problem(400, f"{criterion.ref} does not assess that question.")
        with service_refusals():
            outcome_record(
                review=review,
                criterion=criterion,
                outcome=outcome,
                comment=comment,
                by=request.user,
                clarification_question=question,
            )
        return Response(_review_body(request, review))


class ReviewClarifications(ApiView):
    @extend_schema(
        summary="Draft a clarification",
        examples=examples.RAISE,
        description="On a question the Code Body assesses; it reaches the participant when "
        "the review's clarifications are sent together from the review page. The Code "
        "Body's assessors and lead assessors. A read and write token.",
        request=inline_serializer(
            "ClarificationRequest",
            {"question": serializers.CharField(), "text": serializers.CharField()},
        ),
        responses={
            201: ClarificationSerializer,
            **COMMON,
            400: ProblemSerializer,
            403: ProblemSerializer,
        },
    )
    def post(self, request, public_id):
        review, access = review_and_access_for(request.user, public_id)
        if not access.can_assess:
            raise Problem(403, f"Only {review.code_body.code} assessors raise clarifications.")
        ref, text = request.data.get("question"), request.data.get("text")
        if not isinstance(ref, str) or not isinstance(text, str):
            raise Problem(400, "Give the `question` ref and the `text`.")
        submission = review.submission
        outline = template_outline(submission.template)
        question = next((q for q in outline.questions.values() if q.ref == ref), None)
        if question is None:
            raise Problem(400, f"No question {ref} in this QAD.")
        with service_refusals():
            raised = clarification_raise(
                submission=submission,
                question=question,
                code_body=review.code_body,
                text=text,
                by=request.user,
            )
        found = visible_clarifications(request.user, submission).get(pk=raised.pk)
        return Response(clarification_body(found), status=201)
