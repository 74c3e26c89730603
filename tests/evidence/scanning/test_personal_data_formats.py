"""The personal data check reads PDF, Word, Excel and zips, and says where each finding is."""

import datetime
import zipfile

from evidence.scanning.filetypes import sniff_type
from evidence.scanning.obfuscation import (
    Finding,
    PersonalDataKind,
    PersonalDataReport,
    ScanLimits,
    find_personal_data,
)
from evidence.scanning.obfuscation.scan import IMAGES_NOTE
from evidence.scanning.ooxml import EXCEL_WORKBOOK, WORD_DOCUMENT
from tests.evidence.scanning.files import (
    make_docx,
    make_image,
    make_pdf,
    make_xlsx,
    make_zip,
    rewrite_member,
    zip_bytes,
)

MPAN = PersonalDataKind.MPAN
EMAIL = PersonalDataKind.EMAIL
PHONE = PersonalDataKind.PHONE
POSTCODE = PersonalDataKind.POSTCODE
MSN = PersonalDataKind.METER_SERIAL


def test_an_xlsx_gets_findings_by_sheet_row_and_column(tmp_path):
    path = make_xlsx(
        tmp_path / "results.xlsx",
        {
            "Summary": [["Run", "Outcome"], ["1", "pass"]],
            "Results": [
                ["Test", "MPAN", "meterID", "Contact", "Run at"],
                ["TC-001", 1315001165122, "ZZ99Z12345", "jane@northwind-energy.co.uk", None],
                ["TC-002", "1315001165123", "N/A", "none", datetime.datetime(2026, 1, 5)],
                [None],
                ["TC-003", None, None, "07700 900123", 1700000000006],
            ],
        },
    )

    report = find_personal_data(path, EXCEL_WORKBOOK)

    assert report == PersonalDataReport(
        findings=(
            Finding(MPAN, "sheet 'Results', row 2, column B (MPAN)", "13••••••••122"),
            Finding(MSN, "sheet 'Results', row 2, column C (meterID)", "ZZ••••••45"),
            Finding(EMAIL, "sheet 'Results', row 2, column D (Contact)", "j•••@n•••.co.uk"),
            Finding(PHONE, "sheet 'Results', row 5, column D (Contact)", "07•••••••23"),
        ),
        total=4,
        complete=True,
    )


def test_hidden_sheets_are_checked_too(tmp_path):
    path = make_xlsx(tmp_path / "a.xlsx", {"Visible": [["ok"]], "Hidden": [["bob@brightwatt.com"]]})
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    workbook["Hidden"].sheet_state = "hidden"
    workbook.save(path)

    assert [f.location for f in find_personal_data(path, EXCEL_WORKBOOK).findings] == [
        "sheet 'Hidden', row 1, column A"
    ]


def test_a_workbook_whose_text_table_is_too_big_is_reported_as_not_checked(tmp_path):
    # openpyxl writes text inline; Excel keeps it in a shared-strings part, loaded whole.
    path = make_xlsx(tmp_path / "a.xlsx", {"S": [["a"]]})
    strings = "".join(f"<si><t>text {n}</t></si>" for n in range(200))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", f"<sst>{strings}</sst>")

    report = find_personal_data(path, EXCEL_WORKBOOK, limits=ScanLimits(max_part_bytes=1000))

    assert not report.complete
    assert report.notes[0].startswith("The workbook's text table is ")
    assert report.notes[0].endswith(
        "more than the 1,000 bytes the check reads, so its text was not checked."
    )


def test_a_pdf_gets_findings_by_page(tmp_path):
    path = make_pdf(
        tmp_path / "report.pdf",
        [
            "<h1>Test completion report</h1><p>All 42 cases passed.</p>",
            "<p>Contact jane.doe@northwind-energy.co.uk or 07700 900123.</p>",
            "<p>Site: 12 High Street, Anytown, SW1A 1AA. MPAN 1315001165122.</p>",
        ],
    )
    assert sniff_type(path, original_name="report.pdf").accepted

    report = find_personal_data(path, "application/pdf")

    assert report == PersonalDataReport(
        findings=(
            Finding(EMAIL, "page 2", "j•••@n•••.co.uk"),
            Finding(PHONE, "page 2", "07•••••••23"),
            Finding(MPAN, "page 3", "13••••••••122"),
            Finding(POSTCODE, "page 3", "SW•• •••"),
        ),
        total=4,
        complete=True,
    )


def test_pages_past_the_limit_are_not_read_and_the_report_says_so(tmp_path):
    path = make_pdf(tmp_path / "r.pdf", ["one", "two", "bob@brightwatt.com"])

    report = find_personal_data(path, "application/pdf", limits=ScanLimits(max_pdf_pages=2))

    assert report.total == 0
    assert not report.complete
    assert report.notes == ("Only the first 2 of 3 pages were checked.",)


def test_a_damaged_pdf_is_reported_as_not_checked(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")

    report = find_personal_data(path, "application/pdf")

    assert not report.complete
    assert report.notes == (
        "The file could not be read completely, so part of it was not checked.",
    )


def test_a_docx_gets_findings_by_paragraph_and_table_cell(tmp_path):
    path = make_docx(
        tmp_path / "process.docx",
        paragraphs=[
            "Migration process",
            "",
            "Escalations go to jane.doe@northwind-energy.co.uk.",
        ],
        tables=[
            [
                ["MPAN", "Meter serial", "Address"],
                ["1315001165122", "ZZ99Z12345", "12 High Street, SW1A 1AA"],
            ]
        ],
    )

    report = find_personal_data(path, WORD_DOCUMENT)

    assert report.findings == (
        Finding(EMAIL, "paragraph 2", "j•••@n•••.co.uk"),
        Finding(MPAN, "table 1, row 2, cell 1 (MPAN)", "13••••••••122"),
        Finding(MSN, "table 1, row 2, cell 2 (Meter serial)", "ZZ••••••45"),
        Finding(POSTCODE, "table 1, row 2, cell 3 (Address)", "SW•• •••"),
    )
    assert report.complete


def test_headers_and_text_deleted_under_tracked_changes_are_checked(tmp_path):
    path = make_docx(tmp_path / "a.docx", ["Body text"])
    with zipfile.ZipFile(path) as archive:
        body = archive.read("word/document.xml")
    deleted = (
        b"<w:p><w:del w:id='1' w:author='x' w:date='2026-01-01T00:00:00Z'><w:r>"
        b"<w:delText>bob@brightwatt.com</w:delText></w:r></w:del></w:p>"
    )
    rewrite_member(path, "word/document.xml", body.replace(b"<w:sectPr", deleted + b"<w:sectPr", 1))
    header = (
        b'<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:p><w:r><w:t>Author 07700 900123</w:t></w:r></w:p></w:hdr>"
    )
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("word/header1.xml", header)

    report = find_personal_data(path, WORD_DOCUMENT)

    assert [(f.kind, f.location) for f in report.findings] == [
        (EMAIL, "paragraph 2"),
        (PHONE, "page header, paragraph 1"),
    ]


def test_a_docx_part_larger_than_the_budget_is_not_read_past_it(tmp_path):
    path = make_docx(tmp_path / "a.docx", [f"Paragraph {n}" for n in range(500)])

    report = find_personal_data(path, WORD_DOCUMENT, limits=ScanLimits(max_part_bytes=5000))

    assert not report.complete
    assert report.notes == (
        "The file: 'word/document.xml' is larger than the 5,000 bytes read from it. "
        "The rest of it was not checked.",
    )


def test_a_zips_text_members_are_checked_with_their_names(tmp_path):
    inner_csv = b"mpan,email\n1315001165122,jane@northwind-energy.co.uk\n"
    path = make_zip(
        tmp_path / "evidence.zip",
        {
            "logs/run-1.csv": inner_csv,
            "logs/run-2.log": b"all good\n",
            "screens/one.png": make_image(tmp_path / "one.png", "PNG").read_bytes(),
            "tools/setup.exe": b"MZ" + bytes(100),
            "fake.pdf": b"<html>not a pdf</html>",
            "nested.zip": zip_bytes({"deep.csv": b"a@brightwatt.com\n"}),
        },
    )

    report = find_personal_data(path, "application/zip")

    assert report.findings == (
        Finding(MPAN, "file 'logs/run-1.csv', row 2, column A (mpan)", "13••••••••122"),
        Finding(EMAIL, "file 'logs/run-1.csv', row 2, column B (email)", "j•••@n•••.co.uk"),
    )
    assert not report.complete
    assert report.notes == (
        IMAGES_NOTE,
        "'tools/setup.exe' in the zip is not of a type whose text is checked.",
        "'fake.pdf' in the zip was not checked: The file is named .pdf but its content is "
        "a web page (HTML).",
        "'nested.zip' in the zip is not of a type whose text is checked.",
    )


def test_images_are_not_read_and_the_report_says_why(tmp_path):
    path = make_image(tmp_path / "screen.png", "PNG")

    assert find_personal_data(path, "image/png") == PersonalDataReport((), 0, True, (IMAGES_NOTE,))


def test_mpans_excel_wrote_in_scientific_notation_are_found_in_every_format(tmp_path):
    """Excel turns a 13-digit MPAN into `1.60012E+12` when it saves a CSV or shows the
    number as text; the last digits are lost, but the MPAN is still there to find."""
    csv = tmp_path / "export.csv"
    csv.write_text("Test,MPAN,Note\nTC-1,1.60012E+12,moved\nTC-2,n/a,size 2.5E+12 bytes\n")
    xlsx = make_xlsx(
        tmp_path / "export.xlsx", {"Sites": [["Test", "Meter point"], ["TC-1", "1.30015E+12"]]}
    )
    docx = make_docx(tmp_path / "notes.docx", ["Site moved. MPAN: 1.90001E+12 (from the export)."])
    pdf = make_pdf(tmp_path / "report.pdf", ["<p>Rejected flow for MPAN 2.00012E+12.</p>"])
    text = tmp_path / "notes.txt"
    text.write_text("Run 4\nmpan core = 1.41234E+12\nthroughput 3.1E+12 bytes\n")

    found = {
        name: [(f.kind, f.location, f.preview) for f in find_personal_data(path, kind).findings]
        for name, path, kind in (
            ("csv", csv, "text/csv; charset=utf-8"),
            ("xlsx", xlsx, EXCEL_WORKBOOK),
            ("docx", docx, WORD_DOCUMENT),
            ("pdf", pdf, "application/pdf"),
            ("text", text, "text/plain; charset=utf-8"),
        )
    }

    assert [kind for findings in found.values() for kind, _, _ in findings] == [MPAN] * 5
    assert found["csv"][0][1] == "row 2, column B (MPAN)"
    assert found["xlsx"][0][1] == "sheet 'Sites', row 2, column B (Meter point)"
    assert found["text"][0][1] == "line 2"
    assert [findings[0][2] for findings in found.values()] == [
        "1.•••••E+12",
        "1.•••••E+12",
        "1.•••••E+12",
        "2.•••••E+12",
        "1.•••••E+12",
    ], "where to look, never the number"
