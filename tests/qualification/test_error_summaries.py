"""A form sent with problems opens with a summary of them, each linked to its field, so that
a keyboard or screen-reader user hears what is wrong first and can jump to it."""

import re

import pytest
from django.urls import reverse

from tests.qad.test_submit_and_sign import agreed_final, sign  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def summary_links(page: str) -> list[tuple[str, str]]:
    block = re.search(r'<div class="alert alert-danger error-summary".*?</div>', page, re.S)
    assert block, "no error summary on the page"
    links = re.findall(r'<a class="alert-link" href="#([^"]+)">([^<]+)</a>', block.group(0))
    for target, _text in links:
        assert f'id="{target}"' in page, f"the summary links to #{target}, which is not there"
    return links


def test_starting_a_qualification_with_nothing_chosen(client, northwind):
    client.force_login(northwind.admin)
    url = reverse("qualification-start", args=[northwind.organisation.public_id])
    page = client.post(url, {}).content.decode()
    links = summary_links(page)
    assert links and all(": " in text for _target, text in links)


def test_adding_an_mpid_that_is_not_four_characters(client, northwind):
    client.force_login(northwind.admin)
    url = reverse("mpid-add", args=[northwind.organisation.public_id])
    page = client.post(url, {"code": "TOO-LONG"}).content.decode()
    assert any(target == "id_code" for target, _text in summary_links(page))


def test_signing_with_the_wrong_password_is_summarised_too(client, agreed_final):  # noqa: F811
    client.force_login(agreed_final.signatory)
    page = sign(client, agreed_final, password="not my password").content.decode()
    assert "There is a problem" in page and "That password is not right." in page
    summary_links(page)
