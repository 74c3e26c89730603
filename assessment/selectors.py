"""Reads for the Code Body pages: the work queue, a review, what changed, and the automated
check results shown on both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Prefetch, Subquery, prefetch_related_objects
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from assessment.enums import CheckRunStatus, CheckStatus
from assessment.models import (
    CheckResult,
    CheckRun,
    Clarification,
    ClarificationMessage,
    Criterion,
    CriterionOutcome,
    Review,
    ServiceActivationStep,
    SmsExemptionDecision,
)
from assessment.rules import SMS_EXEMPTION_DECIDERS
from assessment.services.reviews import (
    applicable_criteria,
    blocking_work_off,
)
from assessment.working_days import add_working_days, working_days_between
from evidence.models import EvidenceItem, EvidenceLink
from evidence.selectors import question_links
from qad.enums import AnswerType, SubmissionStage
from qad.models import Answer, Revision
from qad.selectors import submitted_revision
from qad.templatetags.qad_answers import answer_plain_text, cell_text
from qad.word_diff import word_diff
from qualification.enums import Route
from qualification.models import (
    CodeBody,
    Qualification,
    QualificationRole,
    RoleApproval,
    User,
)
from qualification.url_patterns import reverse_each

PAGE_SIZE = 50
OPEN_STATES = (Review.State.WAITING, Review.State.IN_REVIEW, Review.State.AWAITING_PARTICIPANT)


@dataclass
class QueueRow:
    review: Review
    revision: Revision | None
    days_waiting: int
    target: int
    due: dt.date | None
    checks: CheckSummary | None = None
    # What the row shows, as text: made once per page for labels shared by every row
    # (see `_labelled`), not once per row by the template.
    url: str = ""
    roles: str = ""
    route_and_wave: str = ""
    stage: str = ""
    state: str = ""
    revision_label: str = ""
    waiting: str = ""
    due_label: str = ""
    check_counts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def with_participant(self) -> bool:
        """The clock stops while the participant answers clarifications: the ball is in its
        court, and it starts again from the new revision's submission."""
        return self.review.state == Review.State.AWAITING_PARTICIPANT

    @property
    def overdue(self) -> bool:
        return self.review.state in Review.CLOCK_RUNNING and self.days_waiting > self.target


def queue(code_body: CodeBody, *, filters: dict, user: User, page: int = 1):
    reviews = (
        Review.objects.filter(code_body=code_body)
        .select_related(
            "submission__qualification__organisation", "submission__qualification__wave", "assignee"
        )
        .prefetch_related(
            Prefetch(
                "submission__qualification__roles",
                queryset=QualificationRole.objects.select_related("market_role", "mpid"),
            ),
            Prefetch(
                "submission__revisions",
                queryset=Revision.objects.only(
                    "pk", "submission_id", "number", "submitted_at"
                ).order_by("-number"),
            ),
        )
    )
    state = filters.get("state") or "open"
    if state == "open":
        reviews = reviews.filter(state__in=OPEN_STATES)
    elif state in Review.State.values:
        reviews = reviews.filter(state=state)
    if filters.get("role"):
        # Through the roles a review is joined once per matching role: made distinct below.
        reviews = reviews.filter(
            submission__qualification__roles__market_role__code=filters["role"]
        ).distinct()
    if filters.get("route"):
        reviews = reviews.filter(submission__qualification__route=filters["route"])
    if filters.get("stage"):
        reviews = reviews.filter(submission__stage=filters["stage"])
    if filters.get("wave"):
        reviews = reviews.filter(submission__qualification__wave__code=filters["wave"])
    assignee = filters.get("assignee")
    if assignee == "me":
        reviews = reviews.filter(assignee=user)
    elif assignee == "none":
        reviews = reviews.filter(assignee__isnull=True)
    elif assignee and assignee.isdigit():
        reviews = reviews.filter(assignee_id=int(assignee))
    sort = filters.get("sort") or "waiting"
    order = {
        "waiting": ["waiting_since", "pk"],
        "organisation": ["submission__qualification__organisation__legal_name", "pk"],
        "stage": ["submission__stage", "waiting_since"],
    }.get(sort, ["waiting_since", "pk"])
    reviews = reviews.order_by(*order)
    today = timezone.localdate()
    target = code_body.review_target_working_days

    def row(review: Review) -> QueueRow:
        # The revision under review: the latest submitted, not one being prepared.
        submitted = [r for r in review.submission.revisions.all() if r.submitted_at]
        since = timezone.localdate(review.waiting_since) if review.waiting_since else today
        return QueueRow(
            review=review,
            revision=submitted[0] if submitted else None,
            days_waiting=working_days_between(since, today),
            target=target,
            due=add_working_days(since, target) if review.waiting_since else None,
        )

    if filters.get("overdue") == "yes":
        # The working-day clock is computed in Python; the queue of open reviews is small.
        rows = [r for r in map(row, reviews) if r.overdue]
        paginator = Paginator(rows, PAGE_SIZE)
        page_obj = paginator.get_page(page)
        return page_obj, _labelled(_with_checks(list(page_obj.object_list), code_body))
    paginator = Paginator(reviews, PAGE_SIZE)
    page_obj = paginator.get_page(page)
    return page_obj, _labelled(_with_checks([row(r) for r in page_obj.object_list], code_body))


def _labelled(rows: list[QueueRow]) -> list[QueueRow]:
    """Each row's text, with each translated label and link pattern looked up once for the
    page rather than once per row."""
    link = reverse_each("review-detail", "public_id")
    stages = {value: str(label) for value, label in SubmissionStage.choices}
    states = {value: str(label) for value, label in Review.State.choices}
    routes = {value: str(label) for value, label in Route.choices}
    statuses = {value: str(label).lower() for value, label in CheckStatus.choices}
    revision_text = gettext("rev. %(n)s")
    due_text = gettext("due %(due)s")
    waited: dict[int, str] = {}
    days: dict[dt.date, str] = {}
    for row in rows:
        review = row.review
        qualification = review.submission.qualification
        row.url = link(review.public_id)
        row.roles = ", ".join(
            f"{role.market_role.code} ({role.mpid.code})" if role.mpid else role.market_role.code
            for role in qualification.roles.all()
        )
        wave = qualification.wave
        row.route_and_wave = routes.get(qualification.route, qualification.route) + (
            f" · {wave.name}" if wave else ""
        )
        row.stage = stages.get(review.submission.stage, review.submission.stage)
        row.state = states.get(review.state, review.state)
        if row.revision is not None:
            row.revision_label = revision_text % {"n": row.revision.number}
        if row.days_waiting not in waited:
            waited[row.days_waiting] = ngettext(
                "%(n)s working day", "%(n)s working days", row.days_waiting
            ) % {"n": row.days_waiting}
        row.waiting = waited[row.days_waiting]
        if row.due is not None:
            if row.due not in days:
                days[row.due] = due_text % {"due": date_format(row.due, "j M")}
            row.due_label = days[row.due]
        if row.checks is not None:
            row.check_counts = [
                (status, f"{count} {statuses.get(status, status)}")
                for status, _label, count in row.checks.found
            ]
    return rows


def _with_checks(rows: list[QueueRow], code_body: CodeBody) -> list[QueueRow]:
    """Each row's check results for this Code Body's criteria, on its latest submitted
    revision (a revision being prepared in answer to clarifications has not been checked)."""
    checked = {row.review.pk: row.revision.pk for row in rows if row.revision is not None}
    summaries = check_summaries(checked.values(), code_body=code_body)
    for row in rows:
        row.checks = summaries.get(checked.get(row.review.pk))
    return rows


@dataclass
class QuestionView:
    answer: Answer
    evidence: list[EvidenceLink]
    clarifications: list[Clarification]


@dataclass
class CriterionView:
    criterion: Criterion
    outcome: CriterionOutcome | None
    questions: list[QuestionView]
    checks: list = field(default_factory=list)


def _with_answers_when_asked(threads: dict[int, list[Clarification]], answers: dict) -> None:
    """The revised answer comes back into the clarification's thread: each answered
    clarification whose answer has changed since it was asked carries the answer as it was
    then (`answer_when_asked`), to read beside the answer now submitted."""
    asked = [c for found in threads.values() for c in found if c.answered_in_id]
    earlier = {
        (a.revision_id, a.question_id): a.value
        for a in Answer.objects.filter(
            revision_id__in={c.raised_in_id for c in asked},
            question_id__in={c.question_id for c in asked},
        )
    }
    for clarification in asked:
        key = (clarification.raised_in_id, clarification.question_id)
        now = answers.get(clarification.question_id)
        if key in earlier and now is not None and earlier[key] != now.value:
            clarification.answer_when_asked = earlier[key]
            clarification.revised = True


CRITERIA_PAGE_SIZE = 10


@dataclass
class CriterionEntry:
    """A criterion in the review screen's list of every criterion: its outcome, and where
    its answers are shown."""

    criterion: Criterion
    outcome: CriterionOutcome | None
    outcome_label: str
    href: str


def review_screen(
    review: Review, *, page: int | str | None = 1, criterion: int | None = None
) -> dict:
    """The review of what the participant submitted: a revision being prepared in answer to
    clarifications stays the participant's own until it is submitted.

    Every criterion is listed with its outcome; the answers, evidence, clarifications and
    check results are read and shown for a page of them (`page`, or the page holding
    `criterion`, a criterion's pk)."""
    submission = review.submission
    revision = submitted_revision(submission)
    present = set(revision.answers.order_by().values_list("question_id", flat=True))
    criteria = applicable_criteria(review, revision, present=present)
    if criterion is not None:
        position = next((i for i, c in enumerate(criteria) if c.pk == criterion), None)
        if position is not None:
            page = position // CRITERIA_PAGE_SIZE + 1
    criteria_page = Paginator(criteria, CRITERIA_PAGE_SIZE).get_page(page)
    shown = list(criteria_page.object_list)
    # The published criteria's questions (cached, read-only) stand for the answers' own.
    questions = {q.pk: q for c in shown for q in c.questions.all() if q.pk in present}
    answers = {}
    for answer in revision.answers.filter(question_id__in=questions).order_by():
        answer.question = questions[answer.question_id]
        answers[answer.question_id] = answer
    qualification = submission.qualification
    prefetch_related_objects(
        [qualification],
        Prefetch("roles", queryset=QualificationRole.objects.select_related("market_role", "mpid")),
    )
    links: dict[int, list[EvidenceLink]] = {}
    for link in question_links(revision, questions):
        links.setdefault(link.question_id, []).append(link)
    clarifications = list(
        Clarification.objects.filter(submission=submission, code_body=review.code_body)
        .select_related("raised_in")
        .order_by("raised_at", "pk")
    )
    drafts = sum(1 for c in clarifications if c.state == Clarification.State.DRAFT)
    on_page = [c for c in clarifications if c.question_id in questions]
    prefetch_related_objects(
        on_page,
        Prefetch("messages", queryset=ClarificationMessage.objects.select_related("author")),
    )
    threads: dict[int, list[Clarification]] = {}
    for clarification in on_page:
        threads.setdefault(clarification.question_id, []).append(clarification)
    _with_answers_when_asked(threads, answers)
    outcomes = {
        o.criterion_id: o for o in review.outcomes.select_related("recorded_by", "revision")
    }
    checks = latest_check_results(revision, review.code_body, criteria=shown)
    views = []
    for shown_criterion in shown:
        criterion_questions = [
            QuestionView(answers[q.pk], links.get(q.pk, []), threads.get(q.pk, []))
            for q in shown_criterion.questions.all()  # by position
            if q.pk in answers
        ]
        views.append(
            CriterionView(
                shown_criterion,
                outcomes.get(shown_criterion.pk),
                criterion_questions,
                checks.get(shown_criterion.pk, []),
            )
        )
    labels = {value: str(label) for value, label in CriterionOutcome.Outcome.choices}
    index = []
    for position, listed in enumerate(criteria):
        outcome = outcomes.get(listed.pk)
        on_this_page = position // CRITERIA_PAGE_SIZE + 1 == criteria_page.number
        index.append(
            CriterionEntry(
                listed,
                outcome,
                labels.get(outcome.outcome, outcome.outcome) if outcome else "",
                f"#criterion-{listed.pk}"
                if on_this_page
                else f"?criterion={listed.pk}#criterion-{listed.pk}",
            )
        )
    decided = sum(1 for c in criteria if c.pk in outcomes)
    assessors = list(
        User.objects.filter(
            code_body_memberships__code_body=review.code_body,
            code_body_memberships__role__in=["assessor", "lead_assessor"],
        ).order_by("full_name")
    )
    # The assignee is one of them (the page names them): not read a second time.
    assignee = next((a for a in assessors if a.pk == review.assignee_id), None)
    if assignee is not None:
        review.assignee = assignee
    return {
        "review": review,
        "submission": submission,
        "qualification": qualification,
        "revision": revision,
        "criteria": views,
        "criteria_page": criteria_page,
        "criteria_index": index,
        "decided": decided,
        "total": len(criteria),
        "draft_clarifications": drafts,
        "blocking_work_off": blocking_work_off(review),
        "assessors": assessors,
        "assignments": review.assignments.select_related("assignee", "assigned_by"),
    }


@dataclass
class AnswerChange:
    answer: Answer
    before: str
    after: str
    segments: list[tuple[str, str]]
    table: TableChange | None = None  # a table answer: compared cell by cell


@dataclass
class TableChange:
    """A table answer before and after, row by row: each row "added", "removed" or "kept",
    each cell with its text before and after (the same when it did not change)."""

    columns: list[str]
    rows: list[tuple[str, list[tuple[str, str]]]]


def _table_change(question, before: list | None, after: list | None) -> TableChange:
    columns = question.options.get("columns", [])

    def cells(row: dict | None) -> list[str]:
        return [cell_text(c, (row or {}).get(c["key"])) for c in columns]

    old_rows, new_rows = before or [], after or []
    rows = []
    for number in range(max(len(old_rows), len(new_rows))):
        old = old_rows[number] if number < len(old_rows) else None
        new = new_rows[number] if number < len(new_rows) else None
        state = "added" if old is None else "removed" if new is None else "kept"
        old_cells = cells(old) if old is not None else [""] * len(columns)
        new_cells = cells(new) if new is not None else old_cells
        if old is None:
            old_cells = new_cells
        rows.append((state, list(zip(old_cells, new_cells, strict=True))))
    return TableChange([c["label"] for c in columns], rows)


@dataclass
class EvidenceChange:
    question_ref: str
    added: list[str]
    removed: list[str]
    replaced: list[tuple[str, str]] = field(default_factory=list)  # (old title, new title)


def revision_changes(review: Review) -> dict:
    """What changed between the revision this Code Body last reviewed and the latest submitted
    one (never the participant's unsubmitted edits)."""
    submission = review.submission
    current = submitted_revision(submission)
    base = review.reviewed_revision
    if base is None or base.pk == current.pk:
        base = (
            submission.revisions.filter(number__lt=current.number, submitted_at__isnull=False)
            .order_by("-number")
            .first()
        )
    if base is None:
        return {"base": None, "current": current, "answers": [], "evidence": [], "criteria": []}
    before = {a.question_id: a for a in base.answers.select_related("question")}
    changes: list[AnswerChange] = []
    for answer in current.answers.select_related("question").order_by("question__position"):
        old = before.get(answer.question_id)
        if old is not None and old.value != answer.value:
            old_text, new_text = answer_plain_text(old), answer_plain_text(answer)
            change = AnswerChange(answer, old_text, new_text, word_diff(old_text, new_text))
        elif old is None and answer.value not in (None, "", []):
            # A question answered for the first time in this revision (a reopened condition).
            new_text = answer_plain_text(answer)
            change = AnswerChange(answer, "", new_text, word_diff("", new_text))
        else:
            continue
        if answer.question.answer_type == AnswerType.TABLE:
            change.table = _table_change(
                answer.question, old.value if old is not None else None, answer.value
            )
        changes.append(change)

    def files(revision) -> dict[int, dict[str, EvidenceItem]]:
        by_question: dict[int, dict[str, EvidenceItem]] = {}
        for link in EvidenceLink.objects.filter(revision=revision).select_related(
            "item__stored_file", "question"
        ):
            by_question.setdefault(link.question_id, {})[link.item.stored_file.sha256] = link.item
        return by_question

    old_files, new_files = files(base), files(current)
    refs = dict(current.answers.values_list("question_id", "question__ref"))
    evidence = []
    for question_id in sorted(set(old_files) | set(new_files), key=lambda q: refs.get(q, "")):
        old, new = old_files.get(question_id, {}), new_files.get(question_id, {})
        added = [new[h] for h in new.keys() - old.keys()]
        removed = {old[h].pk: old[h] for h in old.keys() - new.keys()}
        # A new version uploaded over a file of the earlier revision is a replacement.
        replaced = [
            (removed.pop(item.replaces_id), item) for item in added if item.replaces_id in removed
        ]
        added = [item for item in added if item not in {new for _, new in replaced}]
        if added or removed or replaced:
            evidence.append(
                EvidenceChange(
                    refs.get(question_id, "?"),
                    [item.title for item in added],
                    [item.title for item in removed.values()],
                    [(before.title, after.title) for before, after in replaced],
                )
            )
    changed_questions = {c.answer.question_id for c in changes} | {
        q
        for q in set(old_files) | set(new_files)
        if old_files.get(q, {}).keys() != new_files.get(q, {}).keys()
    }
    criteria = [
        c
        for c in applicable_criteria(review, current)
        if {q.pk for q in c.questions.all()} & changed_questions
    ]
    outcomes = {o.criterion_id: o for o in review.outcomes.all()}
    return {
        "base": base,
        "current": current,
        "answers": changes,
        "evidence": evidence,
        "criteria": [(c, outcomes.get(c.pk)) for c in criteria],
    }


def latest_check_runs(revision: Revision) -> dict[int, CheckRun]:
    """{Code Body id: its current complete run on the revision}: for each Code Body the run
    whose inputs were most recently found to match the revision. Runs still under way are
    never shown."""
    latest: dict[int, CheckRun] = {}
    for run in (
        CheckRun.objects.filter(revision=revision, status=CheckRunStatus.COMPLETE)
        .select_related("code_body")
        .order_by("-confirmed_at", "-pk")
    ):
        latest.setdefault(run.code_body_id, run)
    return latest


def latest_check_run(revision: Revision, code_body: CodeBody) -> CheckRun | None:
    """The Code Body's current complete run on the revision (see `latest_check_runs`)."""
    return (
        CheckRun.objects.filter(
            revision=revision, code_body=code_body, status=CheckRunStatus.COMPLETE
        )
        .order_by("-confirmed_at", "-pk")
        .first()
    )


def latest_check_results(
    revision: Revision,
    code_body: CodeBody | None = None,
    *,
    criteria: Iterable[Criterion] | None = None,
) -> dict[int, list[CheckResult]]:
    """{criterion id: its results, in the order the criterion names its checks}, from the
    current complete run of `code_body` (of every Code Body without one), for every
    criterion or those given; empty when none has completed."""
    if code_body is not None:
        # One Code Body's run, found inside the query for its results (one round trip).
        run = (
            CheckRun.objects.filter(
                revision=revision, code_body=code_body, status=CheckRunStatus.COMPLETE
            )
            .order_by("-confirmed_at", "-pk")
            .values("pk")[:1]
        )
        results = (
            CheckResult.objects.filter(run=Subquery(run))
            .select_related("criterion")
            .order_by("criterion__position", "position")
        )
    else:
        runs = list(latest_check_runs(revision).values())
        if not runs:
            return {}
        results = (
            CheckResult.objects.filter(run__in=runs)
            .select_related("criterion__criteria_set__code_body")
            .order_by(
                "criterion__criteria_set__code_body__position",
                "criterion__criteria_set__code_body__code",
                "criterion__position",
                "position",
            )
        )
    if criteria is not None:
        results = results.filter(criterion__in=[c.pk for c in criteria])
    grouped: dict[int, list[CheckResult]] = {}
    for result in results:
        grouped.setdefault(result.criterion_id, []).append(result)
    return grouped


@dataclass(frozen=True)
class CheckSummary:
    """What a queue row shows: counts by status from the current complete run of each Code
    Body counted (one Code Body on its own queue)."""

    runs: tuple[CheckRun, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)
    running: bool = False  # a newer run is under way

    @property
    def checked(self) -> bool:
        return bool(self.runs)

    @property
    def needs_attention(self) -> int:
        return sum(self.counts.get(s, 0) for s in (CheckStatus.FAIL, CheckStatus.ERROR))

    @property
    def found(self) -> list[tuple[str, str, int]]:
        """(status, label, count) for each status found, what needs a look first."""
        counts = self.counts
        return [(s, s.label, counts[s]) for s in ATTENTION_ORDER if counts.get(s)]


ATTENTION_ORDER = (
    CheckStatus.FAIL,
    CheckStatus.ERROR,
    CheckStatus.WARNING,
    CheckStatus.PASS,
    CheckStatus.NOT_APPLICABLE,
)


def check_summaries(
    revision_ids: Iterable[int], *, code_body: CodeBody | None = None
) -> dict[int, CheckSummary]:
    """{revision id: CheckSummary} for many revisions in one query (a queue page): the
    results of `code_body`'s runs, or of every Code Body's added together. Each run counts
    its results when it completes, so no result is read here."""
    ids = list(revision_ids)
    runs = CheckRun.objects.filter(revision_id__in=ids).only(
        "revision_id", "code_body_id", "status", "counts", "started_at", "confirmed_at"
    )
    if code_body is not None:
        runs = runs.filter(code_body=code_body)
    found: dict[int, dict[int, list[CheckRun]]] = {revision_id: {} for revision_id in ids}
    for run in runs.order_by("revision_id", "-pk"):
        found[run.revision_id].setdefault(run.code_body_id, []).append(run)
    return {revision_id: _summary(by_body) for revision_id, by_body in found.items()}


def _summary(by_body: dict[int, list[CheckRun]]) -> CheckSummary:
    latest_runs, running = [], False
    for body_runs in by_body.values():
        complete = [r for r in body_runs if r.status == CheckRunStatus.COMPLETE]
        latest = max(complete, key=lambda r: (r.confirmed_at, r.pk), default=None)
        running = running or any(
            r.status == CheckRunStatus.RUNNING
            and (latest is None or r.started_at > latest.confirmed_at)
            for r in body_runs
        )
        if latest is not None:
            latest_runs.append(latest)
    counts = (
        {s: sum(r.counts.get(s, 0) for r in latest_runs) for s in CheckStatus.values}
        if latest_runs
        else {}
    )
    return CheckSummary(tuple(latest_runs), counts, running)


def check_summary(revision: Revision, code_body: CodeBody | None = None) -> CheckSummary:
    return check_summaries([revision.pk], code_body=code_body)[revision.pk]


@dataclass
class MeetingParticipant:
    """A participant on a board meeting's agenda, with the board's approvals of its roles."""

    qualification: Qualification
    approvals: list[RoleApproval] = field(default_factory=list)


@dataclass
class BoardMeeting:
    date: dt.date
    participants: list[MeetingParticipant] = field(default_factory=list)

    @property
    def role_count(self) -> int:
        return sum(len(p.approvals) for p in self.participants)


def board_meetings(code_body: CodeBody, *, since: dt.date) -> list[BoardMeeting]:
    """The board's meetings from `since` on, earliest first, each with the participants on
    its agenda (in one query): a meeting is a date some approval is set for."""
    approvals = (
        RoleApproval.objects.filter(code_body=code_body, meeting_date__gte=since)
        .select_related(
            "qualification_role__qualification__organisation",
            "qualification_role__market_role",
            "qualification_role__mpid",
        )
        .order_by(
            "meeting_date",
            "qualification_role__qualification__organisation__legal_name",
            "qualification_role__qualification_id",
            "qualification_role__market_role__position",
        )
    )
    meetings: dict[dt.date, BoardMeeting] = {}
    for approval in approvals:
        meeting = meetings.setdefault(approval.meeting_date, BoardMeeting(approval.meeting_date))
        qualification = approval.qualification_role.qualification
        if not meeting.participants or meeting.participants[-1].qualification != qualification:
            meeting.participants.append(MeetingParticipant(qualification))
        meeting.participants[-1].approvals.append(approval)
    return list(meetings.values())


@dataclass(frozen=True)
class SmsExemption:
    """Where a Supplier's Smart Meter Segment exemption stands: each deciding Code Body's
    decision, or None while it has not decided."""

    decisions: dict[str, SmsExemptionDecision | None]
    deciders: tuple[CodeBody, ...]  # in the Code Bodies' order

    @property
    def granted(self) -> bool:
        """Granted once the BSC PAB and the REC have both decided."""
        return all(self.decisions.values())

    @property
    def rows(self) -> list[tuple[CodeBody, SmsExemptionDecision | None]]:
        return [(body, self.decisions[body.code]) for body in self.deciders]


def sms_exemption(qualification: Qualification) -> SmsExemption | None:
    """None unless the qualification asked for the exemption."""
    return sms_exemptions([qualification]).get(qualification.pk)


def sms_exemptions(qualifications: Iterable[Qualification]) -> dict[int, SmsExemption]:
    """{qualification id: its SMS exemption} for those that asked for one, in two queries."""
    asked = [q.pk for q in qualifications if q.sms_exemption_requested]
    if not asked:
        return {}
    deciders = tuple(CodeBody.objects.filter(code__in=SMS_EXEMPTION_DECIDERS).order_by("position"))
    recorded: dict[int, dict[str, SmsExemptionDecision]] = {pk: {} for pk in asked}
    for decision in SmsExemptionDecision.objects.filter(qualification_id__in=asked).select_related(
        "code_body", "recorded_by"
    ):
        recorded[decision.qualification_id][decision.code_body.code] = decision
    return {
        pk: SmsExemption({code: decisions.get(code) for code in SMS_EXEMPTION_DECIDERS}, deciders)
        for pk, decisions in recorded.items()
    }


@dataclass
class RoleActivation:
    """One market role's Service Activation: its steps in order, and which is next."""

    role: QualificationRole
    steps: list[ServiceActivationStep]

    @property
    def next_step(self) -> ServiceActivationStep | None:
        return next((step for step in self.steps if step.done_at is None), None)


def service_activation(qualification: Qualification) -> list[RoleActivation]:
    """The roles that have started Service Activation, in the qualification's role order."""
    by_role: dict[int, list[ServiceActivationStep]] = {}
    for step in ServiceActivationStep.objects.filter(
        qualification_role__qualification=qualification
    ).select_related("confirmer", "done_by"):
        by_role.setdefault(step.qualification_role_id, []).append(step)
    return [
        RoleActivation(role=role, steps=by_role[role.pk])
        for role in qualification.roles.select_related("market_role", "mpid")
        if role.pk in by_role
    ]


def criteria_progress(review: Review) -> tuple[int, int]:
    """(with an outcome, all) of the review's criteria."""
    revision = submitted_revision(review.submission)
    if revision is None:
        return 0, 0
    criteria = applicable_criteria(review, revision)
    decided = set(review.outcomes.values_list("criterion_id", flat=True))
    return sum(1 for criterion in criteria if criterion.pk in decided), len(criteria)


def criteria_left(review: Review) -> int:
    """How many of the review's criteria still have no outcome (what its assessor has left)."""
    decided, total = criteria_progress(review)
    return total - decided
