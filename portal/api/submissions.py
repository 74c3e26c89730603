"""A QAD: its status and progress, and the questions it asks this participant."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from portal.api import examples
from portal.api.base import ApiView
from portal.api.problems import COMMON
from qad.published import template_outline
from qad.views.access import current_revision, submission_for


class ProgressSerializer(serializers.Serializer):
    answered = serializers.IntegerField(
        help_text="Required questions complete (answer and evidence)"
    )
    required = serializers.IntegerField()
    percent = serializers.IntegerField()
    up_to_date = serializers.BooleanField(
        help_text="False while the portal is counting afresh (a few seconds after a change)"
    )


class SubmissionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    qualification = serializers.UUIDField()
    organisation = serializers.CharField()
    stage = serializers.CharField()
    state = serializers.CharField()
    template_version = serializers.CharField()
    revision = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    progress = ProgressSerializer()


def submission_body(submission, revision) -> dict:
    return {
        "id": submission.public_id,
        "qualification": submission.qualification.public_id,
        "organisation": submission.qualification.organisation.legal_name,
        "stage": submission.stage,
        "state": submission.state,
        "template_version": submission.template.version,
        "revision": revision.number,
        "submitted_at": revision.submitted_at,
        "progress": {
            "answered": revision.answered_count,
            "required": revision.required_count,
            "percent": revision.percent_complete,
            "up_to_date": not revision.completeness_stale,
        },
    }


class SubmissionDetail(ApiView):
    @extend_schema(
        summary="A QAD's status and progress",
        description="Progress counts required questions complete by the same rule as the "
        "pages' progress bars. 404 for a QAD you may not see (Code Bodies see a QAD once it is "
        "submitted to them). Any token.",
        responses={200: SubmissionSerializer, **COMMON},
        examples=[
            OpenApiExample(
                "A draft half answered",
                value={
                    "id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
                    "qualification": "3f1c2d9e-5a7b-4c1d-9e2f-0a1b2c3d4e5f",
                    "organisation": "Northern Lights Energy Ltd",
                    "stage": "initial",
                    "state": "draft",
                    "template_version": "3.01",
                    "revision": 1,
                    "submitted_at": None,
                    "progress": {"answered": 31, "required": 62, "percent": 50, "up_to_date": True},
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, public_id):
        submission = submission_for(request.user, public_id)
        return Response(
            SubmissionSerializer(submission_body(submission, current_revision(submission))).data
        )


class QuestionSerializer(serializers.Serializer):
    ref = serializers.CharField()
    prompt = serializers.CharField()
    guidance = serializers.CharField()
    answer_type = serializers.CharField()
    required = serializers.BooleanField()
    options = serializers.DictField(
        help_text="choices (value, label), table columns (key, label, type), max_length, "
        "min, max, unit: as the answer type has them"
    )
    evidence = serializers.ListField(
        child=serializers.DictField(), help_text="Evidence types expected (type, required)"
    )


class SectionSerializer(serializers.Serializer):
    ref = serializers.CharField()
    title = serializers.CharField()
    guidance = serializers.CharField()
    questions = QuestionSerializer(many=True)


class SubmissionQuestions(ApiView):
    @extend_schema(
        summary="The questions this QAD asks",
        examples=examples.QUESTIONS,
        description="The template version's sections and questions that apply to this "
        "participant (its market roles, route, stage and answers that bring questions in), in "
        "order; guidance-only sections are left out. Any token.",
        responses={200: SectionSerializer(many=True), **COMMON},
    )
    def get(self, request, public_id):
        submission = submission_for(request.user, public_id)
        revision = current_revision(submission)
        outline = template_outline(submission.template)
        asked = set(revision.answers.order_by().values_list("question_id", flat=True))
        sections: dict[int, dict] = {}
        questions = sorted(
            (outline.questions[pk] for pk in asked), key=lambda question: question.position
        )
        for question in questions:
            section = question.section
            entry = sections.setdefault(
                section.pk,
                {
                    "ref": section.ref,
                    "title": section.title,
                    "guidance": section.guidance,
                    "questions": [],
                    "position": section.position,
                },
            )
            entry["questions"].append(
                {
                    "ref": question.ref,
                    "prompt": question.prompt,
                    "guidance": question.guidance,
                    "answer_type": question.answer_type,
                    "required": question.required,
                    "options": question.options or {},
                    "evidence": question.evidence or [],
                }
            )
        ordered = sorted(sections.values(), key=lambda entry: entry["position"])
        return Response(SectionSerializer(ordered, many=True).data)
