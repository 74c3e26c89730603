"""What every response tells the browser: a Content Security Policy with nothing inline,
framing refused, referrers kept in, cookies out of reach of scripts."""

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.qualification.factories import OrganisationFactory, member_of

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_pages_carry_a_policy_that_allows_only_our_own_scripts(client):
    client.force_login(member_of(OrganisationFactory()))
    response = client.get(reverse("home"))
    policy = dict(
        (part.split()[0], part.split()[1:])
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_framing_sniffing_and_referrers_are_refused(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_session_cookie_is_out_of_reach_of_scripts_and_other_sites(client, settings):
    user = member_of(OrganisationFactory())
    user.set_password("a long enough passphrase")
    user.save()
    client.post(reverse("login"), {"username": user.email, "password": "a long enough passphrase"})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert client.cookies[settings.CSRF_COOKIE_NAME]["samesite"] == "Lax"


def test_production_sends_hsts_and_secure_cookies():
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "0",
            "SECRET_KEY": "k" * 20 + "3f9a-Zq!e7#Lm2@Rt8$Wx5%Yb1^Nc6&Pd",
            "ALLOWED_HOSTS": "qad.example",
        },
        check=True,
    )
    hsts, subdomains, session_secure, csrf_secure, csrf_httponly, ssl_redirect = (
        result.stdout.split()
    )
    assert int(hsts) >= 31536000 and subdomains == "True"
    assert (session_secure, csrf_secure, csrf_httponly, ssl_redirect) == ("True",) * 4


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def browser_templates():
    # The PDF report templates never reach a browser (WeasyPrint reads them), nor do the
    # e-mails (mail clients read them, and need their styles inline).
    return [
        path
        for path in (ROOT / "templates").rglob("*.html")
        if not {"reports", "email"} & set(path.relative_to(ROOT / "templates").parts)
    ]


def test_no_template_runs_or_styles_anything_inline():
    """The policy would block these; a page relying on one would silently break."""
    problems = []
    for path in browser_templates():
        text = path.read_text()
        for name, pattern in [
            ("inline <script>", INLINE_SCRIPT),
            ("event handler attribute", EVENT_HANDLER),
            ("style attribute", STYLE_ATTRIBUTE),
            ("javascript: URL", JAVASCRIPT_URL),
        ]:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(ROOT)}:{line}: {name}")
        if "<style" in text:
            problems.append(f"{path.relative_to(ROOT)}: <style> element")
    assert len(browser_templates()) > 40
    assert problems == []


def test_the_template_check_finds_what_it_looks_for():
    page = '<p style="color:red" onclick="x()"><script>alert(1)</script><a href="javascript:x()">'
    assert INLINE_SCRIPT.search(page) and EVENT_HANDLER.search(page)
    assert STYLE_ATTRIBUTE.search(page) and JAVASCRIPT_URL.search(page)
    assert not INLINE_SCRIPT.search('<script src="/static/js/qad.js" defer></script>')


def test_policy_violations_reported_by_browsers_are_logged_not_stored(client, caplog):
    report = {
        "csp-report": {
            "document-uri": "https://qad.example/",
            "violated-directive": "script-src",
            "blocked-uri": "inline",
        }
    }
    response = client.post(
        reverse("csp-report"), data=json.dumps(report), content_type="application/csp-report"
    )
    assert response.status_code == 204
    assert "script-src blocked inline on https://qad.example/" in caplog.text
    assert client.post(reverse("csp-report"), data="not json", content_type="x").status_code == 400
