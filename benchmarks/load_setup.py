"""The signed-in sessions and URLs the load benchmark requests, on the scale data set.

Run by `benchmarks.load` in a process configured like the server (its database and
settings); prints one JSON document: for each hot path, its URL, the session cookie to send,
and how many SQL queries one request makes (counted through the test client).
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import time

import django


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    django.setup()
    print(json.dumps(targets()))
    return 0


def _session(email: str) -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from benchmarks.second_factor import verify_second_factor
    from qualification.backends import SIGN_IN_BACKEND
    from qualification.models import User
    from qualification.security import SIGNED_IN_AT

    user = User.objects.get(email=email)
    # The server's own session engine (the database).
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = SIGN_IN_BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SIGNED_IN_AT] = int(time.time())
    verify_second_factor(user, session)
    session.create()
    return session.session_key


def targets() -> list[dict]:
    from django.db.models import Count

    from assessment.models import Review
    from demo.scale import EMAIL_DOMAIN, NAME_PREFIX, supplier_review_in_review
    from qad.models import Answer, AnswerConflict, Submission

    draft = (
        Submission.objects.filter(
            qualification__organisation__legal_name=f"{NAME_PREFIX} 0001 Ltd", stage="initial"
        )
        .select_related("qualification__organisation")
        .get()
    )
    revision = draft.revisions.order_by("-number").first()
    # The section with the most questions: the page with the most to render.
    largest = (
        Answer.objects.filter(revision=revision)
        .values("question__section__ref")
        .annotate(n=Count("pk"))
        .order_by("-n", "question__section__ref")
        .first()
    )
    # An edit conflict left open by an earlier run (two saves of one question crossing) would
    # take every save of its question into the conflict: the bench's data set starts clean.
    AnswerConflict.objects.filter(answer__revision=revision, resolved_at__isnull=True).delete()
    free_text = [
        {"pk": a.question_id, "ref": a.question.ref, "version": a.version}
        for a in Answer.objects.filter(revision=revision, question__answer_type="free_text")
        .select_related("question")
        .order_by("question__position")
        if a.question.options.get("max_length", 10_000) >= 80
    ]
    review = supplier_review_in_review("BSC")
    participant = _session(f"org-admin@p0001.{EMAIL_DOMAIN}")
    lead = _session(f"lead@bsc.{EMAIL_DOMAIN}")
    admin = _session(f"admin@{EMAIL_DOMAIN}")
    submission = f"/submissions/{draft.public_id}"
    found = [
        {"name": "ceiling: bare view, fixed string", "path": "/bench/ceiling/", "session": ""},
        # The same view for a signed-in participant: what every page pays before its own work
        # (session, user, second-factor rule, middleware).
        {
            "name": "signed-in overhead: bare view, participant",
            "path": "/bench/ceiling/",
            "session": participant,
        },
        {"name": "participant home", "path": "/", "session": participant},
        {
            "name": f"QAD section {largest['question__section__ref']} ({largest['n']} questions)",
            "path": f"{submission}/sections/{largest['question__section__ref']}/",
            "session": participant,
        },
        {
            "name": "save an answer (POST, autosave)",
            "path": f"{submission}/answers/",
            "session": participant,
            "method": "POST",
            "questions": free_text,
        },
        {
            "name": "evidence register, 200 files",
            "path": f"{submission}/evidence/",
            "session": participant,
        },
        {
            "name": f"assessor queue, BSC ({Review.objects.filter(code_body__code='BSC').count()})",
            "path": "/code-bodies/BSC/queue/",
            "session": lead,
        },
        {
            "name": "review screen (BSC, in review)",
            "path": f"/reviews/{review.public_id}/",
            "session": lead,
        },
        {"name": "programme dashboard", "path": "/programme/", "session": admin},
        {"name": "programme CSV export", "path": "/programme/export.csv", "session": admin},
    ]
    for target in found:
        target["queries"], target["status"] = _count_queries(target)
        target["csrf"] = secrets.token_hex(16)
    return found


def _count_queries(target: dict) -> tuple[int, int]:
    """Queries of one request once the server is warm (the second of two requests)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if target["session"]:
        client.cookies["sessionid"] = target["session"]
    status = queries = 0
    for attempt in range(2):
        with CaptureQueriesContext(connection) as captured:
            if target.get("method") == "POST":
                question = target["questions"][attempt]
                response = client.post(
                    f"{target['path']}{question['ref']}/",
                    {
                        f"q{question['pk']}-version": question["version"],
                        f"q{question['pk']}-value": f"Counted answer {secrets.token_hex(4)}",
                    },
                    headers={"HX-Request": "true"},
                )
                saved = response.headers.get("X-Save-Outcome", "200")
                status = response.status_code if saved == "200" else int(saved)
                question["version"] += 1
            else:
                response = client.get(target["path"])
                status = response.status_code
        queries = len(captured.captured_queries)
    return queries, status


if __name__ == "__main__":
    sys.exit(main())
