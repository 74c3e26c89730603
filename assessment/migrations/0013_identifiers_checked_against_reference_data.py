"""The shipped criteria check the identifiers a QAD gives against the portal's records
(identifiers_match_reference_data, on BSC-3-02, REC-3-01 and DIP-3-01). A database that
loaded the criteria files before they did so is brought to the files as they are now."""

import hashlib
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parents[2] / "data" / "criteria"
CHECK = {"name": "identifiers_match_reference_data", "params": {}}
EARLIER = {
    # file: (SHA-256 of the earlier file, the criterion that gains the check)
    "bsc-v5.0.yaml": (
        "4fbad9e3cd9c8b7d78d006f0b60a46893b6d7244c694b504ecaff34e7a0f77dd",
        "BSC-3-02",
    ),
    "dip-v1.1.yaml": (
        "d0f47500ec9ae2d187ec9267e2c85e12ab66487e78b9b55e40c39ca4100a0ba0",
        "DIP-3-01",
    ),
    "rec-v2.0.yaml": (
        "9e25b58d7ae860780d25832702af0076f223d924914b2987a21759bf7962b4df",
        "REC-3-01",
    ),
}


def identifiers_checked(apps, schema_editor):
    CriteriaSet = apps.get_model("assessment", "CriteriaSet")
    Criterion = apps.get_model("assessment", "Criterion")
    for name, (sha256, ref) in EARLIER.items():
        criteria_set = CriteriaSet.objects.filter(source_sha256=sha256).first()
        if criteria_set is None:
            continue  # a new database, or one that never loaded the earlier file
        for criterion in Criterion.objects.filter(criteria_set=criteria_set, ref=ref):
            if CHECK["name"] not in [check["name"] for check in criterion.checks]:
                criterion.checks = [*criterion.checks, CHECK]
                criterion.save(update_fields=["checks"])
        path = DATA / name
        if path.exists():
            content = path.read_bytes()
            CriteriaSet.objects.filter(pk=criteria_set.pk).update(
                source_text=content.decode("utf-8"),
                source_sha256=hashlib.sha256(content).hexdigest(),
            )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0012_qualification_work_off_open")]

    operations = [migrations.RunPython(identifiers_checked, migrations.RunPython.noop)]
