"""Debian's Chromium driven by Playwright against a live portal, and an axe-core scan."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# Every page the tests visit runs under the portal's Content Security Policy, as in
# production; anything it blocks fails the test.
RECORD_POLICY_VIOLATIONS = """
window.__policyViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  var target = e.target && e.target.outerHTML ? e.target.outerHTML.slice(0, 200) : "";
  window.__policyViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline")
    + " on " + e.documentURI + " " + target);
});
"""


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    context.add_init_script(RECORD_POLICY_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    yield page
    for other in context.pages:
        with contextlib.suppress(Exception):  # a closed page has nothing left to report
            violations += other.evaluate("window.__policyViolations || []")
    context.close()
    assert violations == [], "the Content Security Policy blocked something"


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page with the WCAG 2.0/2.1/2.2 A and AA rules (target-size too)."""
    # Evaluated from outside the page, so the policy (no inline scripts) does not block it.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
        "rules: {'target-size': {enabled: true}}})",
        WCAG_TAGS,
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, email: str, password: str) -> None:
    page.context.clear_cookies()  # whoever was signed in before
    page.goto("/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
