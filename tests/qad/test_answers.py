"""An answer is refused on entry, with what it must look like, when it does not fit its
question: here, a table cell that does not match its column's format."""

import pytest
from django.core.exceptions import ValidationError

from qad.answers import clean_answer_value
from qad.services.templates import current_template

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "cells, message",
    [
        (
            {"mpid": "nw1"},
            "Row 1, MPID: “nw1” is not an MPID, 4 upper-case letters or digits as held in "
            "Market Domain Data.",
        ),
        (
            {"market_role_code": "SUP"},
            "Row 1, Market role code: “SUP” is not a market role code, 1 or 2 upper-case "
            "letters or digits.",
        ),
        (
            {"dip_participant_id": "DIP-000412"},
            "Row 1, DIP participant ID: “DIP-000412” is not a DIP participant ID, 10 digits "
            '(or "pending" until it is issued).',
        ),
    ],
)
def test_an_identifier_cell_of_another_format_is_refused_naming_the_format(
    shipped_versions, cells, message
):
    identifiers = current_template().questions.get(ref="3.4")
    row = {"role": "Supplier", "mpid": "NWES", "market_role_code": "X", **cells}

    with pytest.raises(ValidationError) as refused:
        clean_answer_value(identifiers, [row])

    assert refused.value.messages == [message]


def test_identifier_cells_of_their_format_are_kept_as_typed(shipped_versions):
    identifiers = current_template().questions.get(ref="3.4")
    rows = [
        {
            "role": "Supplier",
            "mpid": "NWES",
            "market_role_code": "X",
            "dip_participant_id": "pending",
        },
        {
            "role": "Supplier",
            "mpid": "NWE2",
            "market_role_code": "X1",
            "dip_participant_id": "4000012345",
        },
    ]

    cleaned = clean_answer_value(identifiers, rows)

    assert [(r["mpid"], r["dip_participant_id"]) for r in cleaned] == [
        ("NWES", "pending"),
        ("NWE2", "4000012345"),
    ]
