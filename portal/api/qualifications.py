"""Qualifications, with each market role's stage and approvals."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from portal.api.base import ApiView
from portal.api.pagination import ByCreation
from portal.api.problems import COMMON
from qad.enums import SubmissionState
from qad.models import Submission
from qualification.models import Membership, QualificationRole, RoleApproval
from qualification.selectors import qualifications_visible_to


class ApprovalSerializer(serializers.Serializer):
    code_body = serializers.CharField(source="code_body.code")
    outcome = serializers.CharField()
    meeting_date = serializers.DateField(allow_null=True)


class RoleSerializer(serializers.Serializer):
    market_role = serializers.CharField(source="market_role.code")
    name = serializers.CharField(source="market_role.name")
    mpid = serializers.CharField(source="mpid.code", allow_null=True, default=None)
    stage = serializers.SerializerMethodField(
        help_text="activated (in Service Activation or live), qualified, or the "
        "qualification's own state while the role is not qualified yet"
    )
    qualified_on = serializers.DateField(allow_null=True)
    activated_on = serializers.DateField(allow_null=True)
    approvals = ApprovalSerializer(many=True)

    def get_stage(self, role) -> str:
        if role.activated_on:
            return "activated"
        if role.qualified_on:
            return "qualified"
        return role.qualification.state


class SubmissionLinkSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    stage = serializers.CharField()
    state = serializers.CharField()


class QualificationSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    organisation = serializers.CharField(source="organisation.legal_name")
    company_number = serializers.CharField(source="organisation.company_number")
    route = serializers.CharField()
    wave = serializers.CharField(source="wave.code", allow_null=True, default=None)
    state = serializers.CharField()
    target_migration_date = serializers.DateField(allow_null=True)
    roles = RoleSerializer(many=True)
    submissions = serializers.SerializerMethodField()

    @extend_schema_field(SubmissionLinkSerializer(many=True))
    def get_submissions(self, qualification) -> list:
        # A draft is the participant's own working copy (qad.rules.can_view_submission).
        shown = [
            submission
            for submission in qualification.submissions.all()
            if qualification.reader_is_member
            or self.context["reader"].is_staff
            or submission.state != SubmissionState.DRAFT
        ]
        return SubmissionLinkSerializer(shown, many=True).data


def _qualifications(user):
    return (
        qualifications_visible_to(user)
        .annotate(
            reader_is_member=Exists(
                Membership.objects.filter(user=user, organisation=OuterRef("organisation_id"))
            )
        )
        .select_related("organisation", "wave")
        .prefetch_related(
            Prefetch(
                "roles",
                queryset=QualificationRole.objects.select_related(
                    "market_role", "mpid", "qualification"
                )
                .prefetch_related(
                    Prefetch(
                        "approvals",
                        queryset=RoleApproval.objects.select_related("code_body").order_by(
                            "code_body__position"
                        ),
                    )
                )
                .order_by("market_role__position"),
            ),
            Prefetch("submissions", queryset=Submission.objects.order_by("created_at")),
        )
    )


EXAMPLE = OpenApiExample(
    "A supplier in Wave 1",
    value={
        "id": "3f1c2d9e-5a7b-4c1d-9e2f-0a1b2c3d4e5f",
        "organisation": "Northern Lights Energy Ltd",
        "company_number": "08123456",
        "route": "sit",
        "wave": "W1",
        "state": "testing",
        "target_migration_date": "2026-03-31",
        "roles": [
            {
                "market_role": "SUP",
                "name": "Supplier",
                "mpid": "NLEL",
                "stage": "testing",
                "qualified_on": None,
                "activated_on": None,
                "approvals": [],
            }
        ],
        "submissions": [
            {"id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a", "stage": "initial", "state": "drafting"}
        ],
    },
    response_only=True,
)


class QualificationList(ApiView):
    @extend_schema(
        summary="Qualifications you may see",
        description="Your organisations' qualifications; for Code Body staff those of the "
        "market roles their Code Body approves; every one for a portal admin. Any token.",
        responses={200: QualificationSerializer(many=True), **COMMON},
        examples=[EXAMPLE],
    )
    def get(self, request):
        paginator = ByCreation()
        page = paginator.paginate_queryset(_qualifications(request.user), request, view=self)
        return paginator.get_paginated_response(
            QualificationSerializer(page, many=True, context={"reader": request.user}).data
        )


class QualificationDetail(ApiView):
    @extend_schema(
        summary="One qualification",
        description="404 for a qualification you may not see. Any token.",
        responses={200: QualificationSerializer, **COMMON},
        examples=[EXAMPLE],
    )
    def get(self, request, public_id):
        qualification = get_object_or_404(_qualifications(request.user), public_id=public_id)
        return Response(
            QualificationSerializer(qualification, context={"reader": request.user}).data
        )
