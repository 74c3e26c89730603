"""The programme's status: the CSV export's rows, a page at a time, with filters."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers

from portal.api import examples
from portal.api.base import ApiView
from portal.api.pagination import ByCreation
from portal.api.problems import COMMON, Problem, ProblemSerializer
from portal.dashboard import (
    EXPORT_COLUMNS,
    filtered_qualifications,
    may_see_programme,
    programme_scope,
    programme_status,
)

FILTERS = ("wave", "role", "route", "stage", "code_body")
# The export's columns as JSON keys: "Initial QAD submitted" is initial_qad_submitted.
KEYS = [column.lower().replace(" ", "_").replace("-", "_") for column in EXPORT_COLUMNS]


# A row as the endpoint gives it (for the schema: the view sends the rows as they are): the
# qualification's id, then the export's columns.
StatusRowSerializer = type(
    "StatusRowSerializer",
    (serializers.Serializer,),
    {"qualification": serializers.UUIDField(), **{key: serializers.CharField() for key in KEYS}},
)


class StatusPages(ByCreation):
    """A report read whole by spreadsheets and dashboards: up to 1,000 rows a page."""

    page_size = 200
    max_page_size = 1000


class ProgrammeStatus(ApiView):
    @extend_schema(
        summary="The programme's status",
        examples=examples.STATUS,
        description="One row per qualification, with the columns of the programme's CSV "
        "export (labels as the export gives them, dates in ISO). Portal admins see every "
        "participant; lead assessors those their Code Body approves; anyone else 403. "
        "Walk every page through `next` (`page_size` up to 1,000, 200 unless given). Any "
        "token.",
        parameters=[
            OpenApiParameter("wave", str, description="A Wave's code, e.g. W1"),
            OpenApiParameter("role", str, description="A market role's code, e.g. SUP"),
            OpenApiParameter(
                "route", str, description="SIT, QT, NON_SIT_LDSO, … (the route's code)"
            ),
            OpenApiParameter("stage", str, description="The qualification's state, e.g. testing"),
            OpenApiParameter("code_body", str, description="An approving Code Body: BSC, REC, DIP"),
        ],
        responses={200: StatusRowSerializer(many=True), **COMMON, 403: ProblemSerializer},
    )
    def get(self, request):
        if not may_see_programme(request.user):
            raise Problem(403, "The programme's status is for portal admins and lead assessors.")
        filters = {key: request.query_params.get(key, "") for key in FILTERS}
        filters["code_bodies"] = programme_scope(request.user)
        chosen = filtered_qualifications(filters)
        paginator = StatusPages()
        page = paginator.paginate_queryset(chosen.values("pk", "public_id"), request, view=self)
        # The page's rows, read by the export's queries over the page's span of keys (the
        # cursor orders by key): two parameters for the database, not one per row. A page that
        # holds every row is read as the export reads them all (the span would only slow the
        # database's plans down).
        if paginator.has_next or paginator.has_previous:
            span = chosen.filter(pk__gte=page[0]["pk"], pk__lte=page[-1]["pk"])
        else:
            span = chosen
        position = {found["public_id"]: n for n, found in enumerate(page)}
        rows = sorted(programme_status(span), key=lambda found: position[found[0]])
        # Plain rows, already text and ISO dates: the serializer only describes them.
        return paginator.get_paginated_response(
            [
                {"qualification": str(public_id), **dict(zip(KEYS, row, strict=True))}
                for public_id, row in rows
            ]
        )
