"""Work-off plans: items left open at the end of testing, tracked to closure."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import WorkOffException, WorkOffItem
from assessment.rules import ACTING_ROLES, is_lead
from evidence.models import EvidenceItem
from qualification.audit import audit_record
from qualification.lifecycle import Actor
from qualification.models import CodeBody, Qualification, User
from qualification.rules import (
    actor_capacities,
    approving_code_bodies,
    code_body_roles,
    organisation_roles,
)
from qualification.services import qualification_work_off_open


def can_edit_work_off(user: User, qualification: Qualification) -> bool:
    """The participant and the assessors of its approving Code Bodies track the items."""
    if organisation_roles(user, qualification.organisation):
        return True

    roles = code_body_roles(user)
    if not roles:
        return False
    approving = approving_code_bodies(qualification)
    return any(code in approving and role in ACTING_ROLES for code, role in roles.items())


def work_off_save(
    *,
    qualification: Qualification,
    by: User,
    item: WorkOffItem | None = None,
    defect_reference: str,
    description: str,
    owner: str,
    due_date: dt.date,
    status: str,
    required: bool,
    closure_evidence: EvidenceItem | None = None,
) -> WorkOffItem:
    if not can_edit_work_off(by, qualification):
        raise PermissionDenied(_("You cannot change this work-off plan."))
    if status not in WorkOffItem.Status.values:
        raise ValidationError(_("Choose a status."))
    if closure_evidence is not None and closure_evidence.organisation_id != (
        qualification.organisation_id
    ):
        raise ValidationError(_("Closure evidence must be the participant's own evidence."))
    if status == WorkOffItem.Status.CLOSED and closure_evidence is None:
        raise ValidationError(_("Attach the evidence that shows the item is closed."))
    with transaction.atomic():
        before = None
        if item is None:
            item = WorkOffItem(qualification=qualification, created_by=by)
        else:
            before = {"status": item.status, "due_date": item.due_date.isoformat()}
        item.defect_reference = defect_reference.strip()
        item.description = description.strip()
        item.owner = owner.strip()
        item.due_date = due_date
        item.status = status
        item.required = required
        item.closure_evidence = closure_evidence
        item.closed_at = timezone.now() if status == WorkOffItem.Status.CLOSED else None
        item.full_clean(exclude=["qualification", "created_by"])
        item.save()
        # The work-off plan upload (4.8.5) is asked while any item is open.
        qualification_work_off_open(
            qualification=qualification,
            still_open=WorkOffItem.objects.filter(qualification=qualification)
            .exclude(status=WorkOffItem.Status.CLOSED)
            .exists(),
        )
        audit_record(
            kind="workoff.saved",
            actor=by,
            summary=f"Work-off item {item.defect_reference}: {item.get_status_display()}",
            qualification=qualification,
            target=item,
            before=before,
            after={"status": item.status, "due_date": item.due_date.isoformat()},
        )
    return item


def work_off_exception(
    *, item: WorkOffItem, code_body: CodeBody, reason: str, by: User
) -> WorkOffException:
    """A lead assessor agrees that an open required item need not block acceptance."""
    if not is_lead(by, code_body) or Actor.LEAD_ASSESSOR not in actor_capacities(
        by, item.qualification
    ):
        raise PermissionDenied(_("Only a lead assessor can agree an exception."))
    if len(reason.strip()) < 10:
        raise ValidationError(_("Record why the exception is agreed."))
    with transaction.atomic():
        if WorkOffException.objects.select_for_update().filter(item=item).exists():
            # A second click, a stale page or another Code Body's lead: one is enough.
            raise ValidationError(
                _("An exception is already recorded for %(ref)s.") % {"ref": item.defect_reference}
            )
        exception = WorkOffException.objects.create(
            item=item, code_body=code_body, reason=reason.strip(), recorded_by=by
        )
        audit_record(
            kind="workoff.exception",
            actor=by,
            summary=f"Exception agreed for work-off item {item.defect_reference}",
            qualification=item.qualification,
            target=item,
            after=reason.strip(),
        )
    return exception
