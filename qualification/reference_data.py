"""The Code Bodies and the MHHS market roles that qualify, with the approvers each role needs.

From the Qualification Approval Process: Suppliers and LDSOs need the DIP Manager, the BSC PAB
and the REC Code Manager; Data Services need the DIP Manager and the BSC PAB; Metering
Services need the DIP Manager and the REC Code Manager. Loaded by a data migration.
"""

from __future__ import annotations

CODE_BODIES = [
    # code, name, who acts for it, who approves, approvals decided at a board meeting
    (
        "BSC",
        "Balancing and Settlement Code (Elexon)",
        "Elexon",
        "BSC Performance Assurance Board",
        True,
    ),
    ("REC", "Retail Energy Code (REC Code Manager)", "REC Code Manager", "REC Code Manager", False),
    ("DIP", "Data Integration Platform (DIP Manager)", "DIP Manager", "DIP Manager", False),
]

MARKET_ROLES = [
    (
        "SUP",
        "Supplier",
        "Supplies electricity to customers and is responsible for settlement of their consumption.",
        ["DIP", "BSC", "REC"],
    ),
    (
        "ADS",
        "Advanced Data Service",
        "Collects and processes half-hourly data from advanced (HH and AMR) meters for settlement.",
        ["DIP", "BSC"],
    ),
    (
        "SDS",
        "Smart Data Service",
        "Collects and processes data from smart and traditional "
        "non-half-hourly meters for settlement.",
        ["DIP", "BSC"],
    ),
    (
        "UMSDS",
        "Unmetered Supplies Data Service",
        "Calculates half-hourly consumption for unmetered supplies such as street lighting.",
        ["DIP", "BSC"],
    ),
    (
        "MSA",
        "Metering Service Advanced",
        "Installs and maintains advanced meters; delivered by a Meter Equipment Manager.",
        ["DIP", "REC"],
    ),
    (
        "MSS",
        "Metering Service Smart",
        "Installs and maintains smart meters; delivered by a Meter Equipment Manager.",
        ["DIP", "REC"],
    ),
    (
        "LDSO",
        "Licensed Distribution System Operator",
        "Runs a distribution network, including "
        "its Registration Service and unmetered supplies operator functions.",
        ["DIP", "BSC", "REC"],
    ),
]


def ensure_reference_data(code_body_model, market_role_model) -> None:
    """Create or refresh the reference rows; takes the model classes so that a migration can
    pass its historical models."""
    bodies = {}
    for position, (code, name, operator, approver, meeting) in enumerate(CODE_BODIES):
        bodies[code], _ = code_body_model.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "operator": operator,
                "approver_name": approver,
                "decides_at_meeting": meeting,
                "position": position,
            },
        )
    for position, (code, name, description, approvers) in enumerate(MARKET_ROLES):
        role, _ = market_role_model.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "position": position}
        )
        role.approvers.set([bodies[a] for a in approvers])
