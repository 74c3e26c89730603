"""The approval letter: a participant's confirmation that one of its market roles is MHHS
Qualified.

A role is Qualified when every Code Body that approves it has approved it, with or without
conditions (`assessment.services.decisions.role_qualified`). The letter is addressed to the
organisation (legal name, trading name, company number, for the attention of its primary
contact), names the role and its MPID, the route, the date of Qualification, and each
approving Code Body with the date of its decision and its conditions, under a reference
number that stays the same for the role however often the letter is printed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from assessment.models import Report
from assessment.reports.documents.common import (
    ReportPage,
    fingerprint_of,
    lines,
    local_date,
    role_lines,
)
from assessment.rules import can_view_approval_letter
from assessment.selectors import sms_exemption
from qualification.enums import ApprovalOutcome, ContactPurpose
from qualification.models import Contact, QualificationRole, RoleApproval

# Part of every letter's fingerprint: bump it when the letter's layout or wording changes.
APPROVAL_LETTER_FORMAT = "approval-letter/1"


@dataclass(frozen=True)
class ApproverLine:
    approver_name: str
    code_body_name: str
    operator: str
    outcome_label: str
    with_conditions: bool
    decided_on: dt.date | None
    meeting_date: dt.date | None
    conditions: str


def role_subject_key(role: QualificationRole) -> str:
    return f"role:{role.pk}"


def _load_role(role_id: int) -> QualificationRole:
    return QualificationRole.objects.select_related(
        "qualification__organisation", "qualification__wave", "market_role", "mpid"
    ).get(pk=role_id)


def _approvals(role: QualificationRole) -> list[RoleApproval]:
    return list(
        RoleApproval.objects.filter(qualification_role=role)
        .select_related("code_body")
        .order_by("code_body__position")
    )


def _primary_contact(role: QualificationRole) -> Contact | None:
    return (
        Contact.objects.filter(
            organisation_id=role.qualification.organisation_id, purpose=ContactPurpose.PRIMARY
        )
        .order_by("name", "pk")
        .first()
    )


def letter_reference(role: QualificationRole) -> str:
    """MHHS-Q/<year>/<MPID>/<8 hex>: the year of Qualification, the MPID (or the role's code
    when it has none) and a digest of the qualification and role, so that the reference is
    the same on every copy and says nothing that could be guessed into a URL."""
    digest = hashlib.sha256(
        f"{role.qualification.public_id}:{role.market_role.code}".encode()
    ).hexdigest()
    year = role.qualified_on.year if role.qualified_on else timezone.localdate().year
    name = role.mpid.code if role.mpid_id else role.market_role.code
    return f"MHHS-Q/{year}/{name}/{digest[:8].upper()}"


def approval_letter_context(role_id: int) -> dict[str, Any]:
    """Everything the letter shows, in four queries."""
    role = _load_role(role_id)
    qualification = role.qualification
    organisation = qualification.organisation
    approvals = _approvals(role)
    line = role_lines([role])[0]
    approvers = [
        ApproverLine(
            approver_name=a.code_body.approver_name,
            code_body_name=a.code_body.name,
            operator=a.code_body.operator,
            outcome_label=a.get_outcome_display(),
            with_conditions=a.outcome == ApprovalOutcome.APPROVED_WITH_CONDITIONS,
            decided_on=local_date(a.decided_at),
            meeting_date=a.meeting_date,
            conditions=lines(a.conditions),
        )
        for a in approvals
    ]
    title = _("MHHS Qualification: %(role)s (%(mpid)s), %(organisation)s") % {
        "role": line.name,
        "mpid": line.mpid or line.code,
        "organisation": organisation.legal_name,
    }
    return {
        "title": title,
        "role": line,
        "qualification": qualification,
        "organisation": organisation,
        "contact": _primary_contact(role),
        "qualified_on": role.qualified_on,
        "approvers": approvers,
        "conditional": any(a.with_conditions for a in approvers),
        "sms_exemption": _granted_exemption(qualification),
        "reference": letter_reference(role),
        "prepared_at": timezone.now(),
    }


def _granted_exemption(qualification) -> list[tuple[str, dt.date, str]]:
    """(deciding body, date, reference) of the SMS exemption once both decisions are in."""
    exemption = sms_exemption(qualification)
    if exemption is None or not exemption.granted:
        return []
    return [
        (d.code_body.approver_name, d.decided_on, d.reference) for d in exemption.decisions.values()
    ]


def approval_letter_fingerprint(role: QualificationRole) -> str:
    """The facts the letter shows: the organisation, its primary contact, the role and MPID,
    the route, the date of Qualification, and each approver's decision."""
    role = _load_role(role.pk)
    organisation = role.qualification.organisation
    contact = _primary_contact(role)
    facts = {
        "format": APPROVAL_LETTER_FORMAT,
        "organisation": [
            organisation.legal_name,
            organisation.trading_name,
            organisation.company_number,
        ],
        "contact": contact.name if contact else None,
        "role": [role.market_role.code, role.market_role.name, role.mpid_id and role.mpid.code],
        "route": role.qualification.route,
        "wave": role.qualification.wave_id,
        "qualified_on": role.qualified_on,
        "sms_exemption": _granted_exemption(role.qualification),
        "approvals": [
            [
                a.code_body.code,
                a.code_body.approver_name,
                a.outcome,
                local_date(a.decided_at),
                a.meeting_date,
                a.conditions,
            ]
            for a in _approvals(role)
        ],
    }
    return fingerprint_of(facts)


def approval_letter_filename(report: Report) -> str:
    role = report.qualification_role
    organisation = slugify(role.qualification.organisation.legal_name)[:60]
    name = (role.mpid.code if role.mpid_id else role.market_role.code).lower()
    return f"mhhs-approval-letter-{role.market_role.code.lower()}-{name}-{organisation}.pdf"


def can_view_letter_report(user, report: Report) -> bool:
    return report.qualification_role_id is not None and can_view_approval_letter(
        user, report.qualification_role
    )


def approval_letter_page(report: Report) -> ReportPage:
    role = report.qualification_role
    qualification = role.qualification
    organisation = qualification.organisation
    name = role.market_role.name + (f" ({role.mpid.code})" if role.mpid_id else "")
    return ReportPage(
        title=f"{_('Approval letter')} · {name} · {organisation.legal_name}",
        heading=_("The approval letter for %(role)s, as a PDF") % {"role": name},
        intro=_(
            "The letter confirming that %(org)s is MHHS Qualified as %(role)s, with each "
            "approving Code Body's decision and conditions."
        )
        % {"org": organisation.legal_name, "role": name},
        breadcrumbs=[(organisation.legal_name, qualification.get_absolute_url())],
        retry_url=reverse(
            "report-request-letter", args=[qualification.public_id, role.market_role.code]
        ),
        facts=[(_("Reference"), letter_reference(role))],
    )
