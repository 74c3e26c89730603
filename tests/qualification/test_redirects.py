"""After a form, people are sent back to a page of the portal and never to another site."""

import pytest
from django.test import RequestFactory

from qualification.redirects import local_target


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/submissions/abc/evidence/?page=2", "/submissions/abc/evidence/?page=2"),
        ("//evil.example/login", "/home/"),
        ("/\\evil.example", "/home/"),
        ("https://evil.example/", "/home/"),
        ("javascript:alert(1)", "/home/"),
        ("http://testserver/reviews/1/", "http://testserver/reviews/1/"),
        ("", "/home/"),
        (None, "/home/"),
    ],
)
def test_only_pages_of_the_portal_are_targets(target, expected):
    request = RequestFactory().get("/")
    assert local_target(request, target, "/home/") == expected
