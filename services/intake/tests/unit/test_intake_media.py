"""Photo cleaning: decoded to prove it is an image, re-encoded with only the
EXIF orientation and GPS position left."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from tanggap.intake.domain.errors import NotAnImage, PayloadTooLarge, UnsupportedMediaType
from tanggap.intake.domain.media import check_declared_type, clean_image

MAKE, SOFTWARE, ARTIST, DATETIME = 0x010F, 0x0131, 0x013B, 0x0132
ORIENTATION, GPS = 0x0112, 0x8825
CILEGON_GPS = {1: "S", 2: (6.0, 2.0, 1.5), 3: "E", 4: (106.0, 4.0, 10.0)}


def _photo(fmt: str, *, mode: str = "RGB", icc: bytes | None = None) -> bytes:
    image = Image.new(mode, (40, 30), (200, 10, 10) if mode == "RGB" else (200, 10, 10, 128))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE] = "KameraSaya"
    exif[ARTIST] = "Siti Rahmawati"
    exif[SOFTWARE] = "Editor 1.0"
    exif[DATETIME] = "2026:12:01 09:30:00"
    exif[GPS] = CILEGON_GPS
    out = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    if fmt == "PNG":
        info = PngInfo()
        info.add_text("Comment", "rumah Bu Siti")
        image.save(out, fmt, exif=exif.tobytes(), pnginfo=info, **extra)
    else:
        image.save(out, fmt, exif=exif.tobytes(), **extra)
    return out.getvalue()


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")],
)
def test_only_orientation_and_gps_survive(fmt: str, content_type: str) -> None:
    original = _photo(fmt)
    cleaned = clean_image(original, max_pixels=1_000_000)
    assert cleaned.content_type == content_type
    assert (cleaned.width, cleaned.height) == (40, 30)
    assert cleaned.sha256 == hashlib.sha256(cleaned.data).hexdigest()
    image = Image.open(io.BytesIO(cleaned.data))
    exif = image.getexif()
    assert set(exif) == {ORIENTATION, GPS}
    assert exif[ORIENTATION] == 6
    assert dict(exif.get_ifd(GPS)) == CILEGON_GPS
    assert b"KameraSaya" not in cleaned.data
    assert b"Siti Rahmawati" not in cleaned.data
    assert b"rumah Bu Siti" not in cleaned.data
    assert "comment" not in {str(key).lower() for key in image.info}


def test_a_colour_profile_is_converted_away() -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for icc in (srgb, profile):
        cleaned = clean_image(_photo("JPEG", icc=icc), max_pixels=1_000_000)
        assert "icc_profile" not in Image.open(io.BytesIO(cleaned.data)).info


def test_transparency_is_kept_in_png_and_webp() -> None:
    for fmt in ("PNG", "WEBP"):
        cleaned = clean_image(_photo(fmt, mode="RGBA"), max_pixels=1_000_000)
        assert Image.open(io.BytesIO(cleaned.data)).mode == "RGBA"


def test_the_same_photo_gets_the_same_id() -> None:
    photo = _photo("PNG")
    assert (
        clean_image(photo, max_pixels=10**6).sha256 == clean_image(photo, max_pixels=10**6).sha256
    )


def test_not_an_image() -> None:
    with pytest.raises(NotAnImage):
        clean_image(b"%PDF-1.7 bukan foto", max_pixels=10**6)


def test_a_truncated_image() -> None:
    photo = _photo("JPEG")
    with pytest.raises(NotAnImage):
        clean_image(photo[: len(photo) // 2], max_pixels=10**6)


def test_another_image_format_is_unsupported() -> None:
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "GIF")
    with pytest.raises(UnsupportedMediaType):
        clean_image(out.getvalue(), max_pixels=10**6)


def test_too_many_pixels_is_refused_before_decoding() -> None:
    with pytest.raises(PayloadTooLarge):
        clean_image(_photo("PNG"), max_pixels=40 * 30 - 1)


@pytest.mark.parametrize("declared", ["image/gif", "application/pdf", "", None, "text/plain"])
def test_declared_types_other_than_the_three_are_refused(declared: str | None) -> None:
    with pytest.raises(UnsupportedMediaType):
        check_declared_type(declared)


def test_declared_type_parameters_are_ignored() -> None:
    check_declared_type("image/jpeg; q=0.9")
