"""What a web process loads before its first request: the file readers of the scans and the
PDF renderer stay out until a scan or a report needs them (each is megabytes in every
gunicorn worker)."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("openpyxl", "pypdf", "PIL", "weasyprint", "docx")


def test_a_web_process_starts_without_the_scans_file_readers_or_the_pdf_renderer():
    probe = (
        "import os, sys\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings'\n"
        "import django; django.setup()\n"
        "from django.urls import get_resolver; get_resolver().url_patterns\n"
        "import portal.wsgi\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()

    assert loaded == ""


def test_a_web_process_knows_every_task_the_services_send_by_name():
    """Services name the tasks they send; the apps register them when they start, so a web
    process (which runs no worker's autodiscovery) can send each one."""
    probe = (
        "import os\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings'\n"
        "import django; django.setup()\n"
        "from celery import current_app\n"
        "print(','.join(sorted(n for n in current_app.tasks if n.startswith('qad.'))))\n"
    )
    registered = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    sent_by_name = set()
    for path in ROOT.glob("*/**/*.py"):
        if path.parts[len(ROOT.parts)] in {"tests", ".venv", "benchmarks"}:
            continue
        sent_by_name |= set(re.findall(r'enqueue_on_commit\(\s*"([^"]+)"', path.read_text()))

    assert {"qad.evidence.scan", "qad.assessment.run_checks"} <= sent_by_name
    assert sent_by_name <= set(registered.split(","))
