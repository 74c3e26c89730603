"""What a web process loads before its first request: the file readers of the scans and the
PDF renderer stay out until a scan or a report needs them (each is megabytes in every
gunicorn worker)."""

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
