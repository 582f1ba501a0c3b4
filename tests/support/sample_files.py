"""Small real files of every kind an upload may be, made on the spot (no fixtures on disk)."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook
from PIL import Image

GPS_IFD = 0x8825
GPS_LATITUDE = 2
EXIF_ORIENTATION = 0x0112
EXIF_MAKE = 0x010F

PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n" + bytes(range(256))  # binary bytes must survive intact
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
CSV = "\ufeffnib,nama_usaha\n9120000000001,Keripik Tempe Sanan\n".encode()


def jpeg_with_gps(size: tuple[int, int] = (800, 600), orientation: int | None = None) -> bytes:
    """A JPEG whose EXIF names a camera and a place (GPS IFD), and optionally an orientation."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[EXIF_MAKE] = "KameraPonsel"
    if orientation is not None:
        exif[EXIF_ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD)[GPS_LATITUDE] = (7.0, 58.0, 0.0)
    exif.get_ifd(GPS_IFD)[1] = "S"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def image(fmt: str, size: tuple[int, int] = (400, 300), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "navy").save(out, fmt)
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Ibu Sri Wahyuni, Jl. Sanan 12")
    out = io.BytesIO()
    Image.new("RGBA", (50, 40), (0, 0, 255, 128)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def xlsx() -> bytes:
    book = Workbook()
    book.active.append(["nib", "nama_usaha"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
            "word/document.xml": "<w:document/>",
        }
    )


def plain_zip() -> bytes:
    return _zip({"laporan.txt": "isi", "foto.jpg": "bukan foto"})


def _zip(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def by_name(value: object) -> str | None:
    """Test ids for parameters holding file bytes: generated files differ from run to run
    (zip timestamps), and every xdist worker must collect the same ids."""
    return "bytes" if isinstance(value, bytes) else None
