"""identifiers_match_reference_data: the roles, MPIDs, DIP IDs and route a QAD gives are the
ones the portal holds for the participant."""

import pytest

from assessment.enums import CheckStatus
from qad.enums import SubmissionStage
from qad.models import Answer, Submission
from qualification.models import Mpid
from tests.assessment.support import run_check, set_answers, submit
from tests.qualification.factories import MpidFactory, market_role

IDENTIFIERS = ["3.4", "3.5"]


@pytest.fixture
def harbour(supplier):
    """Harbour holds its Supplier MPID with a DIP ID, and an ADS MPID it does not seek."""
    mpid = supplier.qualification.roles.get().mpid
    Mpid.objects.filter(pk=mpid.pk).update(dip_id="4000012345")
    MpidFactory(organisation=supplier.organisation, market_role=market_role("ADS"), code="HBAD")
    return supplier, mpid.code


def row(mpid, *, role="SUP", dip="4000012345"):
    return {
        "role": role,
        "mpid": mpid,
        "market_role_code": "X",
        "dip_participant_id": dip,
        "target_migration_date": "2026-06-01",
    }


def test_identifiers_the_portal_holds_pass(harbour):
    supplier, code = harbour
    set_answers(supplier, {"3.4": [row(code, role="Supplier")], "3.5": "SIT"})
    submit(supplier)

    outcome = run_check("identifiers_match_reference_data", supplier, IDENTIFIERS)

    assert (outcome.status, outcome.message) == (
        CheckStatus.PASS,
        "Every MPID, DIP ID and route given matches the portal's records (1 MPID).",
    )


def test_each_identifier_the_portal_does_not_hold_is_named_with_its_row(harbour):
    supplier, code = harbour
    set_answers(supplier, {"3.5": "QT"})
    # Rows 3 and 4 are what a table held before its cells had formats (saving them now is
    # refused at once): the check reads them as they are stored.
    Answer.objects.filter(revision=supplier.revision, question__ref="3.4").update(
        value=[
            row("ZZZZ"),
            row("HBAD", role="SUP", dip="4000099999"),
            row("H-1"),
            {**row(code, dip="12345"), "market_role_code": "SUP"},
        ]
    )
    submit(supplier)

    outcome = run_check("identifiers_match_reference_data", supplier, IDENTIFIERS)

    assert outcome.status == CheckStatus.FAIL
    assert outcome.message == (
        "6 identifiers are not as the portal holds them: 3.4 row 1: MPID ZZZZ is not "
        "registered to Harbour Energy Ltd in the portal, 3.4 row 2: MPID HBAD is registered "
        "for Advanced Data Service, not 'SUP', 3.4 row 3: 'H-1' is not an MPID (4 upper-case "
        "letters or digits), 3.4 row 4: 'SUP' is not a market role code (1 or 2 upper-case "
        "letters or digits, as in Market Domain Data), 3.4 row 4: '12345' is not a DIP ID "
        "(10 digits), 3.5 gives the "
        "route Non-SIT Qualification Testing; the qualification follows Systems Integration "
        "Testing (SIT)."
    )
    assert outcome.questions == ("3.4", "3.5")


def test_a_role_sought_without_a_row_fails(harbour):
    supplier, _code = harbour
    set_answers(supplier, {"3.4": [row("HBAD", role="ADS", dip="")], "3.5": "SIT"})
    submit(supplier)

    outcome = run_check("identifiers_match_reference_data", supplier, IDENTIFIERS)

    assert outcome.status == CheckStatus.FAIL
    assert "3.4 has no row for Supplier (" in outcome.message


def test_a_dip_id_still_to_come_is_a_warning_then_a_fail_in_the_final_qad(harbour):
    supplier, code = harbour
    set_answers(supplier, {"3.4": [row(code, dip="pending")], "3.5": "SIT"})
    submit(supplier)

    initial = run_check("identifiers_match_reference_data", supplier, IDENTIFIERS)
    Submission.objects.filter(pk=supplier.submission.pk).update(stage=SubmissionStage.FINAL)
    final = run_check("identifiers_match_reference_data", supplier, IDENTIFIERS)

    assert initial.status == CheckStatus.WARNING
    assert "3.4 row 1: the DIP ID of " in initial.message
    assert final.status == CheckStatus.FAIL
    assert final.message.startswith("The Final QAD must give every DIP ID:")


def test_a_criterion_without_identifier_questions_is_not_applicable(harbour):
    supplier, _code = harbour
    submit(supplier)

    outcome = run_check("identifiers_match_reference_data", supplier, ["3.1"])

    assert outcome.status == CheckStatus.NOT_APPLICABLE
