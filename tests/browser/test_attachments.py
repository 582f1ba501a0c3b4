"""At 360 px, a centre manager uploads two files on a collaboration page with the page's
script (one request per file, a progress bar each); both appear, and the page still fits."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_phone_width import MEASURE, SCREENSHOTS, sign_in_at
from tests.support import sample_files as files

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_two_files_uploaded_at_phone_width_both_appear(playwright_browser, site, tmp_path):
    photo, report = tmp_path / "foto-pelatihan.jpg", tmp_path / "laporan-kegiatan.pdf"
    photo.write_bytes(files.jpeg_with_gps())
    report.write_bytes(files.PDF)
    context, page = sign_in_at(playwright_browser, site, "manager")
    try:
        page.goto(f"{site.url}/collaborations")
        page.locator("table.data tbody tr a[href^='/collaborations/']").first.click()
        page.wait_for_url(re.compile(r"/collaborations/\d+$"))
        form = page.locator("form[data-upload]")
        form.locator("input[type=file]").set_input_files([str(photo), str(report)])
        with page.expect_navigation():  # the script reloads the page once both are in
            form.locator("button[type=submit]").click()
        gallery = page.get_by_test_id("gallery")
        assert gallery.locator("img").count() == 1
        thumbnail = gallery.locator("img")
        thumbnail.scroll_into_view_if_needed()  # it loads lazily
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
        assert thumbnail.evaluate("img => img.naturalWidth") == 320
        assert "laporan-kegiatan.pdf" in page.get_by_test_id("documents").inner_text()
        found = page.evaluate(MEASURE)
        assert found["problems"] == [], found["problems"][:8]
        page.locator("#attachments").screenshot(path=str(SCREENSHOTS / "attachments-manager-360.png"))
    finally:
        context.close()
