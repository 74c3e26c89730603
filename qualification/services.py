"""Actions that change participants and qualifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from qad.enums import SubmissionStage
from qualification.enums import QualificationState, Route
from qualification.lifecycle import MOVES, TransitionNotAllowed, authorise_move, initial_state
from qualification.models import (
    MarketRole,
    Mpid,
    Organisation,
    Qualification,
    QualificationRole,
    QualificationTransition,
    RoleApproval,
    User,
    Wave,
)
from qualification.rules import acting_capacities


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
        _on_enter(qualification, state)
    return qualification


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
        locked = Qualification.objects.select_for_update().get(pk=qualification.pk)
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
        locked.state = target
        locked.save(update_fields=["state", "updated_at"])
        _on_enter(locked, target)
    qualification.refresh_from_db()
    return qualification


def _on_enter(qualification: Qualification, state: str) -> None:
    """Follow-up work of entering a state."""
    from qad.services.submissions import submission_start
    from qad.services.templates import current_template

    if state == QualificationState.TESTING:
        template = current_template()
        if template is None:
            raise TransitionNotAllowed("No QAD template is published yet; load one first")
        submission_start(
            qualification=qualification, stage=SubmissionStage.INITIAL, template=template
        )
