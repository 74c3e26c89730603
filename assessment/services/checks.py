"""Running the automated checks on a submitted revision: one run per Code Body, each over
that Code Body's criteria, once per set of inputs, and every result made visible at once.

On submission one task per Code Body whose criteria apply is sent (`enqueue_for_revision`);
each checks that Code Body's criteria alone, so one Code Body's checks neither wait for nor
fail with another's, and its assessors' results are ready as soon as its own run is.

A run is keyed by (revision, Code Body, criteria fingerprint, inputs fingerprint). The
criteria fingerprint covers the Code Body's criteria set and the checks' version; the inputs
fingerprint covers everything the checks read (the revision's content hash, each linked
file's content and scan state, reliance facts, the signature). So:

- the same task delivered twice, or sent again by the sweep, finds the complete run and
  writes nothing: one set of results;
- a worker killed mid-run leaves the run `running` with no results; the task is delivered
  again (late acknowledgement, retry on worker lost) and the next attempt finishes it;
- when something the checks read changes (a scan finishes, a signature is added, a new
  criteria version is published) the fingerprint changes and a new run is made.

Results are computed outside any transaction and written in the one transaction that marks
the run complete. Assessors read only complete runs (`assessment.selectors`).

Two ways in besides the tasks on submission:

- a portal admin's re-run (`checks_rerun_submission`, `checks_rerun_criteria_set`) forces a
  new run even when nothing changed, e.g. after a fix to a check. Each request has a key; the
  run is keyed by it too, so the same request delivered twice still makes one run. Its results
  replace the current ones when it completes (it becomes the run last confirmed);
- a participant's pre-check of its draft (`precheck_draft`) runs every Code Body's checks in
  memory and stores nothing: its results are advisory and no assessor ever sees them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.checks.context import CriterionView, RevisionContext
from assessment.checks.registry import CHECKS_VERSION
from assessment.checks.runner import evaluate
from assessment.enums import CheckRunStatus, CheckStatus
from assessment.models import CheckResult, CheckRun, CriteriaSet, Criterion, Review
from evidence.models import EvidenceItem, EvidenceLink, EvidencePack
from qad.enums import VersionStatus
from qad.models import Question, Revision, Signature, Submission
from qad.selectors import submitted_revision
from qualification.audit import audit_record
from qualification.models import AuditEvent, CodeBody, Qualification, QualificationRole, User
from qualification.outbox import enqueue_on_commit, tasks_in_hand
from qualification.selectors import reference_data

logger = logging.getLogger(__name__)

# A run still `running` after this long lost its worker and its message: the sweep sends it
# again. Longer than the task's hard time limit (CELERY_TASK_TIME_LIMIT, 600 s). Used when the
# workers cannot be asked what they hold; when they can, a run that none of them holds is sent
# again once it has been running for RESEND_AFTER (checks_resend_lost, every minute).
STALE_AFTER = dt.timedelta(minutes=15)
RESEND_AFTER = dt.timedelta(seconds=45)
# The sweep gives up on a run that failed this many times (a poison revision); it is logged.
MAX_ATTEMPTS = 5


def _digest(document) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def applicable_criteria_sets(revision: Revision) -> list[CriteriaSet]:
    """The latest published criteria set of each Code Body that approves one of the
    qualification's roles, bound to the template the revision answers."""
    submission = revision.submission
    role_ids = QualificationRole.objects.filter(
        qualification_id=submission.qualification_id
    ).values_list("market_role_id", flat=True)
    candidates = (
        CriteriaSet.objects.filter(
            CriteriaSet.applying_to(submission.template_id),
            status=VersionStatus.PUBLISHED,
            code_body__approved_roles__in=list(role_ids),
        )
        .select_related("code_body")
        .distinct()
        .order_by("code_body__position", "code_body__code", "-published_at", "-pk")
    )
    latest: dict[int, CriteriaSet] = {}
    for criteria_set in candidates:
        latest.setdefault(criteria_set.code_body_id, criteria_set)
    # A review under way keeps the criteria it started with: its checks run against them.
    for review in Review.objects.filter(
        submission_id=submission.pk, code_body_id__in=list(latest), criteria_set__isnull=False
    ).select_related("criteria_set__code_body"):
        latest[review.code_body_id] = review.criteria_set
    return list(latest.values())


def inputs_fingerprint(revision: Revision) -> str:
    """A fingerprint of everything the checks read from the revision."""
    submission = revision.submission
    qualification = submission.qualification
    links = list(
        EvidenceLink.objects.filter(revision=revision)
        .order_by("question_id", "item_id")
        .values_list(
            "question_id",
            "item_id",
            "relied_on",
            "reliance_statement",
            "item__title",
            "item__evidence_type",
            "item__original_name",
            "item__uploaded_at",
            "item__organisation_id",
            "item__submission_id",
            "item__pack_id",
            "item__findings_justification",
            "item__stored_file__sha256",
            "item__stored_file__content_type",
            "item__stored_file__scan_state",
            "item__stored_file__malware_state",
            "item__stored_file__findings_total",
            "item__stored_file__reasons",
        )
    )
    links = [(*row[:11], bool(row[11]), *row[12:]) for row in links]
    relied = [row for row in links if row[2]]
    packs = sorted({row[10] for row in relied if row[10]})
    granted = (
        sorted(
            EvidencePack.objects.filter(
                pk__in=packs, granted_to=qualification.organisation_id
            ).values_list("pk", flat=True)
        )
        if packs
        else []
    )
    own = sorted({row[1] for row in relied if not row[10]})
    reused = (
        sorted(
            EvidenceItem.objects.filter(pk__in=own, links__revision__submitted_at__isnull=False)
            .values_list("pk", flat=True)
            .distinct()
        )
        if own
        else []
    )
    signature = (
        Signature.objects.filter(submission_id=submission.pk)
        .values_list("pk", "revision_id", "content_hash", "signatory_name", "capacity", "signed_at")
        .first()
    )
    return _digest(
        {
            "revision": [
                revision.pk,
                revision.number,
                revision.submitted_at,
                revision.content_hash,
            ],
            "stage": submission.stage,
            "qualification": [qualification.organisation_id, qualification.places_reliance],
            "links": links,
            "granted_packs": granted,
            "reused_items": reused,
            "signature": signature,
            # What the identifiers check compares the answers with.
            "reference_data": dataclasses.asdict(reference_data(qualification)),
        }
    )


@dataclass(frozen=True)
class CheckPlan:
    """One Code Body's run on a revision: its criteria set and the run's key."""

    criteria_set: CriteriaSet
    criteria_fingerprint: str
    inputs_fingerprint: str

    @property
    def code_body(self) -> CodeBody:
        return self.criteria_set.code_body

    @property
    def versions(self) -> list[dict]:
        s = self.criteria_set
        return [{"id": s.pk, "code_body": s.code_body.code, "version": s.version}]


def check_plans(revision: Revision) -> list[CheckPlan]:
    """A plan per Code Body whose criteria apply to the revision, in Code Body order. Cheap:
    a handful of queries, the inputs fingerprinted once for all of them."""
    sets = applicable_criteria_sets(revision)
    if not sets:
        return []
    inputs = inputs_fingerprint(revision)
    return [CheckPlan(s, _criteria_fingerprint(s), inputs) for s in sets]


def check_plan(revision: Revision, code_body: CodeBody) -> CheckPlan | None:
    """The plan of `code_body`'s run on the revision; None if none of its criteria apply."""
    for plan in check_plans(revision):
        if plan.code_body.pk == code_body.pk:
            return plan
    return None


# -- sending the checks to the workers


def enqueue_run(
    revision_id: int, code_body_id: int, *, trigger: str, request_key: str = ""
) -> None:
    """Run one Code Body's checks on a revision in a worker once the current transaction
    commits."""
    enqueue_on_commit(
        "qad.assessment.run_checks",
        revision_id=revision_id,
        code_body_id=code_body_id,
        trigger=trigger,
        request_key=request_key,
    )


def enqueue_for_revision(revision, *, trigger: str = "submitted", request_key: str = "") -> None:
    """Run the checks on `revision`: one task per Code Body whose criteria apply to it, each
    over that Code Body's criteria, sent once the current transaction commits."""
    for criteria_set in applicable_criteria_sets(revision):
        enqueue_run(
            revision.pk, criteria_set.code_body_id, trigger=trigger, request_key=request_key
        )


def enqueue_for_revisions(
    revision_ids: Iterable[int], *, trigger: str, request_key: str = ""
) -> None:
    """Run the checks again on those of `revision_ids` that are submitted (what they read
    changed, e.g. an evidence file finished its scan)."""
    submitted = Revision.objects.filter(
        pk__in=list(revision_ids), submitted_at__isnull=False
    ).select_related("submission")
    for revision in submitted:
        enqueue_for_revision(revision, trigger=trigger, request_key=request_key)


def _criteria_fingerprint(criteria_set: CriteriaSet) -> str:
    return _digest(
        {
            "checks_version": CHECKS_VERSION,
            "code_body": criteria_set.code_body.code,
            "set": [criteria_set.pk, criteria_set.source_sha256],
        }
    )


def _load(revision: Revision) -> Revision:
    return Revision.objects.select_related(
        "submission__qualification__organisation", "submission__template"
    ).get(pk=revision.pk)


def checks_run(
    *, revision: Revision, code_body: CodeBody, trigger: str = "", request_key: str = ""
) -> CheckRun | None:
    """Run `code_body`'s checks on a submitted revision and store the results; a run with
    the same inputs that is complete already is returned as it is. None for a revision that
    is not submitted (there is nothing fixed to check) or one none of the Code Body's
    criteria apply to.

    With a `request_key` (a portal admin's re-run) a new run is made even if the inputs are
    unchanged, once per key: the same request delivered again returns that run."""
    revision = _load(revision)
    if not revision.is_frozen:
        return None
    plan = check_plan(revision, code_body)  # before reading: a change meanwhile makes a new run
    if plan is None:
        return None
    return _run(revision, plan, trigger, request_key)


def checks_run_all(
    *, revision: Revision, trigger: str = "", request_key: str = ""
) -> list[CheckRun]:
    """Every applicable Code Body's run on the revision, one after another in this process
    (what the tasks sent on submission do between them): for commands and benchmarks."""
    revision = _load(revision)
    if not revision.is_frozen:
        return []
    return [_run(revision, plan, trigger, request_key) for plan in check_plans(revision)]


def _run(revision: Revision, plan: CheckPlan, trigger: str, request_key: str) -> CheckRun:
    run = _claim(revision, plan, trigger, request_key)
    if run.status == CheckRunStatus.COMPLETE:
        return run
    started = time.perf_counter()
    try:
        ctx = RevisionContext.build(revision)
        criteria, not_applicable = _criteria_views([plan.criteria_set], ctx)
        results, timings = _evaluate_all(ctx, criteria)
    except Exception as exc:
        _fail(run, exc)
        raise
    return _finish(
        run,
        results=results,
        timings=timings,
        criteria_checked=len(criteria),
        not_applicable=not_applicable,
        files_read=ctx.files.files_read,
        started=started,
    )


def _evaluate_all(
    ctx: RevisionContext, criteria: list[tuple[Criterion, CriterionView]]
) -> tuple[list[CheckResult], dict[str, float]]:
    """Every check of every criterion, as unsaved results, and the time each check took."""
    results: list[CheckResult] = []
    timings: dict[str, float] = defaultdict(float)
    for criterion, view in criteria:
        for position, spec in enumerate(criterion.checks):
            name, params = spec.get("name", ""), spec.get("params") or {}
            began = time.perf_counter()
            outcome = evaluate(ctx, view, name, params)
            timings[name] += (time.perf_counter() - began) * 1000
            results.append(
                CheckResult(
                    criterion=criterion,
                    position=position,
                    check_name=name,
                    status=outcome.status,
                    message=outcome.message,
                    refs=outcome.refs,
                )
            )
    return results, timings


def _criteria_views(
    sets: list[CriteriaSet], ctx: RevisionContext
) -> tuple[list[tuple[Criterion, CriterionView]], int]:
    """The criteria with at least one question in the revision, in Code Body and criteria
    order, and how many had none (not applicable)."""
    order = {s.pk: index for index, s in enumerate(sets)}
    criteria = sorted(
        Criterion.objects.filter(criteria_set__in=sets)
        .select_related("criteria_set__code_body")
        # The criteria's questions in the version the revision answers (a set serving several
        # versions links its criteria to the same questions in each).
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.filter(template_id=ctx.template.pk).order_by("position"),
            )
        ),
        key=lambda c: (order[c.criteria_set_id], c.position),
    )
    views = []
    for criterion in criteria:
        view = CriterionView.of(
            id=criterion.pk,
            ref=criterion.ref,
            title=criterion.title,
            code_body=criterion.criteria_set.code_body.code,
            questions=criterion.questions.all(),
            present=ctx.questions,
        )
        if view.question_refs:
            views.append((criterion, view))
    return views, len(criteria) - len(views)


def _claim(revision: Revision, plan: CheckPlan, trigger: str, request_key: str = "") -> CheckRun:
    """The run for these inputs: new, or an earlier attempt to finish, or complete already.

    An ordinary run accepts any complete run of the same inputs (a forced re-run's too); a
    forced re-run accepts only the run of its own request."""
    now = timezone.now()
    key = {
        "revision": revision,
        "code_body": plan.code_body,
        "criteria_fingerprint": plan.criteria_fingerprint,
        "inputs_fingerprint": plan.inputs_fingerprint,
    }
    with transaction.atomic():
        if not request_key:
            done = (
                CheckRun.objects.select_for_update()
                .filter(**key, status=CheckRunStatus.COMPLETE)
                .order_by("-confirmed_at", "-pk")
                .first()
            )
            if done is not None:
                # The inputs are current again (they may have changed and changed back).
                done.confirmed_at = now
                done.save(update_fields=["confirmed_at"])
                return done
        run, created = CheckRun.objects.get_or_create(
            **key,
            request_key=request_key,
            defaults={"criteria_versions": plan.versions, "trigger": trigger, "started_at": now},
        )
        if created:
            return run
        run = CheckRun.objects.select_for_update().get(pk=run.pk)
        if run.status == CheckRunStatus.COMPLETE:
            if not request_key:
                run.confirmed_at = now
                run.save(update_fields=["confirmed_at"])
            return run
        run.status = CheckRunStatus.RUNNING
        run.attempts += 1
        run.started_at = now
        run.error = ""
        run.save(update_fields=["status", "attempts", "started_at", "error"])
    return run


def _finish(
    run: CheckRun,
    *,
    results: list[CheckResult],
    timings: dict[str, float],
    criteria_checked: int,
    not_applicable: int,
    files_read: int,
    started: float,
) -> CheckRun:
    """Write the results and mark the run complete, in one transaction."""
    with transaction.atomic():
        locked = CheckRun.objects.select_for_update().get(pk=run.pk)
        if locked.status == CheckRunStatus.COMPLETE:
            return locked  # a second delivery of the same task finished first
        for result in results:
            result.run = locked
        CheckResult.objects.filter(run=locked).delete()
        CheckResult.objects.bulk_create(results)
        counts = dict.fromkeys(CheckStatus.values, 0)
        counts.update(Counter(str(r.status) for r in results))
        now = timezone.now()
        locked.status = CheckRunStatus.COMPLETE
        locked.finished_at = now
        locked.confirmed_at = now
        locked.duration_ms = round((time.perf_counter() - started) * 1000)
        locked.criteria_checked = criteria_checked
        locked.criteria_not_applicable = not_applicable
        locked.counts = counts
        locked.check_counts = dict(sorted(Counter(r.check_name for r in results).items()))
        locked.check_timings = {name: round(ms, 1) for name, ms in sorted(timings.items())}
        locked.files_read = files_read
        locked.error = ""
        locked.save()
    return locked


def _fail(run: CheckRun, exc: Exception) -> None:
    """The run could not finish (not one check: the run). It is tried again."""
    logger.exception(
        "Check run %s (Code Body %s) on revision %s failed",
        *(run.pk, run.code_body_id, run.revision_id),
    )
    try:
        CheckRun.objects.filter(pk=run.pk).exclude(status=CheckRunStatus.COMPLETE).update(
            status=CheckRunStatus.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
    except DatabaseError:
        logger.warning("Could not record the failure of check run %s", run.pk)


def latest_submitted_revisions() -> list[int]:
    """The newest submitted revision of each submission."""
    latest: dict[int, int] = {}
    for pk, submission_id in (
        Revision.objects.filter(submitted_at__isnull=False)
        .order_by("submission_id", "-number")
        .values_list("pk", "submission_id")
    ):
        latest.setdefault(submission_id, pk)
    return list(latest.values())


def checks_needed(plan: CheckPlan, revision: Revision, *, now: dt.datetime | None = None) -> bool:
    """Whether the Code Body's current results on the revision are missing or stale and no
    live run is on its way (a run left `running` longer than STALE_AFTER lost its worker)."""
    now = now or timezone.now()
    mine = CheckRun.objects.filter(revision=revision, code_body=plan.code_body)
    runs = mine.filter(
        criteria_fingerprint=plan.criteria_fingerprint,
        inputs_fingerprint=plan.inputs_fingerprint,
    )
    latest = (
        mine.filter(status=CheckRunStatus.COMPLETE)
        .order_by("-confirmed_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    # A forced re-run of the same inputs counts as well as the ordinary run.
    if runs.filter(status=CheckRunStatus.COMPLETE).exists():
        return not runs.filter(pk=latest).exists()
    run = runs.filter(request_key="").first()
    if run is None:
        return True
    if run.status == CheckRunStatus.RUNNING:
        return run.started_at < now - STALE_AFTER
    if run.attempts >= MAX_ATTEMPTS:
        logger.error(
            "Check run %s failed %s times; not retried: %s", run.pk, run.attempts, run.error
        )
        return False
    return True


def _held_runs() -> set[tuple[int, int, str]] | None:
    """(revision, Code Body, request key) of each check run a live worker holds; None if the
    workers cannot be asked."""
    held = tasks_in_hand("qad.assessment.run_checks")
    if held is None:
        return None
    return {
        (kw.get("revision_id"), kw.get("code_body_id"), kw.get("request_key") or "") for kw in held
    }


def checks_resend_lost(*, now: dt.datetime | None = None) -> int:
    """Send again each run that a worker started and no live worker holds any more (its
    worker died with it), forced re-runs included, and each forced re-run that failed fewer
    than MAX_ATTEMPTS times. Cheap enough to run every minute: it reads only such runs.
    Returns how many were sent."""
    now = now or timezone.now()
    candidates = list(
        CheckRun.objects.filter(
            models.Q(status=CheckRunStatus.RUNNING, started_at__lt=now - RESEND_AFTER)
            | models.Q(
                status=CheckRunStatus.FAILED,
                attempts__lt=MAX_ATTEMPTS,
                finished_at__lt=now - RESEND_AFTER,
            )
            & ~models.Q(request_key="")
        ).values_list("pk", "revision_id", "code_body_id", "request_key", "status", "started_at")
    )
    if not candidates:
        return 0
    held = _held_runs()
    sent = 0
    for pk, revision_id, code_body_id, request_key, status, started_at in candidates:
        if status == CheckRunStatus.RUNNING:
            if held is None and started_at >= now - STALE_AFTER:
                continue  # cannot tell whether a worker still has it: wait for the long rule
            if held is not None and (revision_id, code_body_id, request_key) in held:
                continue
        with transaction.atomic():
            # Marked as sent now, so that the next sweep gives the new task its time.
            touched = CheckRun.objects.filter(pk=pk, status=status).update(started_at=now)
            if touched:
                enqueue_run(revision_id, code_body_id, trigger="sweep", request_key=request_key)
                sent += 1
    if sent:
        logger.warning("Sent %s check runs again that their workers had lost", sent)
    return sent


def checks_sweep() -> int:
    """Send the checks of each Code Body whose results on a latest submitted revision are
    missing or stale (a lost task, a broker that was down, a change nobody announced).
    Returns how many runs were sent."""
    sent = 0
    for revision_id in latest_submitted_revisions():
        revision = _load(Revision(pk=revision_id))
        for plan in check_plans(revision):
            if checks_needed(plan, revision):
                enqueue_run(revision.pk, plan.code_body.pk, trigger="sweep")
                sent += 1
    return sent


# -- a portal admin's re-run


@dataclass(frozen=True)
class RerunProgress:
    """How far a portal admin's re-run of a criteria version has got."""

    event: AuditEvent
    total: int
    done: int
    failed: int

    @property
    def finished(self) -> bool:
        return self.done + self.failed >= self.total


RERUN_KIND = "checks.rerun"


def _rerun_key() -> str:
    return uuid.uuid4().hex


def _enqueue_forced(
    revision_ids: list[int], *, request_key: str, code_body: CodeBody | None = None
) -> None:
    if code_body is None:
        enqueue_for_revisions(revision_ids, trigger="rerun", request_key=request_key)
        return
    for revision_id in revision_ids:
        enqueue_run(revision_id, code_body.pk, trigger="rerun", request_key=request_key)


def checks_rerun_submission(*, submission: Submission, by: User) -> str:
    """Run the checks again on the submission's latest submitted revision, even if nothing
    it reads changed. Returns the request's key."""
    revision = submitted_revision(submission)
    if revision is None:
        raise ValidationError(_("This QAD has not been submitted: there is nothing to check."))
    return _rerun(
        [revision.pk],
        by=by,
        summary=f"Automated checks run again on revision {revision.number} of "
        f"{submission.get_stage_display()}",
        target=submission,
        qualification=submission.qualification,
    )


def _rerun(
    revision_ids: list[int],
    *,
    by: User,
    summary: str,
    target: models.Model,
    qualification: Qualification | None = None,
    code_body: CodeBody | None = None,
) -> str:
    """Record who asked for a forced re-run, and send it when that record commits: the
    checks of `code_body` alone, or of every Code Body whose criteria apply."""
    key = _rerun_key()
    with transaction.atomic():
        audit_record(
            kind=RERUN_KIND,
            actor=by,
            summary=summary,
            qualification=qualification,
            target=target,
            after={"request": key, "revisions": revision_ids, "submissions": len(revision_ids)},
        )
        _enqueue_forced(revision_ids, request_key=key, code_body=code_body)
    return key


def revisions_bound_to(criteria_set: CriteriaSet) -> list[int]:
    """The latest submitted revision of each submission whose checks use `criteria_set`: its
    Code Body's review keeps this set, or keeps none and this is the Code Body's latest
    published criteria for the template version the submission answers (one it was written
    against or names as served too). A superseded set is still used by the reviews that
    keep it."""
    if criteria_set.status == VersionStatus.DRAFT:
        return []
    kept = models.Q(
        submission__reviews__code_body_id=criteria_set.code_body_id,
        submission__reviews__criteria_set_id=criteria_set.pk,
    )
    served = [criteria_set.template_id, *criteria_set.also_for.values_list("pk", flat=True)]
    current_for = [
        template_id
        for template_id in served
        if CriteriaSet.objects.filter(
            CriteriaSet.applying_to(template_id),
            code_body_id=criteria_set.code_body_id,
            status=VersionStatus.PUBLISHED,
        )
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)
        .first()
        == criteria_set.pk
    ]
    if current_for:
        kept_elsewhere = Review.objects.filter(
            code_body_id=criteria_set.code_body_id, criteria_set__isnull=False
        ).exclude(criteria_set_id=criteria_set.pk)
        kept |= models.Q(submission__template_id__in=current_for) & ~models.Q(
            submission__in=kept_elsewhere.values("submission_id")
        )
    candidates = (
        Revision.objects.filter(
            kept,
            submitted_at__isnull=False,
            submission__template_id__in=served,
            submission__qualification__roles__market_role__approvers=criteria_set.code_body_id,
        )
        .order_by("submission_id", "-number")
        .values_list("pk", "submission_id")
        .distinct()
    )
    latest: dict[int, int] = {}
    for pk, submission_id in candidates:
        latest.setdefault(submission_id, pk)
    return list(latest.values())


def checks_rerun_criteria_set(*, criteria_set: CriteriaSet, by: User) -> str:
    """Run the checks again on every submission whose checks use `criteria_set`, even if
    nothing they read changed. Returns the request's key; `rerun_progress` follows it."""
    if criteria_set.status == VersionStatus.DRAFT:
        raise ValidationError(
            _("Only a published criteria version is used by the checks: publish it first.")
        )
    revision_ids = revisions_bound_to(criteria_set)
    if not revision_ids:
        raise ValidationError(_("No submitted QAD is checked against this criteria version."))
    return _rerun(
        revision_ids,
        by=by,
        summary=f"Automated checks run again on {len(revision_ids)} submitted QADs "
        f"against {criteria_set}",
        target=criteria_set,
        code_body=criteria_set.code_body,
    )


def rerun_progress(criteria_set: CriteriaSet) -> RerunProgress | None:
    """The latest re-run asked for on `criteria_set`, and how many of its submissions have
    been checked again; None if none was asked for."""
    event = (
        AuditEvent.objects.filter(
            kind=RERUN_KIND,
            object_type=CriteriaSet._meta.label,
            object_id=str(criteria_set.pk),
        )
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    if event is None or not isinstance(event.after, dict):
        return None
    runs = CheckRun.objects.filter(request_key=event.after.get("request", ""))
    done = runs.filter(status=CheckRunStatus.COMPLETE).values("revision").distinct().count()
    failed = (
        runs.filter(status=CheckRunStatus.FAILED)
        .exclude(revision__in=runs.filter(status=CheckRunStatus.COMPLETE).values("revision"))
        .values("revision")
        .distinct()
        .count()
    )
    return RerunProgress(event, int(event.after.get("submissions", 0)), done, failed)


# -- a participant's pre-check of its draft


@dataclass(frozen=True)
class PreCheckCriterion:
    criterion: Criterion
    results: list[CheckResult]


@dataclass(frozen=True)
class PreCheckGroup:
    code_body: CodeBody
    criteria: list[PreCheckCriterion]


@dataclass(frozen=True)
class PreCheck:
    """The checks' findings on a draft: advisory, never stored."""

    revision: Revision
    groups: list[PreCheckGroup]
    counts: dict[str, int]
    not_applicable: int
    duration_ms: int


class NotADraft(ValidationError):
    pass


def precheck_draft(*, revision: Revision) -> PreCheck:
    """Run every applicable check on a draft revision, in memory, and store nothing.

    The draft is checked as if it were submitted now (date checks read the submission date).
    Nothing is written, so the results can never be taken for the official ones, which the
    Code Bodies' run makes when the revision is submitted."""
    revision = _load(revision)
    if revision.is_frozen:
        raise NotADraft(_("This revision has been submitted: its checks are run for you."))
    started = time.perf_counter()
    sets = applicable_criteria_sets(revision)
    ctx = RevisionContext.build(revision)
    # In memory only: never saved (RevisionContext is read-only for the checks).
    ctx.revision.submitted_at = timezone.now()
    criteria, not_applicable = _criteria_views(sets, ctx)
    results, _timings = _evaluate_all(ctx, criteria)
    by_criterion: dict[int, list[CheckResult]] = defaultdict(list)
    for result in results:
        by_criterion[result.criterion_id].append(result)
    groups: dict[int, PreCheckGroup] = {}
    for criterion, _view in criteria:
        if not by_criterion.get(criterion.pk):
            continue
        code_body = criterion.criteria_set.code_body
        group = groups.setdefault(code_body.pk, PreCheckGroup(code_body, []))
        group.criteria.append(PreCheckCriterion(criterion, by_criterion[criterion.pk]))
    counts = dict.fromkeys(CheckStatus.values, 0)
    counts.update(Counter(str(r.status) for r in results))
    return PreCheck(
        revision=revision,
        groups=list(groups.values()),
        counts=counts,
        not_applicable=not_applicable,
        duration_ms=round((time.perf_counter() - started) * 1000),
    )
