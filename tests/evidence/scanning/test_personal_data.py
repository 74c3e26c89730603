"""The personal data check on text and CSV: what is found, what is not, and the budgets."""

import pytest

from evidence.scanning.obfuscation import (
    Finding,
    PersonalDataKind,
    PersonalDataReport,
    ScanLimits,
    find_personal_data,
)
from tests.evidence.scanning.files import MPAN_STEMS, invalid_mpan, valid_mpan, write

MPAN = PersonalDataKind.MPAN
EMAIL = PersonalDataKind.EMAIL
PHONE = PersonalDataKind.PHONE
POSTCODE = PersonalDataKind.POSTCODE
MSN = PersonalDataKind.METER_SERIAL
CSV = "text/csv; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


def findings(path, content_type=TEXT, **limits) -> list[tuple[str, str, str]]:
    report = find_personal_data(path, content_type, limits=ScanLimits(**limits))
    return [(finding.kind, finding.location, finding.preview) for finding in report.findings]


def test_a_csv_with_mpans_emails_and_phones_gets_masked_findings_where_they_are(tmp_path):
    path = write(
        tmp_path / "log.csv",
        "test_id,MPAN,contact,phone,result\n"
        "TC-001,1315001165122,jane.doe@northwind-energy.co.uk,07700 900123,pass\n"
        f"TC-002,{valid_mpan('200012345678')},bob@brightwatt.com,+44 20 7946 0958,fail\n",
    )

    report = find_personal_data(path, CSV)

    assert report == PersonalDataReport(
        findings=(
            Finding(MPAN, "row 2, column B (MPAN)", "13••••••••122"),
            Finding(EMAIL, "row 2, column C (contact)", "j•••@n•••.co.uk"),
            Finding(PHONE, "row 2, column D (phone)", "07•••••••23"),
            Finding(MPAN, "row 3, column B (MPAN)", "20••••••••780"),
            Finding(EMAIL, "row 3, column C (contact)", "b•••@b•••.com"),
            Finding(PHONE, "row 3, column D (phone)", "+44••••••••58"),
        ),
        total=6,
        complete=True,
    )


def test_thirteen_digit_numbers_failing_the_check_digit_are_not_mpans(tmp_path):
    rows = [f"TC-{n:03},{invalid_mpan(f'{n:012}'.replace('0', '1', 1))}" for n in range(1, 200)]
    path = write(tmp_path / "log.csv", "test_id,MPAN\n" + "\n".join(rows) + "\n")

    assert findings(path, CSV) == []


def test_the_sample_mpan_from_the_public_simulator_is_not_valid(tmp_path):
    path = write(tmp_path / "payload.txt", '"MPANCore": "1315001165123"\n')

    assert findings(path) == []


def test_numbers_inside_longer_numbers_or_decimals_are_not_mpans(tmp_path):
    path = write(tmp_path / "run.log", "id 91315001165122 x 1315001165122.5 y 0.1315001165122\n")

    assert findings(path) == []


def test_mpans_printed_in_groups_are_found_only_in_the_standard_grouping(tmp_path):
    path = write(
        tmp_path / "report.txt",
        "Supply number: 13 1500 1165 122\nOther grouping: 131 500 116 5122\n",
    )

    assert findings(path) == [(MPAN, "line 1", "13••••••••122")]


def test_epoch_milliseconds_under_a_time_heading_are_not_mpans(tmp_path):
    # 1700000000006 passes the check digit; as a timestamp it is not an MPAN.
    stamp = valid_mpan("170000000000")
    path = write(tmp_path / "log.csv", f"timestamp,mpan\n{stamp},{stamp}\n")

    assert findings(path, CSV) == [(MPAN, "row 2, column B (mpan)", "17••••••••" + stamp[-3:])]


def test_e_mail_addresses_at_reserved_example_domains_are_not_personal(tmp_path):
    path = write(
        tmp_path / "run.log",
        "from admin@qad-portal.example to test@example.com, dev@app.test, x@example.org.uk\n",
    )

    assert findings(path) == [(EMAIL, "line 1", "x•••@e•••.org.uk")]


@pytest.mark.parametrize(
    ("text", "preview"),
    [
        ("07700900123", "07•••••••23"),
        ("07700 900 123", "07•••••••23"),
        ("020-7946-0958", "02•••••••58"),
        ("(020) 7946 0958", "02•••••••58"),
        ("+447700900123", "+44••••••••23"),
        ("+44 (0)20 7946 0958", "+44••••••••58"),
        ("0044 161 496 0000", "+44••••••••00"),
        ("0800 123 456", "08••••••56"),
    ],
)
def test_uk_phone_numbers_in_their_usual_spellings(tmp_path, text, preview):
    path = write(tmp_path / "contacts.txt", f"Call {text} if the test fails\n")

    assert findings(path) == [(PHONE, "line 1", preview)]


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-15 10:30:00.123 run 0001",
        "batch 0123456789012345 processed",
        "version 0.1.2.3.4.5",
        "totals 01 02 2024 10 30 45",
        "id=X07700900123",
    ],
)
def test_dates_versions_and_long_numbers_are_not_phone_numbers(tmp_path, text):
    path = write(tmp_path / "run.log", text + "\n")

    assert findings(path) == []


def test_a_bare_postcode_like_token_in_a_log_is_not_reported(tmp_path):
    path = write(
        tmp_path / "run.log",
        "TC1 2AB passed\nRun M1 1AA of suite SW1A 1AA: 12 messages\n",
    )

    assert findings(path) == []


def test_postcodes_next_to_an_address_are_reported(tmp_path):
    path = write(
        tmp_path / "payload.log",
        '"meteringPointPostcode": "SW1A 1AA",\n'
        "Premises at 12 High Street, Anytown, M1 1AA\n"
        "addressLine1=Flat 2; EC1A1BB\n",
    )

    assert findings(path) == [
        (POSTCODE, "line 1", "SW•• •••"),
        (POSTCODE, "line 2", "M• •••"),
        (POSTCODE, "line 3", "EC•• •••"),
    ]


def test_postcodes_in_an_address_column_are_reported(tmp_path):
    path = write(
        tmp_path / "sites.csv",
        "site,address,postcode,notes\nA,1 Main Road,B33 8TH,TC1 2AB ok\nB,,W1A 0AX,\n",
    )

    assert findings(path, CSV) == [
        (POSTCODE, "row 2, column C (postcode)", "B•• •••"),
        # The same row looks like an address, so the token in the notes counts too.
        (POSTCODE, "row 2, column D (notes)", "TC• •••"),
        (POSTCODE, "row 3, column C (postcode)", "W•• •••"),
    ]


def test_an_address_column_makes_its_row_an_address_but_an_email_address_column_does_not(
    tmp_path,
):
    path = write(
        tmp_path / "contacts.csv",
        "Address,Email address,Notes\n"
        '"Flat 3, Anytown, AB1 2CD",,\n'
        ",ops@brightwatt.com,TC1 2AB ok\n",
    )

    assert findings(path, CSV) == [
        (POSTCODE, "row 2, column A (Address)", "AB• •••"),
        (EMAIL, "row 3, column B (Email address)", "o•••@b•••.com"),
    ]


def test_meter_serial_numbers_are_recognised_by_their_field(tmp_path):
    path = write(
        tmp_path / "meters.csv",
        "MPAN,meterID,Meter Serial No.,notes\n,ZZ99Z12345,S95A01234,ZZ99Z12345 swapped\n,N/A,,\n",
    )

    assert findings(path, CSV) == [
        (MSN, "row 2, column B (meterID)", "ZZ••••••45"),
        (MSN, "row 2, column C (Meter Serial No.)", "S9•••••34"),
    ]


def test_meter_serial_numbers_after_a_key_in_text_are_found(tmp_path):
    path = write(
        tmp_path / "payload.log",
        '{"meterID": "ZZ99Z12345"}\n<MSN>A12B34567</MSN>\nmeter serial number = 12345678\n'
        "the meter id was not sent\n",
    )

    assert findings(path) == [
        (MSN, "line 1", "ZZ••••••45"),
        (MSN, "line 2", "A1•••••67"),
        (MSN, "line 3", "12••••78"),
    ]


def test_a_label_to_the_left_names_the_value(tmp_path):
    path = write(tmp_path / "form.csv", "Field,Value\nMeter serial,D12Z345678\nName,Jane\n")

    assert findings(path, CSV) == [(MSN, "row 2, column B (Value)", "D1••••••78")]


def test_previews_never_contain_the_value(tmp_path):
    values = [valid_mpan(stem) for stem in MPAN_STEMS] + [
        "jane.doe@northwind-energy.co.uk",
        "07700 900123",
        "SW1A 1AA",
        "ZZ99Z12345",
    ]
    path = write(
        tmp_path / "all.csv",
        "mpan,email,phone,postcode,msn\n"
        + "\n".join(f"{mpan},{','.join(values[3:])}" for mpan in values[:3])
        + "\n",
    )

    report = find_personal_data(path, CSV)

    assert report.total == 15
    for finding in report.findings:
        for value in values:
            assert value not in finding.preview
            assert value.replace(" ", "") not in finding.preview.replace(" ", "")


def test_a_semicolon_csv_in_windows_1252_is_read(tmp_path):
    path = write(
        tmp_path / "export.csv",
        "Nom;Adresse e-mail;Coût\nRené;rene@example.co.uk;€5\n".encode("cp1252"),
    )

    assert findings(path, "text/csv; charset=windows-1252") == [
        (EMAIL, "row 2, column B (Adresse e-mail)", "r•••@e•••.co.uk")
    ]


def test_findings_are_capped_but_all_are_counted(tmp_path):
    path = write(tmp_path / "many.txt", "".join(f"user{n}@brightwatt.co.uk\n" for n in range(300)))

    report = find_personal_data(path, TEXT)

    assert len(report.findings) == 200
    assert report.total == 300
    assert report.complete
    assert report.notes == ("Only the first 200 of 300 findings are listed.",)


def test_the_text_budget_stops_the_check_and_says_so(tmp_path):
    path = write(tmp_path / "big.log", "a,b@brightwatt.co.uk\n" * 1000)

    report = find_personal_data(path, TEXT, limits=ScanLimits(max_text_chars=2_100))

    assert report.total == 100
    assert not report.complete
    assert report.notes == ("Only the first 2,100 characters of text were checked.",)


def test_the_time_budget_stops_the_check_and_says_so(tmp_path):
    path = write(tmp_path / "big.log", "x\n" * 10)

    report = find_personal_data(path, TEXT, limits=ScanLimits(max_seconds=0))

    assert not report.complete
    assert report.notes == (
        "The check stopped after 0 seconds; the rest of the file was not checked.",
    )


def test_a_line_without_line_breaks_is_read_in_pieces(tmp_path):
    path = write(tmp_path / "one-line.log", ("x" * 1000 + " jane@brightwatt.co.uk ") * 200)

    report = find_personal_data(path, TEXT, limits=ScanLimits(max_line_chars=4096))

    assert report.total >= 190  # values cut at a piece boundary may be missed
    assert {finding.location for finding in report.findings} == {"line 1"}
