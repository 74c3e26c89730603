"""The people of the deadline-afternoon benchmark (`benchmarks.mix`) and what each of them does,
on the scale data set.

Run by `benchmarks.mix` in a process configured like the server; prints one JSON document: a
list of people, each with their own signed-in session and the round of requests they make
over and over:

- participants: two people (the organisation admin and a contributor) of each organisation
  drafting its QAD, each opening a section, autosaving three of their own answers in it
  (each person has their own questions, as colleagues split a QAD between them), moving on
  to the next section, and now and then opening the evidence register or the checklist;
- assessors: every lead and assessor of the three Code Bodies, opening their work queue, a
  review assigned to them and recording a criterion's outcome on it;
- programme users: the portal admin in five sessions, on the dashboard and its CSV export.
"""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict

import django

PARTICIPANT_ORGANISATIONS = int(os.environ.get("BENCH_MIX_ORGANISATIONS", 75))
PROGRAMME_SESSIONS = 5


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    django.setup()
    print(json.dumps(people()))
    return 0


def people() -> list[dict]:
    from benchmarks.load_setup import _session

    found = [*_participants(), *_assessors(), *_programme()]
    for person in found:
        person["session"] = _session(person.pop("email"))
    return found


def _participants() -> list[dict]:
    from django.urls import reverse

    from demo.scale import EMAIL_DOMAIN
    from qad.enums import AnswerType, SubmissionState
    from qad.models import Answer, AnswerConflict, Submission

    drafts = list(
        Submission.objects.filter(state=SubmissionState.DRAFT)
        .select_related("qualification__organisation")
        .order_by("qualification__organisation__legal_name")[:PARTICIPANT_ORGANISATIONS]
    )
    found = []
    for submission in drafts:
        revision = submission.revisions.order_by("-number").first()
        # An edit conflict left by an earlier run would take every later save of its question.
        AnswerConflict.objects.filter(answer__revision=revision, resolved_at__isnull=True).delete()
        answers = (
            Answer.objects.filter(revision=revision)
            .select_related("question__section")
            .order_by("question__section__position", "question__position")
        )
        sections: dict[str, list[Answer]] = defaultdict(list)
        for answer in answers:
            sections[answer.question.section.ref].append(answer)
        free_text = [
            a
            for a in answers
            if a.question.answer_type == AnswerType.FREE_TEXT
            and a.question.options.get("max_length", 10_000) >= 80
        ]
        index = int(submission.qualification.organisation.legal_name.split()[-2])
        base = f"/submissions/{submission.public_id}"
        for turn, role in enumerate(("org-admin", "contributor")):
            mine = {a.question_id for n, a in enumerate(free_text) if n % 2 == turn}
            steps = []
            for number, (ref, section_answers) in enumerate(sections.items()):
                theirs = [a for a in section_answers if a.question_id in mine]
                if not theirs:
                    continue  # a section the colleague writes
                steps.append({"path": f"{base}/sections/{ref}/", "page": "section"})
                # Three autosaves as they type (a pause in typing saves): of their answers in
                # the section, the same one again while they keep writing it.
                for n in range(3):
                    answer = theirs[n % len(theirs)]
                    steps.append(
                        {
                            "path": f"{base}/answers/{answer.question.ref}/",
                            "page": "autosave",
                            "question": answer.question_id,
                            "version": answer.version,
                        }
                    )
                if number % 4 == 3:
                    steps.append({"path": f"{base}/evidence/", "page": "evidence register"})
                if number % 6 == 5:
                    path = reverse("submission-checklist", args=[submission.public_id])
                    steps.append({"path": path, "page": "checklist"})
            found.append(
                {
                    "email": f"{role}@p{index:04d}.{EMAIL_DOMAIN}",
                    "kind": "participant",
                    "steps": steps,
                }
            )
    return found


def _assessors() -> list[dict]:
    from assessment.models import Criterion, Review
    from qualification.models import CodeBodyMembership

    found = []
    members = CodeBodyMembership.objects.select_related("user", "code_body").order_by(
        "code_body__code", "user__email"
    )
    for member in members:
        code = member.code_body.code
        reviews = list(
            Review.objects.filter(code_body=member.code_body, state=Review.State.IN_REVIEW)
            .filter(assignee=member.user)
            .select_related("submission")
            .order_by("pk")[:4]
        ) or list(
            Review.objects.filter(code_body=member.code_body, state=Review.State.IN_REVIEW)
            .select_related("submission")
            .order_by("pk")[:2]
        )
        steps = []
        for review in reviews:
            criterion = (
                Criterion.objects.filter(
                    criteria_set__code_body=member.code_body,
                    criteria_set__template=review.submission.template_id,
                )
                .order_by("pk")
                .first()
            )
            steps.append({"path": f"/code-bodies/{code}/queue/", "page": "work queue"})
            steps.append({"path": f"/reviews/{review.public_id}/", "page": "review screen"})
            if criterion is not None:
                steps.append(
                    {
                        "path": f"/reviews/{review.public_id}/criteria/{criterion.pk}/",
                        "page": "record an outcome",
                        "body": "outcome=met&comment=Evidence+reviewed+in+the+bench",
                    }
                )
        if steps:
            found.append({"email": member.user.email, "kind": "assessor", "steps": steps})
    return found


def _programme() -> list[dict]:
    from demo.scale import EMAIL_DOMAIN

    steps = [
        {"path": "/programme/", "page": "programme dashboard"},
        {"path": "/programme/", "page": "programme dashboard"},
        {"path": "/programme/export.csv", "page": "CSV export"},
    ]
    return [
        {"email": f"admin@{EMAIL_DOMAIN}", "kind": "programme", "steps": steps}
        for _ in range(PROGRAMME_SESSIONS)
    ]


if __name__ == "__main__":
    sys.exit(main())
