"""Comparing a draft criteria set with the published one it replaces: criteria added,
removed, reworded and changed (questions, checks and their thresholds), on the page and as
CSV."""

from pathlib import Path

import pytest
import yaml
from django.urls import reverse

from assessment.models import CriteriaSet
from assessment.services.criteria import criteria_set_load

pytestmark = pytest.mark.django_db

BSC_50 = Path(__file__).resolve().parents[2] / "data" / "criteria" / "bsc-v5.0.yaml"


def bsc_51() -> bytes:
    """v5.0 with one threshold lowered, one criterion reworded, one removed, one added."""
    document = yaml.safe_load(BSC_50.read_text())
    document["version"] = "5.1"
    document["title"] = "BSC Assessment Criteria v5.1"
    criteria = {c["ref"]: c for c in document["criteria"]}
    for check in criteria["BSC-4.3-02"]["checks"]:
        if isinstance(check, dict) and "min_pass_rate" in check.get("params", {}):
            check["params"]["min_pass_rate"] = 0.9
    criteria["BSC-3-01"]["looks_for"] += " A generic mailbox is not a named contact."
    document["criteria"] = [c for c in document["criteria"] if c["ref"] != "BSC-11-01"]
    document["criteria"].append(
        {
            "ref": "BSC-11-02",
            "title": "Board minute approving the submission",
            "looks_for": "A minute of the board approving the submission is attached.",
            "questions": ["11.1.1"],
            "checks": ["required_answers_present"],
        }
    )
    return yaml.safe_dump(document, sort_keys=False).encode()


def test_the_comparison_names_every_criterion_change(admin_client, shipped_versions):
    criteria_set_load(filename="bsc-v5.1.yaml", content=bsc_51(), publish=False)
    draft = CriteriaSet.objects.get(code_body__code="BSC", version="5.1")
    url = reverse("criteria-version", args=[draft.pk])
    rows = admin_client.get(url + "?format=csv").content.decode().splitlines()

    assert rows[0] == "Change,Item,Reference,Aspect,Before,After,Why"
    changes = {tuple(row.split(",")[:4]) for row in rows[1:]}
    assert changes == {
        ("changed", "criterion", "BSC-4.3-02", "checks"),
        ("reworded", "criterion", "BSC-3-01", "looks for"),
        ("removed", "criterion", "BSC-11-01", "title"),
        ("added", "criterion", "BSC-11-02", "title"),
    }
    threshold = next(row for row in rows if "BSC-4.3-02" in row)
    assert "min_pass_rate=0.95" in threshold and "min_pass_rate=0.9" in threshold
    assert "BSC-11-02" in admin_client.get(url).content.decode()
