"""What every kind of report shares: the fingerprint of the facts it shows, and what its
status page says about it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone


def fingerprint_of(facts: dict[str, Any]) -> str:
    """SHA-256 of the facts, written canonically (sorted keys, no spaces), so the same facts
    always give the same fingerprint whatever order they were gathered in."""
    canonical = json.dumps(facts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def lines(text: str) -> str:
    """Text with its line breaks as plain newlines (the report shows them as written)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def local_date(moment: dt.datetime | None) -> dt.date | None:
    """The date a moment fell on in the portal's time zone (what a report prints)."""
    return timezone.localtime(moment).date() if moment else None


@dataclass(frozen=True)
class ReportPage:
    """What a report's status page says about the report: its title and heading, one line on
    what the PDF holds, the pages above it (label and URL, below Home), where "Try again"
    posts to, and any facts worth showing beside the download (label and value)."""

    title: str
    heading: str
    intro: str
    breadcrumbs: list[tuple[str, str]]
    retry_url: str
    retry_fields: dict[str, str] = field(default_factory=dict)
    facts: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class RoleLine:
    """A market role as reports print it: "Supplier (SUP), MPID NWES"."""

    name: str
    code: str
    mpid: str


def role_lines(roles) -> list[RoleLine]:
    """Roles (with `market_role` and `mpid` loaded) as report lines."""
    return [
        RoleLine(
            name=role.market_role.name,
            code=role.market_role.code,
            mpid=role.mpid.code if role.mpid_id else "",
        )
        for role in roles
    ]


def participant_facts(qualification, roles: list[RoleLine]) -> list[Any]:
    """Who the participant is, as every report about it prints it: part of each fingerprint."""
    organisation = qualification.organisation
    return [
        organisation.legal_name,
        organisation.trading_name,
        organisation.company_number,
        [[role.code, role.mpid] for role in roles],
        qualification.route,
        qualification.wave_id,
    ]
