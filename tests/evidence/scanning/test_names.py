import pytest

from evidence.scanning.names import MAX_DISPLAY_NAME_LENGTH, extension_of, safe_display_name, shown


@pytest.mark.parametrize(
    ("original", "display", "extension"),
    [
        ("report.pdf", "report.pdf", "pdf"),
        ("../../x.pdf", "x.pdf", "pdf"),
        ("../../etc/passwd", "passwd", ""),
        ("C:\\Users\\jane\\Test Report.DOCX", "Test Report.DOCX", "docx"),
        ("x.pdf\x00.exe", "x.pdf.exe", "exe"),
        ("evil.php.pdf", "evil.php.pdf", "pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe", "exe"),
        ("line\nbreak\t.csv", "line break .csv", "csv"),
        ("..", "unnamed file", ""),
        ("", "unnamed file", ""),
        ("   .   ", "unnamed file", ""),
        ("no-extension", "no-extension", ""),
    ],
)
def test_display_name_keeps_only_a_clean_last_part(original, display, extension):
    assert safe_display_name(original) == display
    assert extension_of(original) == extension


def test_long_names_are_shortened_keeping_the_extension():
    name = safe_display_name("a" * 1000 + ".xlsx")

    assert len(name) == MAX_DISPLAY_NAME_LENGTH
    assert name.endswith("\u2026.xlsx")
    assert extension_of("a" * 1000 + ".xlsx") == "xlsx"


def test_names_inside_archives_keep_their_folder_but_lose_control_characters():
    assert shown("logs/run\x1b[31m1.csv") == "logs/run?[31m1.csv"
    assert shown("x" * 300).startswith("\u2026")
    assert len(shown("x" * 300)) == 120
