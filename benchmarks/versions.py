"""How long checking and loading the shipped QAD template takes."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command

from benchmarks.report import Row, measure
from qad.services.templates import template_vocabulary
from qad.template_file import read_template
from qad.version_file_reader import read_source


def run() -> list[Row]:
    call_command("migrate", verbosity=0)
    path = settings.BASE_DIR / "data" / "qad" / "qad-v3.01.yaml"
    content = path.read_bytes()
    vocabulary = template_vocabulary()

    def check() -> None:
        read_template(read_source(filename=path.name, content=content), vocabulary=vocabulary)

    return [measure("check the shipped QAD template (124 questions)", check, runs=20)]
