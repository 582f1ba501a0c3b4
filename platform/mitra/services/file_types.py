"""What an uploaded file is, told by its bytes and never by its name or the client's claim;
and images made safe to hand out: re-encoded without metadata, with a thumbnail.

The allow-list is what evidence of a partnership looks like: PDF, JPEG, PNG, WebP, XLSX,
DOCX and CSV. Everything else (an HTML page or an SVG named `.pdf`, a program, another
kind of zip) is refused, so that no download can run script in a browser that sniffs.
"""

from __future__ import annotations

import io
import warnings
import zipfile

from PIL import Image, ImageOps, UnidentifiedImageError

from mitra.services.errors import InvalidInput, UnsupportedMediaType

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv"
ALLOWED = (PDF, JPEG, PNG, WEBP, XLSX, DOCX, CSV)
IMAGES = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
EXTENSION = {PDF: "pdf", JPEG: "jpg", PNG: "png", WEBP: "webp", XLSX: "xlsx", DOCX: "docx", CSV: "csv"}

THUMBNAIL_PX = 320
THUMBNAIL_TYPE = JPEG
# A photo from a phone is 12 to 50 megapixels; beyond this a small file may decode into
# gigabytes (a decompression bomb).
MAX_PIXELS = 60_000_000
# An OOXML file's main part, as its [Content_Types].xml names it, and the folder it lives in.
OOXML = {
    XLSX: ("xl/", b"spreadsheetml.sheet.main+xml"),
    DOCX: ("word/", b"wordprocessingml.document.main+xml"),
}
CONTENT_TYPES_LIMIT = 256 * 1024  # read no more of [Content_Types].xml than any real one needs

ACCEPTED_NAMES = "PDF, JPEG, PNG, WebP, XLSX, DOCX or CSV"


def refuse(why: str) -> UnsupportedMediaType:
    return UnsupportedMediaType(
        f"the file is not a {ACCEPTED_NAMES} file: {why}",
        {"file": [f"{why}; send a {ACCEPTED_NAMES} file"]},
    )


def sniff(data: bytes, filename: str) -> str:
    """The media type of `data`, one of ALLOWED, or UnsupportedMediaType (415). `filename`
    only decides whether plain text may be a CSV: text has no magic bytes."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"PK\x03\x04"):
        return _ooxml(data)
    if filename.lower().endswith(".csv"):
        return _csv(data)
    return _refuse_unknown(data)


def _ooxml(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" not in names:
                raise refuse("a zip archive that is not an Office document")
            with archive.open("[Content_Types].xml") as part:
                declared = part.read(CONTENT_TYPES_LIMIT)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise refuse("a damaged zip archive") from None
    for media_type, (folder, main) in OOXML.items():
        if main in declared and any(name.startswith(folder) for name in names):
            return media_type
    raise refuse("an Office document that is neither a workbook (XLSX) nor a text document (DOCX)")


def _csv(data: bytes) -> str:
    if b"\x00" in data:
        raise refuse("named .csv, but it holds binary data")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refuse("named .csv, but it is not UTF-8 text") from None
    if text.lstrip().startswith("<"):
        raise refuse("named .csv, but it looks like HTML, SVG or XML")
    return CSV


def _refuse_unknown(data: bytes) -> str:
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<svg", b"<?xml")) or b"<svg" in head:
        raise refuse("it is HTML, SVG or XML, whatever its name says")
    if data.startswith(b"MZ") or data.startswith(b"\x7fELF"):
        raise refuse("it is a program")
    raise refuse("its content is of a kind Mitra does not accept")


def clean_image(data: bytes, media_type: str) -> tuple[bytes, bytes]:
    """The image re-encoded in its own format without any metadata (EXIF, GPS, XMP, ICC,
    text chunks), turned upright as its EXIF orientation said; and its thumbnail (JPEG,
    THUMBNAIL_PX on the longest side)."""
    image = _decode(data)
    upright = ImageOps.exif_transpose(image)
    if upright.mode == "P" or (upright.mode not in _MODES[media_type]):
        upright = upright.convert("RGBA" if _has_alpha(upright) and media_type != JPEG else "RGB")
    # A new image from the pixels alone: nothing of the original's `info` can ride along.
    bare = Image.new(upright.mode, upright.size)
    bare.paste(upright)
    out = io.BytesIO()
    options = {"quality": 90} if media_type in (JPEG, WEBP) else {"optimize": True}
    bare.save(out, IMAGES[media_type], **options)
    return out.getvalue(), thumbnail(bare)


_MODES = {
    JPEG: ("L", "RGB", "CMYK"),
    PNG: ("1", "L", "LA", "RGB", "RGBA", "I", "I;16"),
    WEBP: ("RGB", "RGBA"),
}


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def thumbnail(image: Image.Image) -> bytes:
    small = image.copy()
    small.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
    if small.mode != "RGB":
        flat = Image.new("RGB", small.size, "white")
        rgba = small.convert("RGBA")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        small = flat
    out = io.BytesIO()
    small.save(out, "JPEG", quality=80)
    return out.getvalue()


def _decode(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise _too_many_pixels()
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise refuse("an image that cannot be read (damaged or cut short)") from None
    return image


def _too_many_pixels() -> InvalidInput:
    return InvalidInput.field("file", f"the image has more than {MAX_PIXELS // 1_000_000} megapixels")
