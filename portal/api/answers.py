"""Answers by question ref: read with their version (the ETag), written only over the version
the writer read (`If-Match`), through the same service and rules as the section page."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from portal.api import examples
from portal.api.base import ApiView
from portal.api.problems import COMMON, Problem, ProblemSerializer
from qad.enums import AnswerType
from qad.published import template_outline
from qad.rules import answers_editable, can_edit_answer
from qad.services.answers import AnswerLocked, RevisionFrozen, StaleAnswer, answer_save
from qad.views.access import current_revision, latest_answer_for, submission_for


class AnswerSerializer(serializers.Serializer):
    question = serializers.CharField(help_text="The question's ref, e.g. 4.2.1")
    answer_type = serializers.CharField()
    value = serializers.JSONField(
        allow_null=True,
        help_text="Text; true/false; an ISO date (2026-12-31); a choice's value; a number; "
        "a table as a list of rows {column key: cell}; null when not answered",
    )
    version = serializers.IntegerField(help_text="Also the answer's ETag")
    updated_at = serializers.DateTimeField(allow_null=True)
    updated_by = serializers.CharField(allow_null=True)
    editable = serializers.BooleanField(help_text="Whether you may change it now")


class AnswerWriteSerializer(serializers.Serializer):
    value = serializers.JSONField(allow_null=True)


def _body(answer, editable: bool) -> dict:
    return {
        "question": answer.question.ref,
        "answer_type": answer.question.answer_type,
        "value": answer.value,
        "version": answer.version,
        "updated_at": answer.updated_at,
        "updated_by": answer.updated_by.full_name if answer.updated_by_id else None,
        "editable": editable,
    }


def etag(answer) -> str:
    return f'"{answer.version}"'


_TAG = re.compile(r'^\s*(?:W/)?"(\d+)"\s*$')


def _expected_version(request) -> int:
    given = request.headers.get("If-Match")
    if not given:
        raise Problem(
            428,
            "Send If-Match with the ETag of the answer you read: an answer is changed only "
            "over the version its writer has seen.",
        )
    found = _TAG.match(given)
    if found is None:
        raise Problem(400, 'If-Match must be one ETag as the portal gave it, such as "3".')
    return int(found.group(1))


class AnswerList(ApiView):
    @extend_schema(
        summary="Every answer of a QAD",
        examples=examples.ANSWER_LIST,
        description="The answers of the QAD's current revision, in question order. Any token.",
        responses={200: AnswerSerializer(many=True), **COMMON},
    )
    def get(self, request, public_id):
        submission = submission_for(request.user, public_id)
        revision = current_revision(submission)
        questions = template_outline(submission.template).questions
        answers = list(revision.answers.select_related("updated_by"))
        for answer in answers:
            answer.question = questions[answer.question_id]
        answers.sort(key=lambda answer: answer.question.position)
        revision.submission = submission
        editable = answers_editable(request.user, answers, revision)
        return Response(
            AnswerSerializer([_body(a, editable[a.pk]) for a in answers], many=True).data
        )


STALE_EXAMPLE = OpenApiExample(
    "Someone saved it since you read it",
    value={
        "type": "/api/v1/problems/stale",
        "title": "Changed since you read it",
        "status": 412,
        "detail": "Answer 4.2.1 was changed by Priya Shah since version 3; nothing was saved. "
        "Read it again, then send your change with its new ETag.",
        "current": {"version": 4, "value": "Their text"},
    },
    response_only=True,
    status_codes=["412"],
)


class AnswerDetail(ApiView):
    @extend_schema(
        summary="One answer",
        examples=[examples.ONE_ANSWER],
        description="The answer with its version; the ETag header carries the same version. "
        "Any token.",
        responses={200: AnswerSerializer, **COMMON},
    )
    def get(self, request, public_id, question_ref):
        found = latest_answer_for(request.user, public_id, question_ref)
        answer = found.answer
        response = Response(
            AnswerSerializer(
                _body(answer, can_edit_answer(request.user, answer, answer.revision))
            ).data
        )
        response["ETag"] = etag(answer)
        return response

    @extend_schema(
        summary="Change one answer",
        description="A read and write token of a person who may edit the QAD now (a draft, or "
        "answers reopened for clarification). `If-Match` must carry the ETag read: if someone "
        "saved the answer since, nothing is saved and 412 gives the current version and value. "
        "While you have an editing conflict open on the answer in the portal, 409 until you "
        "settle it there. Values are checked as on the section page (400 with the reason). "
        "Audited as you, via this token.",
        parameters=[
            OpenApiParameter(
                "If-Match", str, OpenApiParameter.HEADER, required=True, description='e.g. "3"'
            )
        ],
        request=AnswerWriteSerializer,
        responses={
            200: AnswerSerializer,
            **COMMON,
            400: ProblemSerializer,
            403: ProblemSerializer,
            409: ProblemSerializer,
            412: ProblemSerializer,
            428: ProblemSerializer,
        },
        examples=[
            OpenApiExample(
                "A text answer", value={"value": "Our MPAN registration …"}, request_only=True
            ),
            OpenApiExample(
                "A table answer",
                value={"value": [{"system": "Billing", "tested_on": "2026-11-30", "passed": True}]},
                request_only=True,
            ),
            STALE_EXAMPLE,
            examples.ONE_ANSWER,
        ],
    )
    def put(self, request, public_id, question_ref):
        found = latest_answer_for(request.user, public_id, question_ref)
        answer = found.answer
        question = answer.question
        if not can_edit_answer(request.user, answer, answer.revision):
            raise Problem(403, f"Answer {question.ref} cannot be changed now.")
        if question.answer_type == AnswerType.EVIDENCE_ONLY:
            raise Problem(
                400, f"Question {question.ref} is answered by linking evidence, not a value."
            )
        expected = _expected_version(request)
        written = AnswerWriteSerializer(data=request.data)
        written.is_valid(raise_exception=True)
        try:
            saved = answer_save(
                answer=answer,
                value=written.validated_data["value"],
                expected_version=expected,
                by=request.user,
                keep_conflict=False,
            )
        except ValidationError as error:
            raise Problem(400, " ".join(error.messages), errors={"value": error.messages}) from None
        except StaleAnswer as stale:
            current = stale.current
            if stale.conflict is not None:
                raise Problem(
                    409,
                    f"You have an editing conflict open on answer {question.ref}: settle it on "
                    "its section page first. Nothing was saved.",
                ) from None
            raise Problem(
                412,
                f"Answer {question.ref} was changed since version {expected}; nothing was "
                "saved. Read it again, then send your change with its new ETag.",
                current={"version": current.version, "value": current.value},
            ) from None
        except (RevisionFrozen, AnswerLocked) as locked:
            raise Problem(403, str(locked)) from None
        response = Response(AnswerSerializer(_body(saved, True)).data)
        response["ETag"] = etag(saved)
        return response
