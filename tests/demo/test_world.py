"""The demo world: believable, complete for every portal role, and safe to build twice."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.urls import reverse

from demo.world import USERS
from qad.enums import AnswerType, SubmissionState
from qad.models import Answer, Revision, Submission
from qualification.enums import QualificationState
from qualification.models import Organisation, Qualification, User

pytestmark = pytest.mark.django_db


def all_row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in ("qualification", "qad", "assessment")
        for model in apps.get_app_config(app).get_models()
    }


def run_demo(password: str) -> str:
    out = io.StringIO()
    call_command("load_demo", password=password, stdout=out)
    return out.getvalue()


def test_the_demo_has_participants_across_roles_routes_and_stages(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        run_demo("first-password-1")

    assert Organisation.objects.count() == 6
    roles = set(Qualification.objects.values_list("roles__market_role__code", flat=True))
    assert roles == {"SUP", "ADS", "SDS", "MSA", "MSS", "LDSO", "UMSDS"}
    routes = set(Qualification.objects.values_list("route", flat=True))
    assert {"SIT", "QT", "NON_SIT_LDSO", "ENDURING"} <= routes
    states = set(Qualification.objects.values_list("state", flat=True))
    assert {
        QualificationState.PRE_QUALIFICATION,
        QualificationState.TESTING,
        QualificationState.FINAL_QAD,
    } <= states
    assert Submission.objects.filter(state=SubmissionState.SUBMITTED).exists()
    partly = Revision.objects.filter(answered_count__gt=0, submitted_at__isnull=True)
    assert all(r.answered_count < r.required_count for r in partly) and partly.exists()


def test_each_demo_participant_answers_with_its_own_identifiers_and_words():
    run_demo("first-password-1")

    for organisation in Organisation.objects.exclude(qualifications__submissions=None):
        answers = Answer.objects.filter(
            revision__submission__qualification__organisation=organisation
        ).select_related("question")
        identifiers = answers.filter(question__ref="3.4").exclude(value=None).first()
        if identifiers is not None:
            mpids = {m.code: m.dip_id for m in organisation.mpids.all()}
            assert {row["mpid"]: row["dip_participant_id"] for row in identifiers.value} == mpids
        texts = [
            a.value
            for a in answers
            if a.question.answer_type == AnswerType.FREE_TEXT and isinstance(a.value, str)
        ]
        assert not [t for t in texts if "Our response to" in t], "no filler naming the question"
        assert any(organisation.legal_name in t for t in texts[2:]), organisation


def test_running_the_demo_again_creates_nothing_and_only_resets_passwords():
    run_demo("first-password-1")
    before = all_row_counts()

    output = run_demo("second-password-2")

    assert all_row_counts() == before
    for spec in USERS:
        assert authenticate(username=spec.email, password="second-password-2") is not None
        assert authenticate(username=spec.email, password="first-password-1") is None
    assert "Every demo user's password: second-password-2" in output


def test_the_demo_prints_every_user_with_where_they_work_and_their_role():
    output = run_demo("first-password-1")

    lines = output.splitlines()
    assert lines[0].split() == ["E-mail", "Organisation", "or", "Code", "Body", "Portal", "role"]
    for spec in USERS:
        row = next(line for line in lines if line.startswith(spec.email + " "))
        assert (spec.where or "QAD Portal") in row
    assert "lead@bsc.example" in output and "Lead assessor" in output
    assert "Signatory (delegate)" in output


def test_there_is_a_demo_user_for_every_portal_role():
    run_demo("first-password-1")
    admin = User.objects.get(email="admin@qad-portal.example")
    assert admin.is_staff
    org_roles = set(User.objects.values_list("memberships__role", flat=True)) - {None}
    assert org_roles == {"contributor", "signatory", "org_admin"}
    body_roles = set(
        User.objects.values_list(
            "code_body_memberships__code_body__code", "code_body_memberships__role"
        )
    ) - {(None, None)}
    assert body_roles == {
        (b, r) for b in ("BSC", "REC", "DIP") for r in ("assessor", "lead_assessor")
    }


def test_without_a_password_option_a_new_one_is_generated_and_printed():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    password = out.getvalue().rstrip().rsplit(": ", 1)[1]
    assert len(password) >= 12
    assert authenticate(username="lead@rec.example", password=password) is not None


def test_demo_users_who_need_a_second_factor_sign_in_with_the_code_demo_code_prints(
    client, settings
):
    run_demo("first-password-1")
    settings.REQUIRE_SECOND_FACTOR = True
    client.post(reverse("login"), {"username": "lead@bsc.example", "password": "first-password-1"})
    assert client.get(reverse("home")).url.startswith(reverse("two-factor-verify"))

    out = io.StringIO()
    call_command("demo_code", "lead@bsc.example", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    client.post(reverse("two-factor-verify"), {"code": code})
    assert client.get(reverse("home")).status_code == 200


def test_demo_code_refuses_a_user_without_a_demo_authenticator():
    run_demo("first-password-1")
    with pytest.raises(CommandError, match="has no demo authenticator"):
        call_command("demo_code", "contributor@northwind.example", stdout=io.StringIO())
