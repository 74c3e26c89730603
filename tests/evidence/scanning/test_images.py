import time
import tracemalloc
import warnings

from evidence.scanning.images import ImageVerdict, check_image
from tests.evidence.scanning.files import make_image, png_header_only, write


def test_ordinary_screenshots_and_photos_are_accepted(tmp_path):
    png = make_image(tmp_path / "screen.png", "PNG", (1920, 1080))
    jpeg = make_image(tmp_path / "photo.jpg", "JPEG", (4000, 3000))

    assert check_image(png, content_type="image/png") == ImageVerdict(True, 1920, 1080)
    assert check_image(jpeg, content_type="image/jpeg") == ImageVerdict(True, 4000, 3000)


def test_a_20000_by_20000_png_is_rejected_without_being_decoded(tmp_path):
    path = png_header_only(tmp_path / "huge.png", 20_000, 20_000)

    tracemalloc.start()
    started = time.perf_counter()
    verdict = check_image(path, content_type="image/png")
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert verdict == ImageVerdict(
        False,
        0,
        0,
        "The image has more than 50,000,000 pixels; make it smaller and upload it again.",
    )
    assert seconds < 0.5
    assert peak < 5 * 1024 * 1024  # decoding would need 1.2 GB
    print(f"20,000 x 20,000 PNG header ({path.stat().st_size} bytes): {seconds * 1000:.1f} ms")


def test_an_image_over_the_portal_limit_is_rejected_with_its_size(tmp_path):
    path = png_header_only(tmp_path / "big.png", 8_000, 7_000)

    assert check_image(path, content_type="image/png") == ImageVerdict(
        False,
        8_000,
        7_000,
        "The image is 8,000 x 7,000 pixels and has more than 50,000,000 pixels; make it "
        "smaller and upload it again.",
    )


def test_pillows_decompression_bomb_warning_is_an_error_even_under_a_raised_limit(tmp_path):
    # 100 million pixels: over Pillow's warning threshold (about 89 million), under its error.
    path = png_header_only(tmp_path / "big.png", 10_000, 10_000)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning may escape either
        verdict = check_image(path, content_type="image/png", max_pixels=200_000_000)

    assert not verdict.accepted
    assert verdict.reason == (
        "The image has more than 200,000,000 pixels; make it smaller and upload it again."
    )


def test_a_damaged_image_is_rejected(tmp_path):
    data = make_image(tmp_path / "screen.png", "PNG").read_bytes()
    path = write(tmp_path / "broken.png", data[:40] + b"\0" * 20 + data[60:])

    assert check_image(path, content_type="image/png") == ImageVerdict(
        False, 0, 0, "The image is damaged and cannot be read."
    )


def test_an_image_is_read_only_as_the_format_its_type_says(tmp_path):
    path = make_image(tmp_path / "photo.png", "JPEG")

    assert not check_image(path, content_type="image/png").accepted
