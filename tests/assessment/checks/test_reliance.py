"""reliance_references_valid: evidence relied on is evidence the participant may rely on,
clean, with a statement of why it applies."""

import pytest

from assessment.enums import CheckStatus
from evidence.enums import ScanState
from evidence.models import EvidencePack
from qad.enums import SubmissionState
from qad.services.submissions import submission_transition
from tests.assessment.support import ids, run_check, submit
from tests.evidence.factories import attach, evidence_item, link
from tests.participants import Participant
from tests.qualification.factories import OrganisationFactory, UserFactory, start_qualification

pytestmark = pytest.mark.django_db

RELIANCE = ["10.1", "10.2", "10.3", "10.5", "10.6"]
STATEMENT = "We run GridSoft 4.2 unchanged, with the same configuration and interfaces."


def vendor_pack(participant, *, granted=True):
    vendor = OrganisationFactory(legal_name="GridSoft Ltd")
    pack = EvidencePack.objects.create(publisher=vendor, name="GridSoft 4.2 QT evidence")
    if granted:
        pack.granted_to.add(participant.organisation)
    return pack, vendor


def pack_item(pack, vendor, title, **state):
    return evidence_item(
        f"%PDF-1.7 {title}".encode(),
        name="qt.pdf",
        title=title,
        evidence_type="test_completion_report",
        organisation=vendor,
        uploaded_by=UserFactory(),
        pack=pack,
        **state,
    )


def earlier_own_evidence(participant, title):
    """Evidence the organisation submitted in another qualification's QAD."""
    other = start_qualification(
        organisation=participant.organisation, role_codes=("ADS",), created_by=participant.admin
    )
    submission = other.submissions.get()
    item = evidence_item(
        f"%PDF-1.7 {title}".encode(),
        name="own.pdf",
        title=title,
        evidence_type="test_completion_report",
        organisation=participant.organisation,
        submission=submission,
        uploaded_by=participant.contributor,
    )

    link(submission.revisions.get(), "4.1.5", item, by=participant.contributor)
    submission_transition(
        submission=submission, target=SubmissionState.SUBMITTED, actor=participant.admin
    )
    return item


def rely(participant, ref, item, statement=STATEMENT):
    link(
        participant.revision,
        ref,
        item,
        by=participant.contributor,
        relied_on=True,
        statement=statement,
    )


def test_granted_pack_and_own_earlier_evidence_with_statements_pass(qt_supplier):
    pack, vendor = vendor_pack(qt_supplier)
    shared = pack_item(pack, vendor, "GridSoft QT completion report")
    own = earlier_own_evidence(qt_supplier, "Our ADS QT exit report")
    rely(qt_supplier, "4.3.6", shared)
    rely(qt_supplier, "10.3", own)
    submit(qt_supplier)

    outcome = run_check("reliance_references_valid", qt_supplier, RELIANCE)

    assert outcome.status == CheckStatus.PASS
    assert outcome.message == (
        "All 2 relied-on files are available to rely on and clean, with a statement: "
        "“GridSoft QT completion report” (4.3.6), “Our ADS QT exit report” (10.3)."
    )
    assert outcome.evidence == ids(shared, own)
    assert outcome.questions == ("4.3.6", "10.3")


def test_each_invalid_reference_is_named_with_every_reason(qt_supplier):
    pack, vendor = vendor_pack(qt_supplier, granted=False)
    withdrawn = pack_item(pack, vendor, "GridSoft QT completion report")
    granted_pack = EvidencePack.objects.create(publisher=vendor, name="GridSoft NFR evidence")
    granted_pack.granted_to.add(qt_supplier.organisation)
    unclean = pack_item(
        granted_pack, vendor, "GridSoft NFR results", scan_state=ScanState.NEEDS_ATTENTION
    )
    same_qad = attach(
        qt_supplier,
        "4.3.6",
        b"%PDF-1.7 ours",
        name="ours.pdf",
        title="Our QT exit report",
        evidence_type="test_completion_report",
    )
    rely(qt_supplier, "4.3.6", withdrawn)
    rely(qt_supplier, "4.5.6", unclean, statement="Same.")
    rely(qt_supplier, "10.3", same_qad)
    submit(qt_supplier)

    outcome = run_check("reliance_references_valid", qt_supplier, RELIANCE)

    assert outcome.status == CheckStatus.FAIL
    assert outcome.message == (
        "3 of 3 relied-on files are not valid: “GridSoft QT completion report” (4.3.6) is "
        "from the evidence pack “GridSoft 4.2 QT evidence” by GridSoft Ltd, which is not shared "
        "with Lantern Power Ltd; “GridSoft NFR results” (4.5.6) is not clean (needs attention: "
        "personal data found) and has a statement too short to say why it applies; “Our QT "
        "exit report” (10.3) was uploaded for this QAD, so it is not evidence accepted "
        "elsewhere."
    )
    assert outcome.questions == ("4.3.6", "4.5.6", "10.3")
    assert outcome.evidence == ids(withdrawn, unclean, same_qad)


def test_reliance_declared_but_nothing_relied_on_is_a_warning(qt_supplier):
    submit(qt_supplier)

    outcome = run_check("reliance_references_valid", qt_supplier, RELIANCE)

    assert (outcome.status, outcome.message) == (
        CheckStatus.WARNING,
        "No evidence in this revision is marked as relied on, so there is no reliance "
        "reference to check.",
    )


def test_a_qualification_that_places_no_reliance_is_not_applicable(shipped_versions):
    participant = Participant("Solo Supply Ltd")
    submit(participant)

    outcome = run_check("reliance_references_valid", participant, ["4.1.5"])

    assert (outcome.status, outcome.message) == (
        CheckStatus.NOT_APPLICABLE,
        "This qualification does not place reliance on another party's testing.",
    )


def test_the_criterion_scope_only_checks_its_own_questions(qt_supplier):
    pack, vendor = vendor_pack(qt_supplier, granted=False)
    rely(qt_supplier, "4.3.6", pack_item(pack, vendor, "GridSoft QT completion report"))
    submit(qt_supplier)

    outcome = run_check("reliance_references_valid", qt_supplier, RELIANCE, {"scope": "criterion"})

    assert outcome.status == CheckStatus.WARNING
