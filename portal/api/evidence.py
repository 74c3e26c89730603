"""A QAD's evidence through the API: listed with each file's state, downloaded with the page's
rules, uploaded into the same checks as the page's uploads (202 until they have run), and
linked to more questions."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from evidence.models import EvidenceItem, EvidenceLink
from evidence.rules import can_download, can_see_evidence, download_refusal, evidence_visibility
from evidence.services import evidence_change, evidence_upload
from evidence.storage import open_stored
from evidence.uploads import EvidenceUploadHandler, digests_for
from portal.api import examples
from portal.api.base import ApiView
from portal.api.pagination import ByCreation
from portal.api.problems import COMMON, Problem, ProblemSerializer, service_refusals
from qad.models import Question
from qad.published import template_outline
from qad.views.access import current_revision, submission_for
from qualification.input_hygiene import multipart_problem


class EvidenceSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    title = serializers.CharField()
    evidence_type = serializers.CharField()
    file_name = serializers.CharField(source="original_name")
    size = serializers.IntegerField(source="stored_file.size")
    sha256 = serializers.CharField(source="stored_file.sha256")
    state = serializers.CharField(
        help_text="pending (being checked), clean, needs_attention (personal data to explain) "
        "or rejected"
    )
    state_label = serializers.CharField()
    questions = serializers.SerializerMethodField()
    uploaded_at = serializers.DateTimeField()
    download = serializers.SerializerMethodField(
        help_text="Where to download it once its checks have passed; null until then"
    )

    def get_questions(self, item) -> list[str]:
        return self.context["questions"].get(item.pk, [])

    def get_download(self, item) -> str | None:
        if not item.stored_file.downloadable:
            return None
        return reverse("api-evidence-download", kwargs={"public_id": item.public_id})


def _questions_of(revision, items) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for item_id, ref in (
        EvidenceLink.objects.filter(revision=revision, item__in=[i.pk for i in items])
        .order_by("question__position")
        .values_list("item_id", "question__ref")
    ):
        found.setdefault(item_id, []).append(ref)
    return found


def _item_for(user, public_id) -> EvidenceItem:
    item = get_object_or_404(
        EvidenceItem.objects.select_related("stored_file", "submission"), public_id=public_id
    )
    if not can_see_evidence(user, item):
        raise Problem(404, "Not found.")
    return item


def _body(item: EvidenceItem, questions: list[str]) -> dict:
    return EvidenceSerializer(item, context={"questions": {item.pk: questions}}).data


def _linked_refs(item: EvidenceItem) -> list[str]:
    revision = current_revision(item.submission) if item.submission_id else None
    if revision is None:
        return []
    return list(
        EvidenceLink.objects.filter(revision=revision, item=item)
        .order_by("question__position")
        .values_list("question__ref", flat=True)
    )


UPLOAD = inline_serializer(
    "EvidenceUpload",
    {
        "file": serializers.FileField(),
        "evidence_type": serializers.CharField(help_text="One of the template's evidence types"),
        "questions": serializers.ListField(
            child=serializers.CharField(), help_text="Refs of the questions it supports"
        ),
        "title": serializers.CharField(required=False),
    },
)


class SubmissionEvidence(ApiView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="The evidence of a QAD",
        examples=examples.EVIDENCE_LIST,
        description="The files linked to the QAD's current revision that you may see, with "
        "each file's state and, once its checks have passed, where to download it. Any token.",
        responses={200: EvidenceSerializer(many=True), **COMMON},
    )
    def get(self, request, public_id):
        submission = submission_for(request.user, public_id)
        revision = current_revision(submission)
        items = (
            EvidenceItem.objects.filter(links__revision=revision)
            .filter(evidence_visibility(request.user))
            .select_related("stored_file")
            .distinct()
        )
        paginator = ByCreation()
        page = paginator.paginate_queryset(items, request, view=self)
        context = {"questions": _questions_of(revision, page)}
        return paginator.get_paginated_response(
            EvidenceSerializer(page, many=True, context=context).data
        )

    @extend_schema(
        summary="Upload a file",
        examples=examples.UPLOADED,
        description="multipart/form-data with `file`, `evidence_type`, `questions` (one or "
        "more question refs) and an optional `title`. The file goes through the same checks "
        "as a file uploaded on the pages (type, archive structure, malware, personal data) "
        "and the same size limit (413 over it). 202: follow `Location` (the file's state) "
        "until `state` is no longer `pending`. A read and write token of someone who may add "
        "evidence to the QAD.",
        request={"multipart/form-data": UPLOAD},
        responses={
            202: EvidenceSerializer,
            **COMMON,
            400: ProblemSerializer,
            403: ProblemSerializer,
            413: ProblemSerializer,
        },
    )
    def post(self, request, public_id):
        submission = submission_for(request.user, public_id)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.EVIDENCE_MAX_BYTES + 64 * 1024:
            limit = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
            raise Problem(413, f"That file is larger than the {limit:,} MB limit.")
        # Hashed and counted as it streams in, before anything reads the body.
        request._request.upload_handlers.insert(0, EvidenceUploadHandler(request._request))
        files = request.FILES.getlist("file")
        received = digests_for(request._request, "file")
        if multipart_problem(request._request):
            raise Problem(400, "Nothing was saved: a field or file name is not readable text.")
        if len(files) != 1 or len(received) != 1:
            raise Problem(400, "Send one file, in the field `file`.")
        refs = [ref for value in request.data.getlist("questions") for ref in value.split(",")]
        outline = template_outline(submission.template)
        by_ref = {question.ref: question for question in outline.questions.values()}
        unknown = [ref.strip() for ref in refs if ref.strip() not in by_ref]
        if unknown or not refs:
            raise Problem(
                400,
                "Name the questions the file supports, by ref: "
                + (f"not in this QAD: {', '.join(unknown)}." if unknown else "none given."),
                errors={"questions": ["Unknown or missing question refs."]},
            )
        questions = Question.objects.filter(pk__in=[by_ref[ref.strip()].pk for ref in refs])
        with service_refusals():
            result = evidence_upload(
                submission=submission,
                upload=files[0],
                sha256=received[0].sha256,
                title=request.data.get("title", ""),
                evidence_type=request.data.get("evidence_type", ""),
                questions=questions,
                by=request.user,
            )
        item = EvidenceItem.objects.select_related("stored_file").get(pk=result.item.pk)
        response = Response(_body(item, _linked_refs(item)), status=202)
        response["Location"] = reverse("api-evidence", kwargs={"public_id": item.public_id})
        return response


class EvidenceDetail(ApiView):
    @extend_schema(
        summary="One file and its state",
        examples=examples.ONE_FILE,
        description="Poll it after an upload until `state` is no longer `pending`. Any token.",
        responses={200: EvidenceSerializer, **COMMON},
    )
    def get(self, request, public_id):
        item = _item_for(request.user, public_id)
        return Response(_body(item, _linked_refs(item)))


class EvidenceDownload(ApiView):
    @extend_schema(
        summary="Download a file",
        description="Only once its checks have passed (409 while it is being checked; a "
        "rejected file is never served: 404), to those who may see it. Any token.",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="The file"),
            **COMMON,
            409: ProblemSerializer,
        },
    )
    def get(self, request, public_id):
        item = _item_for(request.user, public_id)
        if not can_download(request.user, item):
            if item.stored_file.quarantined:
                raise Problem(404, "Not found.")
            raise Problem(409, str(download_refusal(item)))
        stored = item.stored_file
        response = FileResponse(
            open_stored(stored.storage_name),
            as_attachment=True,
            filename=item.original_name,
            content_type=stored.content_type or "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class EvidenceQuestions(ApiView):
    @extend_schema(
        summary="Link a file to more questions",
        examples=examples.LINK,
        description="Adds the questions named by ref to those the file supports in the QAD "
        "being written (its title and type unchanged). A read and write token of someone who "
        "may change the QAD's evidence.",
        request=inline_serializer(
            "EvidenceLinkRequest",
            {"questions": serializers.ListField(child=serializers.CharField())},
        ),
        responses={
            200: EvidenceSerializer,
            **COMMON,
            400: ProblemSerializer,
            403: ProblemSerializer,
        },
    )
    def post(self, request, public_id):
        item = _item_for(request.user, public_id)
        if item.submission_id is None:
            raise Problem(403, "This file belongs to an evidence pack: link it from the pages.")
        submission = submission_for(request.user, item.submission.public_id)
        refs = request.data.get("questions")
        if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
            raise Problem(400, "Give `questions`: a list of question refs.")
        outline = template_outline(submission.template)
        by_ref = {question.ref: question for question in outline.questions.values()}
        unknown = [ref for ref in refs if ref not in by_ref]
        if unknown:
            raise Problem(400, f"Not questions of this QAD: {', '.join(unknown)}.")
        wanted = set(_linked_refs(item)) | set(refs)
        with service_refusals():
            evidence_change(
                item=item,
                title=item.title,
                evidence_type=item.evidence_type,
                questions=Question.objects.filter(pk__in=[by_ref[ref].pk for ref in wanted]),
                by=request.user,
            )
        item.refresh_from_db()
        return Response(_body(item, _linked_refs(item)))
