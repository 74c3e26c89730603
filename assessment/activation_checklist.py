"""The Service Activation checklist the portal ships with, until portal admins change it.

The programme's sources place Service Activation after approval and before operating, and
name no activities inside it: these steps are the portal's reading (production DIP
enablement, the market's standing data, the Programme's review of open work-off plans, the
migration slot). Loaded by a data migration; kept by portal admins from then on.
"""

from __future__ import annotations

# label, Code Body whose lead assessor confirms it (None: the Programme), reviews work-off
SHIPPED = [
    ("Production DIP connection enabled", "DIP", False),
    ("Market Domain Data and Industry Standing Data entries confirmed", None, False),
    ("Open work-off plans reviewed by the Programme", None, True),
    ("Migration slot agreed", None, False),
    ("Service Activation confirmed by the DIP Manager", "DIP", False),
]


def ensure_activation_checklist(item_model, code_body_model) -> None:
    """Write the shipped checklist where there is none; an admin's checklist is left as it
    is. Takes the model classes so that a migration can pass its historical models."""
    if item_model.objects.exists():
        return
    bodies = {body.code: body for body in code_body_model.objects.all()}
    item_model.objects.bulk_create(
        item_model(
            label=label,
            position=position,
            confirmer=bodies[code] if code else None,
            reviews_work_off=reviews_work_off,
        )
        for position, (label, code, reviews_work_off) in enumerate(SHIPPED)
    )
