"""The audit trail: every kind of change is recorded with who, when, what and before/after;
portal admins read all of it, organisation admins their own organisation's; nobody edits it."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from assessment.services.criteria import criteria_set_load, criteria_set_publish
from qad.services.answers import answer_save
from qualification.enums import MembershipRole
from qualification.models import AuditEvent, AuditRecordImmutable
from qualification.people import membership_add, membership_remove
from tests.assessment.test_reviews import People, committed, record
from tests.evidence.test_evidence import upload
from tests.participants import Participant
from tests.qad.test_submit_and_sign import fill
from tests.qualification.factories import UserFactory
from tests.version_files import JOURNEY_CRITERIA, as_bytes

pytestmark = pytest.mark.django_db


def latest(kind: str) -> AuditEvent:
    return AuditEvent.objects.filter(kind=kind).latest("pk")


def test_an_answer_change_records_the_value_before_and_after(northwind):
    answer = northwind.answer("3.1")
    answer_save(
        answer=answer,
        value="First draft",
        expected_version=answer.version,
        by=northwind.contributor,
    )
    answer.refresh_from_db()
    answer_save(
        answer=answer, value="Second draft", expected_version=answer.version, by=northwind.admin
    )

    event = latest("answer.saved")
    assert (event.actor, event.before, event.after) == (
        northwind.admin,
        "First draft",
        "Second draft",
    )
    assert event.organisation == northwind.organisation
    assert event.qualification == northwind.qualification
    assert event.summary == "Answer to 3.1 saved" and event.at is not None


def test_an_upload_records_the_file_and_its_hash(client, northwind):
    client.force_login(northwind.contributor)
    upload(client, northwind, "plan.pdf", b"%PDF-1.4 plan", ref="4.5")
    event = latest("evidence.uploaded")
    assert event.actor == northwind.contributor
    assert event.organisation == northwind.organisation
    assert "plan" in event.summary
    assert event.after["sha256"]


def test_submitting_records_the_state_change(northwind):
    from qad.services.submissions import submission_submit

    fill(northwind)
    committed(
        submission_submit, submission=northwind.submission, by=northwind.admin, revision_number=1
    )
    event = latest("submission.submitted")
    assert event.actor == northwind.admin
    assert (event.before, event.after) == ("draft", "submitted")


def test_an_outcome_records_the_assessor_and_the_outcome(client, northwind):
    from qad.services.submissions import submission_submit

    people = People()
    fill(northwind)
    committed(
        submission_submit, submission=northwind.submission, by=northwind.admin, revision_number=1
    )
    client.force_login(people.bsc_lead)
    record(client, northwind, "BSC-3", "met", comment="Clear operating model.")
    event = latest("outcome.recorded")
    assert event.actor == people.bsc_lead
    assert event.organisation == northwind.organisation
    assert event.after["outcome"] == "met"
    assert event.after["comment"] == "Clear operating model."


def test_membership_changes_are_recorded(northwind):
    portal_admin = UserFactory(is_staff=True)
    newcomer = UserFactory()
    membership = membership_add(
        user=newcomer,
        organisation=northwind.organisation,
        role=MembershipRole.CONTRIBUTOR,
        by=portal_admin,
    )
    added = latest("membership.added")
    assert (added.actor, added.organisation) == (portal_admin, northwind.organisation)
    assert newcomer.email in added.summary

    membership_remove(membership=membership, by=portal_admin)
    removed = latest("membership.removed")
    assert removed.actor == portal_admin and newcomer.email in removed.summary


def test_loading_and_publishing_a_version_are_recorded(journey_template):
    admin = UserFactory(is_staff=True)
    document = dict(JOURNEY_CRITERIA["BSC"], version="99.5")
    criteria_set = criteria_set_load(
        filename="bsc-99.5.yaml", content=as_bytes(document), publish=False, loaded_by=admin
    ).version
    loaded = latest("version.loaded")
    assert loaded.actor == admin and "bsc-99.5.yaml" in loaded.summary
    assert loaded.after["status"] == "draft"

    criteria_set_publish(criteria_set=criteria_set, by=admin)
    published = latest("version.published")
    assert published.actor == admin
    assert published.before == {"current": ["BSC criteria v99.0"]}
    assert published.after == {"current": "BSC criteria v99.5"}


# Who reads it


@pytest.fixture
def two_organisations(journey_template):
    northwind = Participant()
    meterline = Participant("Meterline Metering Services Ltd", role_codes=("MSA",))
    for participant in (northwind, meterline):
        answer = participant.answer("3.1")
        answer_save(
            answer=answer,
            value=f"{participant.organisation.legal_name} operates in house",
            expected_version=answer.version,
            by=participant.contributor,
        )
    return northwind, meterline


def test_a_portal_admin_reads_the_whole_trail(client, two_organisations):
    client.force_login(UserFactory(is_staff=True))
    page = client.get(reverse("audit")).content.decode()
    assert "Northwind Energy Supply Ltd operates in house" in page
    assert "Meterline Metering Services Ltd operates in house" in page


def test_an_organisation_admin_reads_only_its_own_organisation(client, two_organisations):
    northwind, meterline = two_organisations
    client.force_login(northwind.admin)
    own = client.get(reverse("organisation-audit", args=[northwind.organisation.public_id]))
    assert own.status_code == 200
    assert "Northwind Energy Supply Ltd operates in house" in own.content.decode()
    assert "Meterline" not in own.content.decode()
    other = client.get(reverse("organisation-audit", args=[meterline.organisation.public_id]))
    assert other.status_code == 404
    assert client.get(reverse("audit")).status_code == 403


def test_contributors_and_signatories_do_not_read_the_trail(client, two_organisations):
    northwind, _ = two_organisations
    for user in (northwind.contributor, northwind.signatory):
        client.force_login(user)
        url = reverse("organisation-audit", args=[northwind.organisation.public_id])
        assert client.get(url).status_code == 403


# Nobody changes it


def test_records_cannot_be_edited_or_deleted(two_organisations):
    event = AuditEvent.objects.first()
    event.summary = "Nothing happened"
    with pytest.raises(AuditRecordImmutable):
        event.save()
    with pytest.raises(AuditRecordImmutable):
        event.delete()
    event.refresh_from_db()
    assert event.summary != "Nothing happened"


def test_the_admin_site_offers_no_way_to_change_a_record(client, two_organisations):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    event = AuditEvent.objects.first()
    request = RequestFactory().get("/")
    request.user = superuser
    model_admin = site._registry[AuditEvent]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)

    client.force_login(superuser)
    change_url = reverse("admin:qualification_auditevent_change", args=[event.pk])
    client.post(change_url, {"summary": "Nothing happened"})
    delete_url = reverse("admin:qualification_auditevent_delete", args=[event.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.summary != "Nothing happened"


def test_a_table_answer_reads_one_row_a_line_with_its_markup_escaped(client, northwind):
    AuditEvent.objects.create(
        kind="answer.saved",
        summary="Answer to 3.3 saved",
        organisation=northwind.organisation,
        before=None,
        after=[
            {"name": "Olivia Hart", "primary": True},
            {"name": "<script>alert(1)</script>", "primary": False},
        ],
    )
    client.force_login(UserFactory(is_staff=True))
    page = client.get(reverse("audit")).content.decode()
    assert (
        "name: Olivia Hart; primary: Yes<br>name: &lt;script&gt;alert(1)&lt;/script&gt;; "
        "primary: No"
    ) in page
    assert "{'name'" not in page


def test_the_next_page_of_the_trail_keeps_the_organisation_filter(client, two_organisations):
    northwind, _meterline = two_organisations
    AuditEvent.objects.bulk_create(
        AuditEvent(kind="test.filler", summary=f"Filler {n}", organisation=northwind.organisation)
        for n in range(120)
    )
    client.force_login(UserFactory(is_staff=True))
    organisation = str(northwind.organisation.public_id)
    page = client.get(reverse("audit"), {"organisation": organisation}).content.decode()
    assert f"organisation={organisation}&amp;page=2" in page


def test_the_trail_names_each_kind_of_change_in_words_and_filters_by_them(
    client, two_organisations
):
    northwind, meterline = two_organisations
    membership_add(
        user=UserFactory(),
        organisation=meterline.organisation,
        role="contributor",
        by=meterline.admin,
    )
    client.force_login(northwind.admin)
    url = reverse("organisation-audit", args=[northwind.organisation.public_id])

    page = client.get(url).content.decode()

    assert "Answer saved" in page and "answer.saved" not in page.split("<tbody>", 1)[1]
    assert '<option value="answer.saved">Answer saved</option>' in page
    assert 'value="membership.added"' not in page, "only the kinds of its own events"
    filtered = client.get(url, {"kind": "answer.saved"}).content.decode()
    assert "operates in house" in filtered


def test_no_code_path_can_change_or_delete_a_record(two_organisations):
    from django.db import DatabaseError, connection, transaction

    event = AuditEvent.objects.latest("pk")
    with pytest.raises(AuditRecordImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(summary="rewritten")
    with pytest.raises(AuditRecordImmutable):
        AuditEvent.objects.filter(pk=event.pk).delete()
    if connection.vendor != "postgresql":
        return
    # Below the models: the database itself refuses.
    for statement in (
        "UPDATE qualification_auditevent SET summary = 'rewritten' WHERE id = %s",
        "DELETE FROM qualification_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="audit records are written once"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    event.refresh_from_db()
    assert event.summary != "rewritten"
