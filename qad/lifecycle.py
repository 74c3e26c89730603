"""The submission lifecycle, declared once: which moves exist and who may make them."""

from __future__ import annotations

from qad.enums import SubmissionState as S
from qualification.lifecycle import Actor, move

MOVES = (
    move(
        {S.DRAFT, S.CLARIFICATION_REQUESTED},
        S.SUBMITTED,
        {Actor.ORG_ADMIN, Actor.SIGNATORY},
        "Submitted to the Code Bodies",
    ),
    move({S.SUBMITTED}, S.UNDER_REVIEW, {Actor.LEAD_ASSESSOR, Actor.PORTAL}, "Review started"),
    move(
        {S.UNDER_REVIEW},
        S.CLARIFICATION_REQUESTED,
        {Actor.LEAD_ASSESSOR, Actor.PORTAL},
        "Clarification requested",
    ),
    move(
        {S.UNDER_REVIEW},
        S.AGREED_COMPLETE,
        {Actor.PORTAL},
        "Every Code Body agrees the content is complete",
    ),
    move({S.AGREED_COMPLETE}, S.SIGNED, {Actor.SIGNATORY}, "Signed"),
)
