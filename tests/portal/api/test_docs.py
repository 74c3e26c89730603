"""The API's OpenAPI schema: valid, and what docs/openapi.yaml holds (`make api-schema`)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from openapi_spec_validator import validate

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "docs" / "openapi.yaml"

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_openapi():
    validate(yaml.safe_load(SCHEMA_FILE.read_text()))


def test_the_schema_file_is_the_one_the_code_gives(tmp_path):
    regenerated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(regenerated))
    assert yaml.safe_load(regenerated.read_text()) == yaml.safe_load(SCHEMA_FILE.read_text()), (
        "docs/openapi.yaml is out of date: run `make api-schema`"
    )


def test_every_operation_says_who_may_call_it_and_what_errors_look_like():
    schema = yaml.safe_load(SCHEMA_FILE.read_text())
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("description"), f"{method} {path} has no description"
            assert "token" in operation["description"].lower(), f"{method} {path}: who may?"
            assert "401" in operation["responses"], f"{method} {path}"
    assert schema["components"]["securitySchemes"]["personalToken"]["scheme"] == "bearer"


def test_the_documentation_page_uses_only_the_portals_own_files(client, northwind):
    client.force_login(northwind.contributor)
    page = client.get(reverse("api-docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "http://" not in html and "https://" not in html
    assert "<style" not in html and "<script>" not in html  # the CSP allows neither inline
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200
    assert reverse("api-schema") in script.content.decode()


def test_the_schema_is_for_people_signed_in(client, northwind):
    assert client.get(reverse("api-schema")).status_code == 401
    client.force_login(northwind.contributor)
    assert client.get(reverse("api-schema")).status_code == 200


def test_every_operation_shows_an_example_answer():
    schema = yaml.safe_load(SCHEMA_FILE.read_text())
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if path.endswith("/download/"):
                continue  # the file itself
            answered = [
                content
                for status, response in operation["responses"].items()
                if status.startswith("2")
                for content in response.get("content", {}).values()
            ]
            assert any("examples" in content for content in answered), f"{method} {path}"
