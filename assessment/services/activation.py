"""Service Activation, per market role: a role whose approvers have all approved it works
through the Programme's checklist while the organisation's other roles may still be waiting
for their approvals. Each step is confirmed, in order, by the Code Body or the Programme the
checklist names; one of them is the Programme's review of the work-off items still open."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessment.models import ActivationChecklistItem, ServiceActivationStep, WorkOffItem
from assessment.rules import can_confirm_step
from qualification.audit import audit_record
from qualification.enums import QualificationState
from qualification.models import QualificationRole, User
from qualification.services import qualification_transition


def checklist_item_recorded(
    *, item: ActivationChecklistItem, by: User, created: bool = False, deleted: bool = False
) -> None:
    """Audit a change a portal admin made to the checklist (in the admin site, which saves
    it): the roles that start Service Activation afterwards follow it."""
    what = _("removed") if deleted else _("added") if created else _("changed")
    audit_record(
        kind="activation.checklist",
        actor=by,
        summary=f"Service Activation checklist: “{item.label}” {what}",
        target=item,
        after=None
        if deleted
        else {
            "label": item.label,
            "position": item.position,
            "confirmed_by": item.confirmer.code if item.confirmer_id else "programme",
            "market_roles": sorted(role.code for role in item.market_roles.all()),
            "reviews_work_off": item.reviews_work_off,
        },
    )


def activation_start(role: QualificationRole) -> list[ServiceActivationStep]:
    """Give a role that has just been Qualified its Service Activation steps, copied from
    the checklist as it stands. A role the checklist asks nothing of is activated at once."""
    items = (
        ActivationChecklistItem.objects.filter(
            Q(market_roles=None) | Q(market_roles=role.market_role_id)
        )
        .select_related("confirmer")
        .distinct()
    )
    steps = ServiceActivationStep.objects.bulk_create(
        ServiceActivationStep(
            qualification_role=role,
            label=item.label,
            position=position,
            confirmer=item.confirmer,
            reviews_work_off=item.reviews_work_off,
        )
        for position, item in enumerate(items)
    )
    audit_record(
        kind="activation.started",
        actor=None,
        summary=f"{role.market_role.name}: Service Activation started",
        qualification=role.qualification,
        target=role,
        after=[step.label for step in steps],
    )
    if not steps:
        _role_activated(role)
    return steps


def activation_step_confirm(
    *, step: ServiceActivationStep, by: User, note: str = ""
) -> ServiceActivationStep:
    """Record that a step is done. The steps of a role are confirmed in the checklist's
    order; the Programme's work-off review keeps the items it saw and its note."""
    if not can_confirm_step(by, step):
        raise PermissionDenied(
            _("“%(step)s” is confirmed by %(who)s.")
            % {"step": step.label, "who": step.confirmer_name}
        )
    note = note.strip()
    with transaction.atomic():
        step = (
            ServiceActivationStep.objects.select_for_update(of=("self",))
            .select_related("qualification_role__qualification", "qualification_role__market_role")
            .get(pk=step.pk)
        )
        if step.done_at:
            raise ValidationError(_("“%(step)s” is already confirmed.") % {"step": step.label})
        earlier = (
            ServiceActivationStep.objects.filter(
                qualification_role_id=step.qualification_role_id,
                position__lt=step.position,
                done_at__isnull=True,
            )
            .order_by("position")
            .first()
        )
        if earlier is not None:
            raise ValidationError(
                _("Confirm “%(earlier)s” first: the steps are done in order.")
                % {"earlier": earlier.label}
            )
        if step.reviews_work_off:
            step.work_off_reviewed = open_work_off(step.qualification_role.qualification_id)
            if step.work_off_reviewed and not note:
                raise ValidationError(
                    _("Write what the Programme concluded about the open work-off items.")
                )
        step.note = note
        step.done_at = timezone.now()
        step.done_by = by
        step.save(update_fields=["note", "done_at", "done_by", "work_off_reviewed"])
        role = step.qualification_role
        audit_record(
            kind="activation.step",
            actor=by,
            summary=f"{role.market_role.name}: Service Activation: {step.label}",
            qualification=role.qualification,
            target=step,
            after={
                "note": step.note,
                **({"work_off_reviewed": step.work_off_reviewed} if step.reviews_work_off else {}),
            },
        )
        if not role.activation_steps.filter(done_at__isnull=True).exists():
            _role_activated(role)
    return step


def open_work_off(qualification_id: int) -> list[dict]:
    """The work-off items not yet closed, as the Programme reviews them."""
    return [
        {
            "reference": item.defect_reference,
            "description": item.description,
            "owner": item.owner,
            "due": item.due_date.isoformat(),
            "status": item.get_status_display(),
            "required": item.required,
            "excepted": hasattr(item, "exception"),
        }
        for item in WorkOffItem.objects.filter(qualification_id=qualification_id)
        .exclude(status=WorkOffItem.Status.CLOSED)
        .select_related("exception")
    ]


def _role_activated(role: QualificationRole) -> None:
    """The role may operate; the qualification is Active once every role is Qualified and
    activated."""
    role.activated_on = timezone.localdate()
    role.save(update_fields=["activated_on"])
    qualification = role.qualification
    audit_record(
        kind="role.activated",
        actor=None,
        summary=f"{role.market_role.name}: Service Activation complete on "
        f"{date_format(role.activated_on, 'j M Y')}",
        qualification=qualification,
        target=role,
    )
    qualification_active_if_ready(qualification)


def qualification_active_if_ready(qualification) -> None:
    qualification.refresh_from_db(fields=["state"])
    if qualification.state != QualificationState.SERVICE_ACTIVATION:
        return
    if not qualification.roles.filter(activated_on__isnull=True).exists():
        qualification_transition(
            qualification=qualification,
            target=QualificationState.ACTIVE,
            actor=None,
            note="Every role's Service Activation is complete",
        )
