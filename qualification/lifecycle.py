"""The qualification lifecycle, declared once: which moves exist and who may make them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied

from qualification.enums import QualificationState as S


class Actor(StrEnum):
    """The capacities in which someone may move a qualification."""

    ORG_ADMIN = "org_admin"
    SIGNATORY = "signatory"
    LEAD_ASSESSOR = "lead_assessor"
    PORTAL_ADMIN = "portal_admin"
    PORTAL = "portal"  # the portal itself, as the result of another recorded action


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str
    actors: frozenset[Actor]
    description: str


def move(sources, target, actors, description) -> Move:
    return Move(frozenset(sources), target, frozenset(actors), description)


class TransitionNotAllowed(Exception):
    """The requested move does not exist from the current state."""


def find_move(moves: tuple[Move, ...], source: str, target: str) -> Move | None:
    for candidate in moves:
        if source in candidate.sources and candidate.target == target:
            return candidate
    return None


def authorise_move(
    moves: tuple[Move, ...],
    *,
    source: str,
    target: str,
    capacities: set[Actor],
    not_allowed: str,
) -> Move:
    """The move from `source` to `target`, if it exists and one of `capacities` may make it.

    Raises TransitionNotAllowed (with the `not_allowed` message) or PermissionDenied.
    """
    found = find_move(moves, source, target)
    if found is None:
        raise TransitionNotAllowed(not_allowed)
    if not capacities & found.actors:
        raise PermissionDenied(f"Not allowed to record: {found.description}")
    return found


IN_FLIGHT = {S.PRE_QUALIFICATION, S.TESTING, S.FINAL_QAD, S.AWAITING_SIGNATURE, S.AWAITING_APPROVAL}

MOVES: tuple[Move, ...] = (
    move(
        {S.PRE_QUALIFICATION},
        S.TESTING,
        {Actor.LEAD_ASSESSOR, Actor.PORTAL_ADMIN},
        "Pre-Qualification Submission accepted",
    ),
    # The participant declares its SIT or QT testing complete by starting its Final QAD, which
    # it writes (the Final QAD builds on the Initial one); the Programme's portal admin may
    # record it for them. A Code Body assesses the Final QAD but does not start it.
    move(
        {S.TESTING},
        S.FINAL_QAD,
        {Actor.ORG_ADMIN, Actor.PORTAL_ADMIN},
        "Testing complete; Final QAD in preparation",
    ),
    move(
        {S.FINAL_QAD},
        S.AWAITING_SIGNATURE,
        {Actor.PORTAL, Actor.PORTAL_ADMIN},
        "Every Code Body agrees the QAD is complete",
    ),
    move(
        {S.AWAITING_SIGNATURE},
        S.AWAITING_APPROVAL,
        {Actor.SIGNATORY},
        "QAD signed by a Director or delegate",
    ),
    move(
        {S.AWAITING_APPROVAL}, S.QUALIFIED, {Actor.PORTAL}, "Every approver has approved every role"
    ),
    move(
        {S.QUALIFIED},
        S.SERVICE_ACTIVATION,
        {Actor.PORTAL, Actor.PORTAL_ADMIN},
        "Service Activation started",
    ),
    move(
        {S.SERVICE_ACTIVATION},
        S.ACTIVE,
        {Actor.PORTAL},
        "Every role's Service Activation is complete",
    ),
    move(
        IN_FLIGHT,
        S.WITHDRAWN,
        {Actor.ORG_ADMIN, Actor.PORTAL_ADMIN},
        "Withdrawn by the participant",
    ),
    move(
        IN_FLIGHT,
        S.NON_COMPLETION,
        {Actor.LEAD_ASSESSOR, Actor.PORTAL_ADMIN},
        "Qualification not completed (QA&P Annex 4)",
    ),
    move(
        {S.QUALIFIED, S.SERVICE_ACTIVATION, S.ACTIVE},
        S.REQUALIFICATION_REQUIRED,
        {Actor.LEAD_ASSESSOR, Actor.PORTAL_ADMIN},
        "Re-qualification triggered",
    ),
    move({S.REQUALIFICATION_REQUIRED}, S.TESTING, {Actor.PORTAL_ADMIN}, "Re-qualification started"),
)


def initial_state(*, needs_pre_qualification: bool) -> S:
    return S.PRE_QUALIFICATION if needs_pre_qualification else S.TESTING
