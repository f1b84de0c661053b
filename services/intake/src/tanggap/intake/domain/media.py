"""Photo cleaning: prove an upload is a JPEG, PNG or WebP image by decoding
it, and re-encode its pixels so that no metadata survives except the two
that matter for a report — the EXIF orientation (to show it upright) and the
GPS position (where the problem is). Camera serials, owner names, edit
history, thumbnails and comments are gone because nothing is copied."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, UnidentifiedImageError

from tanggap.intake.domain.errors import NotAnImage, PayloadTooLarge, UnsupportedMediaType

CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
ACCEPTED_CONTENT_TYPES = frozenset(CONTENT_TYPES.values())
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}

_ORIENTATION = 0x0112
_GPS_IFD = 0x8825
_QUALITY = 90


@dataclass(frozen=True, slots=True)
class CleanedImage:
    data: bytes
    content_type: str
    width: int
    height: int
    sha256: str


def check_declared_type(content_type: str | None) -> None:
    """The client's own Content-Type for the part: anything but the three
    accepted image types is refused before decoding (415)."""
    declared = (content_type or "").split(";", 1)[0].strip().lower()
    if declared not in ACCEPTED_CONTENT_TYPES:
        raise UnsupportedMediaType(
            f"jenis berkas {declared or '(kosong)'!r} tidak diterima; "
            f"kirim {', '.join(sorted(ACCEPTED_CONTENT_TYPES))}"
        )


def clean_image(data: bytes, *, max_pixels: int) -> CleanedImage:
    image = _open(data, max_pixels)
    exif = _kept_exif(image)
    pixels = _to_srgb(_first_frame(image), image.info.get("icc_profile"))
    out = io.BytesIO()
    fmt = image.format or ""
    if fmt == "JPEG":
        pixels = pixels if pixels.mode in ("RGB", "L") else pixels.convert("RGB")
        pixels.save(out, "JPEG", quality=_QUALITY, exif=exif)
    elif fmt == "PNG":
        pixels.save(out, "PNG", exif=exif)
    else:
        pixels = pixels if pixels.mode in ("RGB", "RGBA") else pixels.convert("RGBA")
        pixels.save(out, "WEBP", quality=_QUALITY, exif=exif)
    cleaned = out.getvalue()
    return CleanedImage(
        data=cleaned,
        content_type=CONTENT_TYPES[fmt],
        width=pixels.width,
        height=pixels.height,
        sha256=hashlib.sha256(cleaned).hexdigest(),
    )


def _open(data: bytes, max_pixels: int) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in CONTENT_TYPES:
                raise UnsupportedMediaType(
                    f"isi berkas adalah {image.format or 'format lain'}, bukan JPEG, PNG, atau WebP"
                )
            if image.width * image.height > max_pixels:
                raise PayloadTooLarge(
                    f"gambar {image.width}x{image.height} melebihi {max_pixels} piksel"
                )
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PayloadTooLarge("gambar terlalu besar untuk diuraikan") from exc
    except UnidentifiedImageError as exc:
        raise NotAnImage("berkas tidak dapat dibaca sebagai gambar") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        # Truncated or corrupt data fails only when the pixels are decoded.
        raise NotAnImage("gambar rusak atau terpotong") from exc
    return image


def _first_frame(image: Image.Image) -> Image.Image:
    # Animated PNG/WebP: a report needs one picture; copying also drops
    # every per-frame chunk Pillow keeps in .info.
    image.seek(0)
    frame = image.copy()
    frame.info = {}
    return frame


def _to_srgb(image: Image.Image, profile: object) -> Image.Image:
    """Colour profiles are metadata too, but dropping one would shift the
    colours of wide-gamut phone photos: convert the pixels to sRGB instead."""
    if not isinstance(profile, bytes) or not profile or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
    return converted if converted is not None else image


def _kept_exif(image: Image.Image) -> bytes:
    try:
        source = image.getexif()
        orientation = source.get(_ORIENTATION)
        gps = dict(source.get_ifd(_GPS_IFD))
    except Exception:
        # Broken EXIF is dropped whole: the pixels are what the report needs.
        return b""
    kept = Image.Exif()
    if isinstance(orientation, int) and 1 <= orientation <= 8:
        kept[_ORIENTATION] = orientation
    if gps:
        kept[_GPS_IFD] = gps
    try:
        return kept.tobytes() if len(kept) else b""
    except Exception:
        without_gps = Image.Exif()
        if _ORIENTATION in kept:
            without_gps[_ORIENTATION] = kept[_ORIENTATION]
        return without_gps.tobytes() if len(without_gps) else b""
