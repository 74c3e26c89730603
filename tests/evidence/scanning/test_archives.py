import io
import os
import stat
import struct
import time
import tracemalloc
import zipfile

import pytest

from evidence.scanning.archives import (
    ArchiveLimits,
    ArchiveRejected,
    ArchiveVerdict,
    check_archive,
    copy_member,
    open_zip,
    read_member,
)
from tests.evidence.scanning.files import (
    add_entries,
    make_docx,
    make_xlsx,
    make_zip,
    zip_bomb,
    zip_bytes,
    zip_with_entries,
)


def timed_check(path, **kwargs) -> tuple[ArchiveVerdict, float, int]:
    """The verdict, the seconds it took and the peak of Python memory allocated meanwhile."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        verdict = check_archive(path, **kwargs)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return verdict, seconds, peak


def test_clean_office_files_and_zips_pass(tmp_path):
    document = make_docx(tmp_path / "a.docx", ["hello"])
    workbook = make_xlsx(tmp_path / "a.xlsx", {"Sheet": [["a", 1]]})
    logs = make_zip(tmp_path / "logs.zip", {"run1.log": b"ok\n" * 1000, "run2.log": b"fail\n"})

    for path in (document, workbook, logs):
        assert check_archive(path).accepted, path


def ratio(path, name="zeros.bin") -> str:
    """The compression ratio as the message shows it (it varies a little with zlib)."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    return f"{info.file_size / info.compress_size:,.0f}"


def test_a_zip_bomb_is_rejected_from_its_listing_without_unpacking(tmp_path):
    folder = tmp_path / "upload"
    folder.mkdir()
    bomb = zip_bomb(folder / "evidence.zip")
    before = sorted(os.listdir(folder))

    verdict, seconds, peak = timed_check(bomb)

    assert verdict.problems == (
        f"'zeros.bin' is compressed {ratio(bomb)} to 1 (it would unpack to 10 MB); more than "
        "100 to 1 is refused as a possible zip bomb.",
    )
    assert seconds < 0.5
    assert peak < 2 * 1024 * 1024  # far less than the 10 MB it would unpack to
    assert sorted(os.listdir(folder)) == before  # nothing was extracted
    print(f"zip bomb (10 MB of zeros in {bomb.stat().st_size:,} bytes): {seconds * 1000:.1f} ms")


def test_a_zip_with_twenty_thousand_entries_is_rejected_before_it_is_read(tmp_path):
    path = zip_with_entries(tmp_path / "many.zip", 20_000)

    verdict, seconds, peak = timed_check(path)

    assert verdict.problems == ("The archive holds 20,000 entries; at most 10,000 are accepted.",)
    assert seconds < 0.5
    assert peak < 1024 * 1024  # the central directory was never parsed into 20,000 objects
    print(f"20,000-entry zip: {seconds * 1000:.1f} ms, peak {peak / 1024:.0f} KiB")


def test_a_docx_with_more_than_ten_thousand_entries_is_rejected(tmp_path):
    path = add_entries(make_docx(tmp_path / "big.docx", ["hello"]), 10_001)

    verdict, seconds, _ = timed_check(path)

    assert not verdict.accepted
    assert verdict.problems[0].startswith("The archive holds 10,0")
    assert seconds < 0.5
    print(f"10,001+-entry docx: {seconds * 1000:.1f} ms")


def test_ten_thousand_entries_are_still_accepted_and_checked_quickly(tmp_path):
    path = zip_with_entries(tmp_path / "many.zip", 10_000)

    started = time.perf_counter()
    verdict = check_archive(path)
    seconds = time.perf_counter() - started

    assert verdict == ArchiveVerdict((), 10_000, 10_000)
    assert seconds < 2
    print(f"10,000-entry zip, listing and peeking into every entry: {seconds * 1000:.0f} ms")


def test_an_end_record_declaring_too_many_entries_is_refused_before_parsing(tmp_path):
    path = make_zip(tmp_path / "a.zip", {"a.txt": b"a"})
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 65_000, 65_000)
    path.write_bytes(bytes(data))

    with pytest.raises(ArchiveRejected, match="holds 65,000 entries"):
        open_zip(path)


def test_the_total_declared_size_is_capped(tmp_path):
    path = make_zip(
        tmp_path / "a.zip", {"a.bin": os.urandom(300_000), "b.bin": os.urandom(300_000)}
    )

    verdict = check_archive(path, limits=ArchiveLimits(max_total_size=500_000))

    assert verdict.problems == ("The archive would unpack to 586 KB; at most 488 KB is accepted.",)


def test_small_entries_are_not_judged_on_their_ratio(tmp_path):
    # 500 KB of spaces compresses far beyond 100:1 but is no bomb; the total cap covers many.
    path = make_zip(tmp_path / "a.zip", {"spaces.txt": b" " * 500_000})

    assert check_archive(path).accepted


@pytest.mark.parametrize(
    "name",
    ["../../etc/cron.d/evil", "/etc/passwd", "C:/Windows/evil.dll", "a/../../b.txt", "..\\x.txt"],
)
def test_paths_leaving_the_archive_are_rejected(tmp_path, name):
    path = make_zip(tmp_path / "a.zip", {name: b"x"})

    assert check_archive(path).problems == (
        f"'{name}' has a path that points outside the archive.",
    )


def test_symbolic_links_are_rejected(tmp_path):
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as archive:
        link = zipfile.ZipInfo("evidence/link")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/shadow")

    assert check_archive(path).problems == (
        "'evidence/link' is a symbolic link; links are not accepted in an archive.",
    )


def test_encrypted_entries_are_rejected(tmp_path):
    path = make_zip(tmp_path / "a.zip", {"secret.csv": b"a,b\n"})
    data = bytearray(path.read_bytes())
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        struct.pack_into("<H", data, at + flag_offset, data[at + flag_offset] | 0x1)
    path.write_bytes(bytes(data))

    assert check_archive(path).problems == (
        "'secret.csv' is password-protected (encrypted), so it cannot be checked. "
        "Upload it without a password.",
    )


def test_a_zip_inside_a_zip_is_listed_and_checked(tmp_path):
    inner = zip_bytes({"run1.log": b"ok\n", "run2.log": b"ok\n"})
    path = make_zip(tmp_path / "a.zip", {"logs.zip": inner, "report.txt": b"ok"})

    assert check_archive(path) == ArchiveVerdict((), 4, len(inner) + 2 + 6)


def test_a_bomb_inside_a_zip_is_rejected(tmp_path):
    bomb = zip_bomb(tmp_path / "bomb.zip")
    path = make_zip(
        tmp_path / "a.zip", {"inner/bomb.zip": bomb.read_bytes()}, method=zipfile.ZIP_STORED
    )

    verdict, seconds, _ = timed_check(path)

    assert verdict.problems == (
        f"'inner/bomb.zip/zeros.bin' is compressed {ratio(bomb)} to 1 (it would unpack to 10 MB); "
        "more than 100 to 1 is refused as a possible zip bomb.",
    )
    assert seconds < 0.5


def test_archives_nested_two_levels_deep_are_rejected(tmp_path):
    deepest = zip_bytes({"a.txt": b"a"})
    middle = zip_bytes({"deeper.zip": deepest})
    path = make_zip(tmp_path / "a.zip", {"middle.zip": middle})

    assert check_archive(path).problems == (
        "'middle.zip/deeper.zip' is an archive inside an archive inside the upload; only one "
        "level of archives within archives is accepted.",
    )


def test_archives_the_portal_cannot_look_into_are_rejected(tmp_path):
    import gzip

    path = make_zip(tmp_path / "a.zip", {"logs/run.log.gz": gzip.compress(b"log\n")})

    assert check_archive(path).problems == (
        "'logs/run.log.gz' is a gzip archive, which the portal cannot look inside. Unpack it "
        "and include its files directly.",
    )


def test_a_file_that_is_not_a_zip_is_rejected(tmp_path):
    path = tmp_path / "a.zip"
    path.write_bytes(b"PK\x03\x04 but nothing else")

    assert check_archive(path).problems == ("The file is not a readable zip archive.",)


def test_reading_a_member_stops_at_the_budget(tmp_path):
    path = make_zip(tmp_path / "a.zip", {"big.txt": b"x" * 100_000})

    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("big.txt")
        assert read_member(archive, info, max_bytes=100_000) == b"x" * 100_000
        with pytest.raises(ArchiveRejected, match=r"'big\.txt' is 98 KB; at most 1,000 bytes"):
            read_member(archive, info, max_bytes=1000)


def test_a_header_understating_an_entry_size_does_not_get_past_the_budget(tmp_path):
    path = make_zip(tmp_path / "a.zip", {"big.txt": b"x" * 100_000})
    data = bytearray(path.read_bytes())
    for signature, size_offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        struct.pack_into("<I", data, at + size_offset, 10)
    path.write_bytes(bytes(data))

    target = io.BytesIO()
    with zipfile.ZipFile(path) as archive, pytest.raises(ArchiveRejected):
        copy_member(archive, archive.getinfo("big.txt"), target, max_bytes=1000)
    assert len(target.getvalue()) <= 1000
