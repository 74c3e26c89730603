"""The API on the 300-organisation data set, in-process: the programme's status walked page by
page against the CSV export it mirrors (rows a second), and an answer written over its ETag."""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time

from benchmarks.report import Row, measure

ORGANISATIONS = 300
PAGE = 1000  # the largest page a client may ask for, as a reporting system would


def run(*, organisations: int = ORGANISATIONS) -> list[Row]:
    from django.core.management import call_command
    from django.test.utils import override_settings

    call_command("migrate", verbosity=0)
    with (
        tempfile.TemporaryDirectory(prefix="qad-api-") as media,
        override_settings(MEDIA_ROOT=media, REQUIRE_SECOND_FACTOR=False),
    ):
        return _measure(organisations)


def _measure(organisations: int) -> list[Row]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from demo.scale import EMAIL_DOMAIN, NAME_PREFIX, scale_load
    from qad.enums import AnswerType, SubmissionState
    from qad.models import Answer
    from qualification.api_tokens import token_create
    from qualification.models import ApiToken, Qualification, User

    if not Qualification.objects.filter(organisation__legal_name__startswith=NAME_PREFIX).exists():
        scale_load(organisations=organisations, password="bench-api-password", evidence=4)
    total = Qualification.objects.count()

    def token(email: str) -> str:
        return token_create(
            user=User.objects.get(email=email),
            name="Benchmark",
            expires_on=timezone.localdate() + dt.timedelta(days=1),
            scope=ApiToken.Scope.READ_WRITE,
            verified=True,
        ).secret

    admin = Client(headers={"Authorization": f"Bearer {token(f'admin@{EMAIL_DOMAIN}')}"})
    participant_secret = token(f"org-admin@p0001.{EMAIL_DOMAIN}")
    exporter = Client()
    exporter.force_login(User.objects.get(email=f"admin@{EMAIL_DOMAIN}"))

    def walk() -> int:
        url, rows, pages = f"/api/v1/programme/status/?page_size={PAGE}", 0, 0
        while url:
            response = admin.get(url)
            assert response.status_code == 200, response.content[:200]
            page = response.json()
            rows, pages, url = rows + len(page["results"]), pages + 1, page["next"]
        assert rows == total
        return pages

    def export() -> None:
        assert exporter.get("/programme/export.csv").status_code == 200

    pages = walk()
    walked = measure("API: programme status, every page", walk, runs=10)
    exported = measure("programme CSV export (the same rows)", export, runs=10)
    walked_rate = total / (walked.median_ms / 1000)
    exported_rate = total / (exported.median_ms / 1000)
    rows = [
        Row(
            walked.name,
            walked.runs,
            walked.median_ms,
            walked.p95_ms,
            walked.queries,
            f"{total} qualifications in {pages} page(s) of up to {PAGE} ({walked.queries // pages} "
            "queries "
            f"a page): {walked_rate:,.0f} rows/s, {walked_rate / exported_rate:.0%} of the "
            "export's",
        ),
        Row(
            exported.name,
            exported.runs,
            exported.median_ms,
            exported.p95_ms,
            exported.queries,
            f"{exported_rate:,.0f} rows/s",
        ),
    ]

    answer = (
        Answer.objects.filter(
            revision__submission__qualification__organisation__legal_name=f"{NAME_PREFIX} 0001 Ltd",
            revision__submission__state=SubmissionState.DRAFT,
            question__answer_type=AnswerType.FREE_TEXT,
        )
        .select_related("question", "revision__submission")
        .order_by("question__position")
        .first()
    )
    writer = Client(headers={"Authorization": f"Bearer {participant_secret}"})
    url = (
        f"/api/v1/submissions/{answer.revision.submission.public_id}/answers/{answer.question.ref}/"
    )
    etag = [writer.get(url)["ETag"]]
    timings: list[float] = []

    def write() -> None:
        started = time.perf_counter()
        response = writer.put(
            url,
            {"value": f"Written through the API {time.time_ns()}"},
            content_type="application/json",
            headers={"If-Match": etag[0]},
        )
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:200]
        etag[0] = response["ETag"]

    for _ in range(3):
        write()
    # Each request of the test client empties the query log as it starts: empty it first so
    # that the capture counts from zero.
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        write()
    timings.clear()
    for _ in range(50):
        write()
    timings.sort()
    rows.append(
        Row(
            "API: write an answer (PUT, If-Match)",
            len(timings),
            statistics.median(timings),
            timings[round(0.95 * (len(timings) - 1))],
            len(captured.captured_queries),
            "the autosave's service; Django test client, no HTTP server",
        )
    )
    return rows
