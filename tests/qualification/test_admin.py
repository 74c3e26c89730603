"""The Django admin is usable by a portal admin for every model, and refuses everyone else."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from qualification.enums import MembershipRole
from tests.qualification.factories import MembershipFactory, UserFactory, start_qualification

pytestmark = pytest.mark.django_db

PORTAL_MODELS = [
    model
    for app in ("qualification", "qad", "assessment", "evidence")
    for model in apps.get_app_config(app).get_models()
]


def test_every_portal_model_is_in_the_admin():
    missing = [m._meta.label for m in PORTAL_MODELS if not admin.site.is_registered(m)]
    assert missing == []


@pytest.mark.parametrize("model", PORTAL_MODELS, ids=lambda m: m._meta.label)
def test_a_portal_admin_can_list_and_search_each_model(client, model):
    start_qualification()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "Energy"}).status_code == 200
    first = model.objects.first()
    if first is not None:
        change = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[first.pk]
        )
        assert client.get(change).status_code == 200


def test_a_participant_cannot_reach_the_admin(client):
    user = MembershipFactory(role=MembershipRole.ORG_ADMIN).user
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_published_question_is_read_only_in_the_admin(client):
    from qad.services.templates import current_template

    question = current_template().questions.first()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:qad_question_change", args=[question.pk])

    response = client.post(url, {"prompt": "Rewritten"})

    question.refresh_from_db()
    assert response.status_code == 403
    assert question.prompt != "Rewritten"
