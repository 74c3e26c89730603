"""The evidence register: each file of the current revision once, with the questions it
supports, filtered, sorted and drawn a page at a time."""

import re

import pytest
from django.urls import reverse

from evidence.enums import ScanState
from tests.evidence.factories import attach, evidence_item, link
from tests.participants import Participant

pytestmark = pytest.mark.django_db


def register(client, participant, query: str = "") -> str:
    url = reverse("evidence-register", args=[participant.submission.public_id])
    response = client.get(f"{url}?{query}" if query else url)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def titles(page: str) -> list[str]:
    return re.findall(
        r'data-label="Title" class="fw-normal"> (?:<a [^>]*>)?(File [A-Z][0-9]*)', page
    )


def two_refs(participant) -> tuple[str, str]:
    first, second = (
        participant.revision.answers.filter(question__ref__startswith="4.")
        .order_by("question__position")
        .values_list("question__ref", flat=True)[:2]
    )
    return first, second


def files(participant):
    """Four files uploaded in this order, of different types, sizes and states."""
    made = {}
    for title, evidence_type, size, state, justification in (
        ("File C", "test_execution_log", 30, ScanState.CLEAN, ""),
        ("File A", "process_document", 10, ScanState.REJECTED, ""),
        ("File D", "test_completion_report", 40, ScanState.NEEDS_ATTENTION, "Test names only"),
        ("File B", "test_execution_log", 20, ScanState.NEEDS_ATTENTION, ""),
    ):
        made[title] = attach(
            participant,
            "4.1.5",
            title.encode() * size,
            name=f"{title.lower().replace(' ', '-')}.csv",
            title=title,
            evidence_type=evidence_type,
            scan_state=state,
            justification=justification,
        )
    return made


def test_a_file_supporting_two_questions_is_one_row_listing_both(signed_in, supplier):
    first, second = two_refs(supplier)
    item = attach(
        supplier,
        second,
        b"two questions",
        name="log.csv",
        title="File X",
        evidence_type="test_execution_log",
    )
    link(supplier.revision, first, item, by=supplier.contributor)

    page = register(signed_in, supplier)

    assert titles(page) == ["File X"]
    assert f'data-label="Questions">{first}, {second}</td>' in page


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["File B", "File D", "File A", "File C"]),  # newest first
        ("uploaded", ["File B", "File D", "File A", "File C"]),
        ("title", ["File A", "File B", "File C", "File D"]),
        ("size", ["File D", "File C", "File B", "File A"]),
        # Process document, Test completion report, Test execution log (two, as uploaded)
        ("type", ["File A", "File D", "File C", "File B"]),
        # clean (a justified finding counts as clean), needs attention, rejected
        ("state", ["File C", "File D", "File B", "File A"]),
    ],
)
def test_the_register_sorts_as_asked(signed_in, supplier, sort, expected):
    files(supplier)

    assert titles(register(signed_in, supplier, f"sort={sort}")) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=test_execution_log", ["File B", "File C"]),
        ("state=clean", ["File D", "File C"]),
        ("state=needs_attention", ["File B"]),
        ("state=rejected", ["File A"]),
        ("type=test_execution_log&state=clean", ["File C"]),
        ("type=defect_log", []),
    ],
)
def test_the_register_filters_by_type_and_state(signed_in, supplier, query, expected):
    files(supplier)

    assert titles(register(signed_in, supplier, query)) == expected


def test_a_long_register_is_drawn_fifty_files_a_page_with_every_file_counted(signed_in, supplier):
    for n in range(55):
        attach(
            supplier,
            "4.1.5",
            f"content {n}".encode(),
            name=f"log-{n}.csv",
            title=f"File L{n}",
            evidence_type="test_execution_log" if n % 5 else "process_document",
        )

    first = register(signed_in, supplier)
    second = register(signed_in, supplier, "page=2")
    documents = register(signed_in, supplier, "type=process_document")

    assert titles(first) == [f"File L{n}" for n in range(54, 4, -1)]
    assert "Page 1 of 2 (55 files)" in first
    assert titles(second) == [f"File L{n}" for n in range(4, -1, -1)]
    assert "Page 2 of 2 (55 files)" in second
    assert titles(documents) == [f"File L{n}" for n in range(50, -1, -5)]
    assert "Page 1 of" not in documents
    # A page past the end shows the last; a page that is not a number, the first.
    assert titles(register(signed_in, supplier, "page=9")) == titles(second)
    assert titles(register(signed_in, supplier, "page=last")) == titles(first)


def test_a_relied_on_file_shows_where_it_comes_from_and_why(signed_in, supplier):
    earlier = Participant("Harbour Energy Ltd (earlier)")
    item = evidence_item(
        b"accepted before",
        name="report.pdf",
        title="File R",
        evidence_type="test_completion_report",
        organisation=supplier.organisation,
        submission=earlier.submission,
        uploaded_by=supplier.contributor,
    )
    link(
        supplier.revision,
        "4.1.5",
        item,
        by=supplier.contributor,
        relied_on=True,
        statement="Same systems as last year.",
    )

    page = register(signed_in, supplier)

    assert titles(page) == ["File R"]
    assert "Relied on" in page and "From your earlier Initial QAD" in page
    assert "Same systems as last year." in page


def test_files_of_another_participant_or_revision_are_not_listed(signed_in, supplier):
    other = Participant("Elsewhere Power Ltd")
    attach(
        other,
        "4.1.5",
        b"not yours",
        name="theirs.csv",
        title="File Z",
        evidence_type="test_execution_log",
    )
    files(supplier)

    page = register(signed_in, supplier)

    assert sorted(titles(page)) == ["File A", "File B", "File C", "File D"]
    assert "not yours" not in page and "theirs.csv" not in page


def test_reliance_is_offered_on_own_submitted_evidence_then_granted_packs(signed_in, supplier):
    from django.utils import timezone

    from evidence.models import EvidencePack
    from tests.qualification.factories import OrganisationFactory

    earlier = Participant("Harbour Energy Ltd (earlier)")
    earlier.revision.__class__.objects.filter(pk=earlier.revision.pk).update(
        submitted_at=timezone.now()
    )
    vendor = OrganisationFactory(legal_name="GridSoft Ltd")
    granted = EvidencePack.objects.create(publisher=vendor, name="Granted pack")
    granted.granted_to.add(supplier.organisation)
    not_granted = EvidencePack.objects.create(publisher=vendor, name="Other pack")

    def item(title, *, organisation=supplier.organisation, submission=None, pack=None, **state):
        return evidence_item(
            title.encode(),
            name=f"{title}.pdf",
            title=title,
            evidence_type="test_completion_report",
            organisation=organisation,
            submission=submission,
            pack=pack,
            uploaded_by=supplier.contributor,
            **state,
        )

    for title, kwargs, revision in (
        ("File P", {"organisation": vendor, "pack": granted}, None),
        ("File S", {"submission": earlier.submission}, earlier.revision),
        ("File Q", {"organisation": vendor, "pack": not_granted}, None),
        ("File T", {"submission": earlier.submission}, earlier.revision),
        ("File W", {"submission": supplier.submission}, supplier.revision),
        (
            "File X",
            {"submission": earlier.submission, "scan_state": ScanState.REJECTED},
            earlier.revision,
        ),
        (
            "File Y",
            {"organisation": earlier.organisation, "submission": earlier.submission},
            earlier.revision,
        ),
    ):
        made = item(title, **kwargs)
        if revision is not None:
            link(revision, "4.1.5", made, by=supplier.contributor)

    page = register(signed_in, supplier)

    offered = re.findall(r'<option value="[0-9a-f-]{36}">(File [A-Z]) — ([^<]*)</option>', page)
    assert offered == [
        ("File T", "your earlier submission"),
        ("File S", "your earlier submission"),
        ("File P", "Granted pack (GridSoft Ltd)"),
    ]
