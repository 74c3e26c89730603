"""Actions that change participants and qualifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualification.audit import audit_record
from qualification.enums import (
    MembershipRole,
    PreQualificationState,
    QualificationState,
    Route,
)
from qualification.lifecycle import (
    MOVES,
    Actor,
    authorise_move,
    initial_state,
)
from qualification.models import (
    MarketRole,
    Mpid,
    Organisation,
    PreQualification,
    Qualification,
    QualificationRole,
    QualificationTransition,
    RoleApproval,
    User,
    Wave,
)
from qualification.rules import (
    acting_capacities,
    actor_capacities,
    can_administer_organisation,
    organisation_roles,
)
from qualification.signals import conditions_changed, qualification_entered


def organisation_create(
    *,
    legal_name: str,
    company_number: str,
    mpids: Iterable[tuple[str, MarketRole]] = (),
    trading_name: str = "",
) -> Organisation:
    """Register a participant with its MPIDs; every value is validated before saving."""
    with transaction.atomic():
        organisation = Organisation(
            legal_name=legal_name, trading_name=trading_name, company_number=company_number
        )
        organisation.full_clean()
        organisation.save()
        for code, role in mpids:
            mpid = Mpid(organisation=organisation, market_role=role, code=code)
            mpid.full_clean()
            mpid.save()
    return organisation


def mpid_add(
    *, organisation: Organisation, market_role: MarketRole, code: str, by: User, dip_id: str = ""
) -> Mpid:
    """Record an MPID the organisation holds for a market role, with its DIP ID when the DIP
    Manager has issued one: its admin, or a portal admin, does it, and who did is recorded. A
    code that is not four upper-case letters or digits, one already registered, or a DIP ID
    that is not ten digits is refused (ValidationError) and nothing is written."""
    if not can_administer_organisation(by, organisation):
        raise PermissionDenied(_("Only an organisation admin can do this."))
    mpid = Mpid(
        organisation=organisation,
        market_role=market_role,
        code=code.strip().upper(),
        dip_id=dip_id.strip(),
    )
    mpid.full_clean()
    with transaction.atomic():
        mpid.save()
        audit_record(
            kind="organisation.mpid_added",
            actor=by,
            summary=f"MPID {mpid.code} added for {market_role.name}",
            organisation=organisation,
            target=mpid,
            after={"mpid": mpid.code, "dip_id": mpid.dip_id},
        )
    return mpid


def qualification_start(
    *,
    organisation: Organisation,
    route: Route,
    roles: Iterable[tuple[MarketRole, Mpid | None]],
    created_by: User | None,
    wave: Wave | None = None,
    places_reliance: bool = False,
    sms_exemption_requested: bool = False,
    target_migration_date: dt.date | None = None,
) -> Qualification:
    """Open a qualification for one or more roles, with a pending approval per role and
    approver. SIT participants and non-SIT LDSOs go straight to testing (and get their
    Initial QAD); others start with the Pre-Qualification Submission."""
    roles = list(roles)
    if not roles:
        raise ValueError("A qualification needs at least one market role")
    for role, mpid in roles:
        if mpid is not None and (
            mpid.organisation_id != organisation.pk or mpid.market_role_id != role.pk
        ):
            raise ValueError(f"MPID {mpid.code} is not {organisation}'s {role.code} MPID")
    if sms_exemption_requested and not any(r.code == "SUP" for r, _ in roles):
        raise ValueError("Only a Supplier can ask for the Smart Meter Segment exemption")
    state = initial_state(
        needs_pre_qualification=Route.needs_pre_qualification(
            route, places_reliance=places_reliance
        )
    )
    with transaction.atomic():
        qualification = Qualification.objects.create(
            organisation=organisation,
            route=route,
            wave=wave,
            places_reliance=places_reliance,
            sms_exemption_requested=sms_exemption_requested,
            target_migration_date=target_migration_date,
            state=state,
            created_by=created_by,
        )
        for role, mpid in roles:
            qualification_role = QualificationRole.objects.create(
                qualification=qualification, market_role=role, mpid=mpid
            )
            RoleApproval.objects.bulk_create(
                RoleApproval(qualification_role=qualification_role, code_body=body)
                for body in role.approvers.all()
            )
        QualificationTransition.objects.create(
            qualification=qualification,
            from_state="",
            to_state=state,
            actor=created_by,
            note="Qualification started",
        )
        if state == QualificationState.PRE_QUALIFICATION:
            PreQualification.objects.create(
                qualification=qualification,
                preferred_wave=wave,
                places_reliance=places_reliance,
                target_migration_date=target_migration_date,
            )
        audit_record(
            kind="qualification.started",
            actor=created_by,
            summary="Qualification started for "
            + ", ".join(f"{role.name}{f' ({mpid.code})' if mpid else ''}" for role, mpid in roles)
            + f" by the {Route(route).label} route",
            qualification=qualification,
            target=qualification,
        )
        _on_enter(qualification, state)
    return qualification


def qualification_work_off_open(*, qualification: Qualification, still_open: bool) -> None:
    """Record whether the participant has work-off items still open, a fact that conditional
    QAD questions depend on (the work-off plan upload); the QAD follows when it changes.
    Called by the work-off plan's services, which audit the change of the item itself."""
    with transaction.atomic():
        changed = Qualification.objects.filter(
            pk=qualification.pk, work_off_open=not still_open
        ).update(work_off_open=still_open)
        if changed:
            qualification.work_off_open = still_open
            conditions_changed.send(sender=Qualification, qualification=qualification)


def qualification_transition(
    *,
    qualification: Qualification,
    target: QualificationState,
    actor: User | None,
    note: str = "",
) -> Qualification:
    """Move a qualification along its lifecycle, if the move exists and the actor may make it.

    `actor=None` is the portal itself acting on the outcome of another recorded action.
    """
    with transaction.atomic():
        locked = Qualification.objects.select_for_update(no_key=True).get(pk=qualification.pk)
        move = authorise_move(
            MOVES,
            source=locked.state,
            target=target,
            capacities=acting_capacities(actor, locked),
            not_allowed=f"A qualification in '{locked.get_state_display()}' cannot move to "
            f"'{QualificationState(target).label}'",
        )
        QualificationTransition.objects.create(
            qualification=locked,
            from_state=locked.state,
            to_state=target,
            actor=actor,
            note=note or move.description,
        )
        audit_record(
            kind="qualification.moved",
            actor=actor,
            summary=f"{QualificationState(target).label}: {note or move.description}",
            qualification=locked,
            target=locked,
            before=locked.state,
            after=str(target),
        )
        locked.state = target
        locked.save(update_fields=["state", "updated_at"])
        _on_enter(locked, target)
    qualification.refresh_from_db()
    return qualification


def _on_enter(qualification: Qualification, state: str) -> None:
    """Follow-up work of entering a state, done by the apps that own it (qad starts the
    Initial QAD when testing begins): inside this transaction, so a refusal undoes the move."""
    qualification_entered.send(sender=Qualification, qualification=qualification, state=state)


PQS_FIELDS = (
    "preferred_wave",
    "pit_approach",
    "pit_starts",
    "pit_ends",
    "target_migration_date",
    "places_reliance",
    "reliance_summary",
)


def pqs_save(*, pre_qualification: PreQualification, by: User, **values) -> PreQualification:
    """Save the participant's PQS while it is a draft or returned for changes."""
    if not can_edit_pqs(by, pre_qualification):
        raise PermissionDenied(_("Only the organisation admin can change the PQS now."))
    with transaction.atomic():
        locked = PreQualification.objects.select_for_update().get(pk=pre_qualification.pk)
        before = {f: _plain(getattr(locked, f)) for f in PQS_FIELDS}
        for name in PQS_FIELDS:
            if name in values:
                setattr(locked, name, values[name])
        locked.full_clean()
        locked.save()
        audit_record(
            kind="pqs.saved",
            actor=by,
            summary="Pre-Qualification Submission saved",
            qualification=locked.qualification,
            target=locked,
            before=before,
            after={f: _plain(getattr(locked, f)) for f in PQS_FIELDS},
        )
    return locked


def pqs_submit(*, pre_qualification: PreQualification, by: User) -> PreQualification:
    if not can_edit_pqs(by, pre_qualification):
        raise PermissionDenied(_("Only the organisation admin can submit the PQS."))
    missing = [
        label
        for field, label in (
            ("preferred_wave", _("preferred Wave")),
            ("pit_approach", _("PIT approach")),
            ("pit_starts", _("PIT start date")),
            ("pit_ends", _("PIT end date")),
            ("target_migration_date", _("target migration date")),
        )
        if not getattr(pre_qualification, field)
    ]
    if pre_qualification.places_reliance and not pre_qualification.reliance_summary.strip():
        missing.append(_("what you intend to rely on"))
    if missing:
        raise ValidationError(
            _("Before submitting, give the %(fields)s.")
            % {"fields": ", ".join(str(m) for m in missing)}
        )
    with transaction.atomic():
        locked = PreQualification.objects.select_for_update().get(pk=pre_qualification.pk)
        if locked.state not in (PreQualificationState.DRAFT, PreQualificationState.RETURNED):
            raise ValidationError(_("This PQS has already been submitted."))
        locked.state = PreQualificationState.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = by
        locked.save(update_fields=["state", "submitted_at", "submitted_by", "updated_at"])
        audit_record(
            kind="pqs.submitted",
            actor=by,
            summary="Pre-Qualification Submission submitted",
            qualification=locked.qualification,
            target=locked,
        )
    return locked


def pqs_decide(
    *, pre_qualification: PreQualification, accept: bool, note: str, by: User
) -> PreQualification:
    """A Code Body accepts the PQS (the QAD is then built) or returns it with a reason."""
    qualification = pre_qualification.qualification
    if not ({Actor.LEAD_ASSESSOR, Actor.PORTAL_ADMIN} & actor_capacities(by, qualification)):
        raise PermissionDenied(_("Only a lead assessor of an approving Code Body can decide."))
    if not accept and not note.strip():
        raise ValidationError(_("Say what the participant needs to change."))
    with transaction.atomic():
        locked = PreQualification.objects.select_for_update().get(pk=pre_qualification.pk)
        if locked.state != PreQualificationState.SUBMITTED:
            raise ValidationError(_("This PQS is not waiting for a decision."))
        locked.state = PreQualificationState.ACCEPTED if accept else PreQualificationState.RETURNED
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.decision_note = note.strip()
        locked.save()
        audit_record(
            kind="pqs.accepted" if accept else "pqs.returned",
            actor=by,
            summary=(
                "Pre-Qualification Submission accepted"
                if accept
                else "Pre-Qualification Submission returned for changes"
            ),
            qualification=qualification,
            target=locked,
            after=note.strip() or None,
        )
        if accept:
            Qualification.objects.filter(pk=qualification.pk).update(
                wave=locked.preferred_wave,
                places_reliance=locked.places_reliance,
                target_migration_date=locked.target_migration_date,
            )
            qualification.refresh_from_db()
            qualification_transition(
                qualification=qualification,
                target=QualificationState.TESTING,
                actor=by,
                note="Pre-Qualification Submission accepted",
            )
    return locked


def can_edit_pqs(user: User, pre_qualification: PreQualification) -> bool:
    return pre_qualification.state in (
        PreQualificationState.DRAFT,
        PreQualificationState.RETURNED,
    ) and MembershipRole.ORG_ADMIN in organisation_roles(
        user, pre_qualification.qualification.organisation
    )


def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value
