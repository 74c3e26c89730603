"""All checks together, in the order the upload task runs them."""

import shutil
import socket

from evidence.scanning.clamav import ClamdScanner, MalwareStatus, MalwareVerdict, NoScanner
from evidence.scanning.filetypes import FileKind
from evidence.scanning.obfuscation import Finding, PersonalDataKind
from evidence.scanning.pipeline import Outcome, check_evidence_file
from tests.evidence.scanning.files import (
    EICAR,
    make_docx,
    make_pdf,
    make_zip,
    png_header_only,
    write,
    zip_bomb,
)


def unreachable_scanner() -> ClamdScanner:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return ClamdScanner(f"tcp://127.0.0.1:{port}", timeout=2)


def test_a_clean_pdf_is_accepted_and_marked_not_scanned_without_a_scanner(tmp_path):
    path = make_pdf(tmp_path / "upload", ["Contact jane.doe@northwind-energy.co.uk"])

    report = check_evidence_file(path, original_name="../../Report.pdf", scanner=NoScanner())

    assert report.outcome == Outcome.ACCEPTED
    assert report.display_name == "Report.pdf"
    assert report.file_type.kind == FileKind.PDF
    assert report.reasons == ()
    assert report.malware.status == MalwareStatus.NOT_SCANNED
    assert report.personal_data.findings == (
        Finding(PersonalDataKind.EMAIL, "page 1", "j•••@n•••.co.uk"),
    )


def test_an_executable_named_pdf_is_rejected_before_anything_else_runs(tmp_path):
    path = tmp_path / "upload"
    shutil.copyfile("/bin/true", path)

    report = check_evidence_file(path, original_name="report.pdf", scanner=unreachable_scanner())

    assert report.outcome == Outcome.REJECTED
    assert report.reasons[0].startswith("The file is named .pdf but its content is a Linux")
    assert (report.archive, report.image, report.malware, report.personal_data) == (
        None,
        None,
        None,
        None,
    )


def test_a_zip_bomb_is_rejected_by_the_archive_check(tmp_path):
    path = zip_bomb(tmp_path / "upload")

    report = check_evidence_file(path, original_name="logs.zip", scanner=NoScanner())

    assert report.outcome == Outcome.REJECTED
    assert report.reasons == report.archive.problems
    assert "possible zip bomb" in report.reasons[0]
    assert report.malware is None


def test_a_huge_image_is_rejected_by_the_image_check(tmp_path):
    path = png_header_only(tmp_path / "upload", 20_000, 20_000)

    report = check_evidence_file(path, original_name="screen.png", scanner=NoScanner())

    assert report.outcome == Outcome.REJECTED
    assert report.reasons == (
        "The image has more than 50,000,000 pixels; make it smaller and upload it again.",
    )


def test_when_the_scanner_is_unreachable_the_file_stays_pending_and_is_not_parsed(tmp_path):
    path = write(tmp_path / "upload", "email\njane@northwind-energy.co.uk\n")

    report = check_evidence_file(path, original_name="log.csv", scanner=unreachable_scanner())

    assert report.outcome == Outcome.PENDING
    assert report.malware.status == MalwareStatus.UNAVAILABLE
    assert report.reasons == (report.malware.reason,)
    assert report.personal_data is None


def test_eicar_is_rejected_by_the_real_scanner(clamd, tmp_path):
    path = write(tmp_path / "upload", EICAR)

    report = check_evidence_file(path, original_name="notes.txt", scanner=clamd)

    assert report.outcome == Outcome.REJECTED
    assert report.malware.status == MalwareStatus.INFECTED
    assert report.reasons == (report.malware.reason,)
    assert report.personal_data is None


def test_eicar_in_a_zip_is_rejected_by_the_real_scanner(clamd, tmp_path):
    path = make_zip(tmp_path / "upload", {"logs/run.log": b"ok\n", "tools/eicar.txt": EICAR})

    report = check_evidence_file(path, original_name="evidence.zip", scanner=clamd)

    assert report.outcome == Outcome.REJECTED
    assert report.malware.status == MalwareStatus.INFECTED


def test_a_clean_file_scanned_by_the_real_scanner_is_accepted(clamd, tmp_path):
    path = write(tmp_path / "upload", "test_id,result\nTC-001,pass\n")

    report = check_evidence_file(path, original_name="log.csv", scanner=clamd)

    assert report.outcome == Outcome.ACCEPTED
    assert report.malware == MalwareVerdict(MalwareStatus.CLEAN)
    assert report.personal_data.total == 0


def test_a_zip_holding_an_installer_and_a_web_page_is_rejected_naming_them(tmp_path):
    path = make_zip(
        tmp_path / "upload",
        {
            "logs/": b"",
            "logs/run.log": b"ok\n",
            "tools/setup.exe": b"MZ" + bytes(100),
            "report/index.html": b"<html><script>alert(1)</script></html>",
        },
    )

    report = check_evidence_file(path, original_name="evidence.zip", scanner=NoScanner())

    assert report.outcome == Outcome.REJECTED
    assert report.reasons == report.archive.problems
    assert [reason.split(";")[0] for reason in report.reasons] == [
        "'tools/setup.exe' in the archive ends .exe",
        "'report/index.html' in the archive ends .html",
    ]
    assert "Remove it and zip the rest again." in report.reasons[0]
    assert report.malware is None and report.personal_data is None


def test_a_zip_of_accepted_files_in_folders_and_a_zip_inside_is_accepted(tmp_path):
    inner = make_zip(tmp_path / "inner.zip", {"day1/run.csv": b"a,b\n1,2\n"})
    path = make_zip(
        tmp_path / "upload",
        {
            "evidence/": b"",
            "evidence/Report.PDF": make_pdf(tmp_path / "r.pdf", ["ok"]).read_bytes(),
            "evidence/notes.txt": b"ok\n",
            "evidence/screens/login.png": b"\x89PNG\r\n\x1a\n" + bytes(20),
            "evidence/runs.zip": inner.read_bytes(),
        },
    )

    report = check_evidence_file(path, original_name="evidence.zip", scanner=NoScanner())

    assert report.outcome == Outcome.ACCEPTED, report.reasons


def test_the_type_allow_list_reaches_a_zip_inside_the_zip(tmp_path):
    inner = make_zip(tmp_path / "inner.zip", {"run.log": b"ok\n", "run.bat": b"del *\n"})
    path = make_zip(tmp_path / "upload", {"runs.zip": inner.read_bytes()})

    report = check_evidence_file(path, original_name="evidence.zip", scanner=NoScanner())

    assert report.outcome == Outcome.REJECTED
    assert report.reasons[0].startswith("'runs.zip/run.bat' in the archive ends .bat;")


def test_a_file_without_an_extension_in_a_zip_is_rejected(tmp_path):
    path = make_zip(tmp_path / "upload", {"bin/payload": b"#!/bin/sh\n", "ok.txt": b"ok\n"})

    report = check_evidence_file(path, original_name="evidence.zip", scanner=NoScanner())

    assert report.outcome == Outcome.REJECTED
    assert report.reasons[0].startswith("'bin/payload' in the archive has no extension;")


def test_the_parts_of_an_office_document_are_not_held_to_the_allow_list(tmp_path):
    path = make_docx(tmp_path / "upload", ["Test completion report"])

    report = check_evidence_file(path, original_name="report.docx", scanner=NoScanner())

    assert report.outcome == Outcome.ACCEPTED, report.reasons
