"""Running one check on one criterion, so that a check that cannot do its job — an
unreadable file, bad stored parameters, a bug — gives an error result for that criterion
alone, with the reason, and the run goes on with the others."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError

from assessment.checks.context import CriterionView, RevisionContext
from assessment.checks.files import UnreadableEvidence
from assessment.checks.registry import CHECKS, CheckOutcome, InvalidParams
from assessment.enums import CheckStatus

logger = logging.getLogger(__name__)


def evaluate(
    ctx: RevisionContext,
    criterion: CriterionView,
    name: str,
    raw_params: Mapping[str, Any] | None,
) -> CheckOutcome:
    """Run the check `name` for `criterion`; never raises for a problem of this one check.

    Database errors and the task's time limit still propagate: they are the run's problem,
    not the criterion's, and the run is tried again.
    """
    check = CHECKS.get(name)
    if check is None:
        return CheckOutcome(
            CheckStatus.ERROR,
            f"The criteria name a check the portal does not have ({name!r}).",
            questions=criterion.question_refs,
        )
    try:
        params = check.params_for(raw_params)
    except InvalidParams as exc:
        return CheckOutcome(CheckStatus.ERROR, str(exc), questions=criterion.question_refs)
    try:
        return check(ctx, criterion, params)
    except UnreadableEvidence as exc:
        return CheckOutcome(
            CheckStatus.ERROR,
            f"The check could not read a file: {exc}.",
            questions=criterion.question_refs,
            evidence=(str(exc.item.public_id),),
        )
    except (DatabaseError, SoftTimeLimitExceeded):
        raise
    except Exception as exc:
        logger.exception(
            "Check %s failed on criterion %s of revision %s", name, criterion.ref, ctx.revision.pk
        )
        return CheckOutcome(
            CheckStatus.ERROR,
            f"The check stopped with an unexpected error ({type(exc).__name__}: {exc}); the "
            "other checks ran. The portal team can see the details in the worker log.",
            questions=criterion.question_refs,
        )
