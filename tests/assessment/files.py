"""Evidence files the check tests build at run time: CSV test execution logs, XLSX and CSV
RTTMs, and PDF and Excel files carrying a date of their own."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from tests.evidence.scanning.files import make_xlsx, rewrite_member

LOG_HEADERS = ("Test Case ID", "Test scenario", "Result", "Executed on")
RTTM_HEADERS = ("Requirement Reference", "Scenario", "Test Case", "Result", "Evidence Reference")


def csv_bytes(rows: Iterable[Sequence[object]], *, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def execution_log(results: Iterable[tuple[str, str]], *, headers=LOG_HEADERS) -> bytes:
    """A CSV log: one row per (test case id, result), in execution order."""
    rows = [headers]
    for number, (case, result) in enumerate(results, start=1):
        rows.append((case, f"SC-{number:02d}", result, "2025-05-12"))
    return csv_bytes(rows)


def passing_log(count: int, *, prefix: str = "TC") -> list[tuple[str, str]]:
    return [(f"{prefix}-{n:03d}", "Passed") for n in range(1, count + 1)]


def rttm_rows(
    covered: dict[str, str], *, evidence: str = "PIT-EXIT-REPORT p.{n}"
) -> list[tuple[str, ...]]:
    """{requirement: result} as RTTM rows, one test case each."""
    return [
        (requirement, f"SC-{n:02d}", f"TC-{n:03d}", result, evidence.format(n=n))
        for n, (requirement, result) in enumerate(covered.items(), start=1)
    ]


def rttm_xlsx(path: Path, rows, *, headers=RTTM_HEADERS, title: str | None = None) -> bytes:
    sheets = {}
    if title is not None:
        sheets["Cover"] = [("Requirements to Test Traceability Matrix",), ("Version", title)]
    body: list[Sequence[object]] = []
    if title is not None:
        body += [("MHHS RTTM — Supplier", None), (None, None)]
    sheets["RTTM"] = [*body, headers, *rows]
    return make_xlsx(path, sheets).read_bytes()


def rttm_csv(rows, *, headers=RTTM_HEADERS) -> bytes:
    return csv_bytes([headers, *rows])


def pdf_created(created: dt.datetime) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata(
        {"/Title": "Defect log export", "/CreationDate": f"D:{created:%Y%m%d%H%M%S}Z"}
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def xlsx_modified(path: Path, rows, modified: dt.datetime) -> bytes:
    """An Excel file whose core properties say it was last modified at `modified` (openpyxl
    stamps the time of saving, so the property is rewritten afterwards)."""
    make_xlsx(path, {"Defects": rows})
    with zipfile.ZipFile(path) as archive:
        core = archive.read("docProps/core.xml").decode()
    stamp = f"{modified:%Y-%m-%dT%H:%M:%SZ}"
    core = re.sub(
        r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rf"\g<1>{stamp}\g<2>", core
    )
    return rewrite_member(path, "docProps/core.xml", core.encode()).read_bytes()
