"""The upload sniffer decides by content alone, and images leave without their metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from mitra.services import file_types as ft
from mitra.services.attachments import clean_filename
from mitra.services.errors import InvalidInput, UnsupportedMediaType
from tests.support import sample_files as files


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (files.PDF, "anything.bin", ft.PDF),
        (files.jpeg_with_gps(), "foto.pdf", ft.JPEG),
        (files.image("PNG"), "x", ft.PNG),
        (files.image("WEBP"), "x.jpg", ft.WEBP),
        (files.xlsx(), "x.docx", ft.XLSX),
        (files.docx(), "x.xlsx", ft.DOCX),
        (files.CSV, "peserta.CSV", ft.CSV),
        (b"nib;nama\n1;Warung Bu Tini\n", "a.csv", ft.CSV),
    ],
    ids=files.by_name,
)
def test_the_type_comes_from_the_content(data, filename, expected):
    assert ft.sniff(data, filename) == expected


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (files.HTML, "report.pdf"),
        (b"  \n<html><body>hi</body></html>", "report.pdf"),
        (files.SVG, "report.pdf"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "x.png"),
        (files.HTML, "daftar.csv"),  # text, named .csv, but markup: a browser would render it
        (b"  <?xml version='1.0'?><a/>", "daftar.csv"),
        (files.CSV, "daftar.txt"),  # text is CSV only by its name
        (b"nib\x00nama\n", "daftar.csv"),
        ("nib,nama\nToko Kué".encode("latin-1"), "daftar.csv"),  # Latin-1, not UTF-8
        (files.plain_zip(), "laporan.docx"),
        (b"PK\x03\x04 not really a zip", "a.xlsx"),
        (b"MZ\x90\x00" + bytes(64), "setup.pdf"),
        (b"\x7fELF\x02\x01\x01", "a.pdf"),
        (b"GIF89a" + bytes(20), "a.gif"),
        (b"", "kosong.pdf"),
    ],
    ids=files.by_name,
)
def test_anything_else_is_refused_with_415(data, filename):
    with pytest.raises(UnsupportedMediaType) as refused:
        ft.sniff(data, filename)
    assert refused.value.status == 415 and "file" in refused.value.errors


def test_an_office_zip_of_another_kind_is_refused():
    pptx = files._zip(
        {
            "[Content_Types].xml": "<Types><Override ContentType='application/vnd.openxmlformats-"
            "officedocument.presentationml.presentation.main+xml'/></Types>",
            "ppt/presentation.xml": "<p/>",
        }
    )
    with pytest.raises(UnsupportedMediaType):
        ft.sniff(pptx, "slides.xlsx")


def test_a_jpeg_loses_exif_and_gps_and_stands_upright():
    original = files.jpeg_with_gps((400, 200), orientation=6)  # "rotate 90° to view"
    clean, thumbnail = ft.clean_image(original, ft.JPEG)
    image = Image.open(io.BytesIO(clean))
    assert image.format == "JPEG" and image.size == (200, 400)
    assert not image.getexif() and b"KameraPonsel" not in clean
    small = Image.open(io.BytesIO(thumbnail))
    assert small.format == "JPEG" and max(small.size) == ft.THUMBNAIL_PX and small.size == (160, 320)


def test_a_png_loses_its_text_chunks_and_keeps_its_transparency():
    clean, thumbnail = ft.clean_image(files.png_with_text(), ft.PNG)
    image = Image.open(io.BytesIO(clean))
    assert image.format == "PNG" and image.mode == "RGBA" and image.info == {}
    assert b"Sri Wahyuni" not in clean
    assert Image.open(io.BytesIO(thumbnail)).format == "JPEG"


def test_a_small_image_gets_a_thumbnail_no_larger_than_itself():
    _clean, thumbnail = ft.clean_image(files.image("WEBP", (100, 50)), ft.WEBP)
    assert Image.open(io.BytesIO(thumbnail)).size == (100, 50)


def test_a_decompression_bomb_is_refused_by_its_pixel_count():
    bomb = files.image("PNG", (10_000, 10_000), mode="1")  # 100 megapixels in a few kilobytes
    assert len(bomb) < 100_000
    with pytest.raises(InvalidInput) as refused:
        ft.clean_image(bomb, ft.PNG)
    assert "megapixels" in refused.value.errors["file"][0]


def test_a_cut_short_image_is_refused():
    with pytest.raises(UnsupportedMediaType):
        ft.clean_image(files.jpeg_with_gps()[:200], ft.JPEG)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("laporan.pdf", "laporan.pdf"),
        ("C:\\Users\\siti\\Desktop\\laporan.pdf", "laporan.pdf"),
        ("../../etc/passwd", "passwd"),
        ('lap"oran\r\n.pdf', "laporan.pdf"),
        ("\x00\x1b.pdf", "pdf"),
        ("", "attachment.pdf"),
        ("....", "attachment.pdf"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
    ids=files.by_name,
)
def test_file_names_lose_paths_and_control_characters(sent, kept):
    assert clean_filename(sent, ft.PDF) == kept
