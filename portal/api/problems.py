"""Every API error in one shape, RFC 9457 problem details: `type`, `title`, `status`,
`detail`, and `errors` by field where the input was refused."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

TYPE_BASE = "/api/v1/problems/"
TITLES = {
    400: "The request was refused",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Changed since you read it",
    413: "Too large",
    415: "Unsupported media type",
    428: "Precondition required",
    429: "Too many requests",
}
KINDS = {
    400: "invalid",
    401: "not-authenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    412: "stale",
    413: "too-large",
    428: "precondition-required",
    429: "throttled",
}


class Problem(exceptions.APIException):
    """An error a view raises with its own status and words."""

    def __init__(self, status_code: int, detail: str, **extra):
        self.status_code = status_code
        self.extra = extra
        super().__init__(detail)


@contextmanager
def service_refusals():
    """A service's refusal as the API's answer: not allowed (403), or refused input (400)
    with the service's own words. Nothing was changed: the service refuses before it writes."""
    try:
        yield
    except DjangoPermissionDenied as refused:
        raise Problem(403, str(refused)) from None
    except DjangoValidationError as refused:
        raise Problem(400, " ".join(refused.messages)) from None


def problem(status_code: int, detail: str, *, errors: dict | None = None, **extra) -> Response:
    body = {
        "type": TYPE_BASE + KINDS.get(status_code, "error"),
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return Response(body, status=status_code, content_type="application/problem+json")


def _field_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {
            str(k): [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()
        }
    return {
        "non_field_errors": [str(m) for m in (detail if isinstance(detail, list) else [detail])]
    }


def problem_response(exc, context):
    """DRF's exception handler, answering in problem details."""
    if isinstance(exc, DjangoValidationError):
        errors = (
            {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else None
        )
        return problem(400, " ".join(exc.messages), errors=errors)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Problem):
        return problem(exc.status_code, str(exc.detail), **exc.extra)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's own handling, logged
    code = response.status_code
    if isinstance(exc, exceptions.ValidationError):
        answer = problem(
            code, "Some values were refused; nothing was changed.", errors=_field_errors(exc.detail)
        )
    else:
        answer = problem(code, str(exc.detail) if hasattr(exc, "detail") else str(exc))
    for header in ("Retry-After", "WWW-Authenticate", "Allow"):
        if header in response:
            answer[header] = response[header]
    if code == status.HTTP_429_TOO_MANY_REQUESTS and "Retry-After" not in answer:
        answer["Retry-After"] = "60"
    return answer


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField(help_text="/api/v1/problems/<kind>")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What happened, in words for a person")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="The refused values' messages, by field",
    )


# Every endpoint may answer these.
COMMON = {
    401: ProblemSerializer,  # no token, or one that is unknown, expired or revoked
    404: ProblemSerializer,  # not there, or not yours to see
    429: ProblemSerializer,  # over the token's request budget: see Retry-After
}
