"""Clarifications of a QAD: read with their threads, answered by the participant."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from assessment.models import Clarification, ClarificationMessage
from assessment.services.clarifications import clarification_answer
from portal.api import examples
from portal.api.base import ApiView
from portal.api.problems import COMMON, Problem, ProblemSerializer, service_refusals
from qad.views.access import submission_for
from qualification.rules import code_body_roles, is_portal_admin


class MessageSerializer(serializers.Serializer):
    author = serializers.CharField(source="author.full_name")
    from_code_body = serializers.BooleanField()
    text = serializers.CharField()
    written_at = serializers.DateTimeField()


class ClarificationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    question = serializers.CharField(source="question.ref")
    code_body = serializers.CharField(source="code_body.code")
    state = serializers.CharField(help_text="draft (Code Body only), open, answered or closed")
    raised_in_revision = serializers.IntegerField(source="raised_in.number")
    messages = MessageSerializer(many=True)


def clarification_body(clarification: Clarification) -> dict:
    return ClarificationSerializer(clarification).data


def visible_clarifications(user, submission):
    """A QAD's clarifications as its reader sees them on the pages: the Code Body's own drafts
    only to that Code Body, everything sent to the participant and the portal admins."""
    shown = ~Q(state=Clarification.State.DRAFT)
    if not is_portal_admin(user):
        own = list(code_body_roles(user))
        if own:
            shown = Q(code_body__code__in=own)
    return (
        Clarification.objects.filter(shown, submission=submission)
        .select_related("question", "code_body", "raised_in")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=ClarificationMessage.objects.select_related("author").order_by(
                    "written_at", "pk"
                ),
            )
        )
        .order_by("raised_at", "pk")
    )


class SubmissionClarifications(ApiView):
    @extend_schema(
        summary="The clarifications of a QAD",
        examples=examples.CLARIFICATIONS,
        description="Each with its thread. A Code Body's drafts only to that Code Body. Any token.",
        responses={200: ClarificationSerializer(many=True), **COMMON},
    )
    def get(self, request, public_id):
        submission = submission_for(request.user, public_id)
        found = visible_clarifications(request.user, submission)
        return Response(ClarificationSerializer(found, many=True).data)


class ClarificationAnswer(ApiView):
    @extend_schema(
        summary="Answer a clarification",
        examples=examples.REPLY,
        description="The participant's reply, added to the thread, while the QAD is sent back "
        "for clarification. Change the answers it is about through their answers endpoint. A "
        "read and write token of one of the participant's people.",
        request=inline_serializer("ClarificationReply", {"text": serializers.CharField()}),
        responses={
            200: ClarificationSerializer,
            **COMMON,
            400: ProblemSerializer,
            403: ProblemSerializer,
        },
    )
    def post(self, request, public_id, clarification_id):
        submission = submission_for(request.user, public_id)
        clarification = get_object_or_404(
            visible_clarifications(request.user, submission), pk=clarification_id
        )
        text = request.data.get("text")
        if not isinstance(text, str):
            raise Problem(400, "Give your answer as `text`.")
        with service_refusals():
            clarification_answer(clarification=clarification, text=text, by=request.user)
        return Response(
            clarification_body(
                visible_clarifications(request.user, submission).get(pk=clarification.pk)
            )
        )
