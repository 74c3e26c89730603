import shutil
import zipfile
from pathlib import Path

import pytest

from evidence.scanning.filetypes import (
    ACCEPTED_EXTENSIONS,
    FileKind,
    TypeVerdict,
    accepted_types_text,
    sniff_type,
)
from evidence.scanning.ooxml import EXCEL_WORKBOOK, WORD_DOCUMENT
from tests.evidence.scanning.files import (
    add_entries,
    make_docx,
    make_image,
    make_pdf,
    make_xlsx,
    make_zip,
    pe_executable,
    rewrite_member,
    write,
)

HTML = "<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def pdf(tmp_path) -> Path:
    return make_pdf(tmp_path / "report.pdf", ["Test completion report"])


@pytest.fixture
def word(tmp_path) -> Path:
    return make_docx(tmp_path / "process.docx", ["Our migration process"])


def test_a_clean_pdf_is_accepted(pdf):
    assert sniff_type(pdf, original_name="Test Completion Report.pdf") == TypeVerdict(
        True, "application/pdf", kind=FileKind.PDF
    )


def test_a_clean_word_document_is_accepted(word):
    assert sniff_type(word, original_name="process.docx") == TypeVerdict(
        True, WORD_DOCUMENT, kind=FileKind.DOCX
    )


def test_a_clean_workbook_is_accepted(tmp_path):
    path = make_xlsx(tmp_path / "rttm.xlsx", {"RTTM": [["Requirement", "Test"], ["R1", "T1"]]})

    assert sniff_type(path, original_name="RTTM v2.XLSX") == TypeVerdict(
        True, EXCEL_WORKBOOK, kind=FileKind.XLSX
    )


def test_a_clean_csv_is_accepted_with_its_charset(tmp_path):
    path = write(tmp_path / "log.csv", "test_id,result\nTC-001,pass\nTC-002,fail\n")

    assert sniff_type(path, original_name="execution log.csv") == TypeVerdict(
        True, "text/csv; charset=utf-8", kind=FileKind.CSV
    )


@pytest.mark.parametrize(
    ("data", "charset"),
    [
        ("\ufefftest_id;résultat\nTC-001;réussi\n".encode(), "utf-8"),
        ("test_id,cost\nTC-001,\u20ac12 caf\xe9\n".encode("cp1252"), "windows-1252"),
    ],
)
def test_csv_in_utf8_with_a_bom_or_windows_1252_is_accepted(tmp_path, data, charset):
    path = write(tmp_path / "log.csv", data)

    verdict = sniff_type(path, original_name="log.csv")

    assert verdict.accepted
    assert verdict.content_type == f"text/csv; charset={charset}"


@pytest.mark.parametrize("name", ["run.log", "notes.txt"])
def test_logs_and_text_are_accepted_even_when_libmagic_guesses_a_language(tmp_path, name):
    path = write(tmp_path / name, '{"event": "IF-033 sent", "ok": true}\n{"event": "ack"}\n')

    assert sniff_type(path, original_name=name) == TypeVerdict(
        True, "text/plain; charset=utf-8", kind=FileKind.TEXT
    )


@pytest.mark.parametrize(
    ("image_format", "name", "content_type"),
    [("PNG", "screen.png", "image/png"), ("JPEG", "photo.jpg", "image/jpeg")],
)
def test_images_are_accepted(tmp_path, image_format, name, content_type):
    path = make_image(tmp_path / name, image_format)

    assert sniff_type(path, original_name=name).content_type == content_type


def test_a_zip_is_accepted(tmp_path):
    path = make_zip(tmp_path / "logs.zip", {"run1.log": b"ok\n"})

    assert sniff_type(path, original_name="logs.zip") == TypeVerdict(
        True, "application/zip", kind=FileKind.ZIP
    )


def test_a_file_whose_extension_lies_about_its_content_is_rejected(tmp_path, word):
    assert sniff_type(word, original_name="process.pdf") == TypeVerdict(
        False,
        WORD_DOCUMENT,
        "The file is named .pdf but its content is a Word document.",
    )


def test_a_linux_executable_renamed_to_pdf_is_rejected(tmp_path):
    path = tmp_path / "report.pdf"
    shutil.copyfile("/bin/true", path)

    verdict = sniff_type(path, original_name="report.pdf")

    assert not verdict.accepted
    assert verdict.reason in {
        "The file is named .pdf but its content is a Linux executable.",
        "The file is named .pdf but its content is a Linux executable or library.",
    }


def test_a_windows_executable_renamed_to_pdf_is_rejected(tmp_path):
    path = write(tmp_path / "report.pdf", pe_executable())

    verdict = sniff_type(path, original_name="report.pdf")

    assert verdict.reason == "The file is named .pdf but its content is a Windows executable."


@pytest.mark.parametrize("name", ["screenshot.png", "report.pdf", "notes.txt", "log.csv"])
def test_a_web_page_under_another_name_is_rejected(tmp_path, name):
    path = write(tmp_path / name, HTML)

    verdict = sniff_type(path, original_name=name)

    extension = name.rpartition(".")[2]
    assert verdict == TypeVerdict(
        False,
        "text/html",
        f"The file is named .{extension} but its content is a web page (HTML).",
    )


def test_a_double_extension_is_judged_by_content(tmp_path, pdf):
    assert sniff_type(pdf, original_name="evil.php.pdf").accepted
    php = write(tmp_path / "evil.php.pdf", "<?php system($_GET['c']); ?>")
    assert not sniff_type(php, original_name="evil.php.pdf").accepted


def test_a_nul_in_the_name_cannot_hide_the_real_extension(pdf):
    verdict = sniff_type(pdf, original_name="x.pdf\x00.exe")

    assert verdict == TypeVerdict(
        False, "", f"Files ending .exe are not accepted. Upload {accepted_types_text()} files."
    )


def test_a_name_without_extension_is_rejected(pdf):
    assert sniff_type(pdf, original_name="report").reason.startswith(
        "Files without an extension are not accepted."
    )


def test_an_empty_file_is_rejected(tmp_path):
    path = write(tmp_path / "empty.csv", b"")

    assert sniff_type(path, original_name="empty.csv").reason == "The file is empty."


def test_a_word_document_named_xlsx_is_rejected(word):
    assert (
        sniff_type(word, original_name="rttm.xlsx").reason
        == "The file is named .xlsx but its content is a Word document."
    )


def test_a_plain_zip_named_docx_is_rejected_even_when_libmagic_takes_it_for_word(tmp_path):
    # libmagic guesses Word from the entry name; the package's content types say otherwise.
    path = make_zip(tmp_path / "fake.docx", {"word/document.xml": b"<w/>"})

    verdict = sniff_type(path, original_name="fake.docx")

    assert verdict.reason == "The file is named .docx but its content is not a Word document."


def test_a_macro_enabled_document_named_docx_is_rejected(word):
    with zipfile.ZipFile(word) as archive:
        types = archive.read("[Content_Types].xml")
    macro_types = types.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    rewrite_member(word, "[Content_Types].xml", macro_types)

    verdict = sniff_type(word, original_name="process.docx")

    assert verdict.reason == (
        "The file is named .docx but its content is a macro-enabled Word document (.docm)."
    )


def test_a_word_document_carrying_a_vba_project_is_rejected(word):
    with zipfile.ZipFile(word, "a") as archive:
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")

    verdict = sniff_type(word, original_name="process.docx")

    assert verdict.reason == (
        "The file is a Word document that contains macros. Save it without macros as .docx "
        "and upload it again."
    )


def test_office_parts_declaring_a_dtd_are_refused(word):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]><Types>&lol2;</Types>'
    )
    rewrite_member(word, "[Content_Types].xml", laughs)

    verdict = sniff_type(word, original_name="process.docx")

    assert verdict.reason == (
        "The file is named .docx but it was refused. '[Content_Types].xml' declares a DTD, "
        "which Office documents never need."
    )


UTF16_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]><Types>&lol2;</Types>'
).encode("utf-16")


def test_a_dtd_in_a_utf16_part_is_refused_too(word):
    # A byte search for "<!DOCTYPE" does not see it in UTF-16; the parser does.
    rewrite_member(word, "[Content_Types].xml", UTF16_LAUGHS)

    verdict = sniff_type(word, original_name="process.docx")

    assert verdict.reason.endswith(
        "'[Content_Types].xml' declares a DTD, which Office documents never need."
    )


def test_a_dtd_in_a_streamed_utf16_part_is_refused_too(word):
    import zipfile

    from evidence.scanning.xmlparts import UnsafeXml, iter_part

    rewrite_member(word, "word/document.xml", UTF16_LAUGHS)

    with zipfile.ZipFile(word) as archive, pytest.raises(UnsafeXml, match="declares a DTD"):
        list(iter_part(archive, "word/document.xml", max_bytes=1_000_000))


def test_a_docx_with_more_than_ten_thousand_entries_is_rejected(word):
    add_entries(word, 10_001)

    verdict = sniff_type(word, original_name="process.docx")

    assert not verdict.accepted
    assert verdict.reason.startswith(
        "The file is named .docx but it was refused. The archive holds"
    )
    assert verdict.reason.endswith("entries; at most 10,000 are accepted.")


def test_utf16_text_is_rejected_as_not_plain_text(tmp_path):
    path = write(tmp_path / "log.csv", "a,b\n1,2\n".encode("utf-16"))

    verdict = sniff_type(path, original_name="log.csv")

    assert not verdict.accepted
    assert "NUL bytes" in verdict.reason


def test_text_in_neither_utf8_nor_windows_1252_is_rejected(tmp_path):
    # 0x81 is undefined in Windows-1252 and not valid UTF-8 on its own.
    path = write(tmp_path / "log.txt", b"result: pass \x81\x81\n")

    verdict = sniff_type(path, original_name="log.txt")

    assert verdict.reason == (
        "The file is named .txt but its text is neither UTF-8 nor Windows-1252 (save it as UTF-8)."
    )


def test_the_allow_list_in_words():
    assert accepted_types_text() == (
        "PDF, Word (.docx), Excel (.xlsx), CSV, text (.txt, .log), PNG, JPEG or zip"
    )
    assert set(ACCEPTED_EXTENSIONS) == {
        "pdf", "docx", "xlsx", "csv", "txt", "log", "png", "jpg", "jpeg", "zip"
    }  # fmt: skip
