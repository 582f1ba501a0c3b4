"""At 360 px every list reads without scrolling sideways: for each role, on each list page,
neither the page nor any box in it is wider than the screen, and each row's status, what
names it and its link are on screen (rows are cards below the phone breakpoint)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTH = 360
LISTS = {
    "manager": [
        "/collaborations",
        "/activities/upcoming",
        "/agreements",
        "/partners",
        "/centres",
        "/notifications",
        "/centre",
    ],
    "partner": ["/inbox", "/activities/upcoming", "/agreements", "/centres", "/notifications"],
    "admin": ["/collaborations", "/agreements", "/partners", "/centres", "/notifications", "/ministry"],
}

# What does not fit: the page, any box that clips or scrolls its content, any box reaching
# past the screen's edges; and, row by row, what must be seen without scrolling sideways.
MEASURE = """() => {
  const problems = [];
  const width = innerWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const page = document.scrollingElement;
  if (page.scrollWidth > width) problems.push(`page is ${page.scrollWidth} px wide`);
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const hidden = el.closest('.visually-hidden, .skip-link');
    if (hidden) continue;
    if (style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1)
      problems.push(`${name(el)} holds ${el.scrollWidth} px in ${el.clientWidth} px`);
    const box = el.getBoundingClientRect();
    if (box.width > 0 && (box.left < -1 || box.right > width + 1))
      problems.push(`${name(el)} reaches ${Math.round(box.left)}..${Math.round(box.right)} px`);
  }
  const seen = el => {
    if (!el) return false;
    el.scrollIntoView({block: 'center'});
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.left >= -1 && box.right <= width + 1 &&
      box.top >= -1 && box.bottom <= innerHeight + 1;
  };
  const rows = [];
  for (const row of document.querySelectorAll('table.data tbody tr')) {
    const table = row.closest('table').dataset.testid;
    const status = row.querySelector('td[data-status] > *, td[data-status]');
    const main = row.querySelector('td[data-main]');
    const action = row.querySelector('a[href], button');
    const hasStatus = !!row.closest('table').querySelector('td[data-status]');
    rows.push(table);
    if (hasStatus && !seen(status)) problems.push(`${table}: a row's status is off screen`);
    if (!seen(main)) problems.push(`${table}: a row's name is off screen`);
    if (action && !seen(action)) problems.push(`${table}: a row's link is off screen`);
  }
  for (const notice of document.querySelectorAll('.notices li')) {
    rows.push('notices');
    if (!seen(notice.querySelector('.notice-title'))) problems.push('a notification is off screen');
    const badge = notice.querySelector('.badge');
    if (badge && !seen(badge)) problems.push("a notification's status is off screen");
  }
  window.scrollTo(0, 0);
  return {problems, rows};
}"""


def sign_in_at(browser, site, role: str, **options):
    context = browser.new_context(viewport={"width": WIDTH, "height": 780}, locale="id-ID", **options)
    page = context.new_page()
    page.goto(f"{site.url}/login")
    page.get_by_label(re.compile("^(Alamat surel|E-mail address)$")).fill(site.people["id"][role])
    page.get_by_label(re.compile("^(Kata sandi|Password)$")).fill(site.password)
    page.locator("#submit").click()
    page.wait_for_url(re.compile(r"/(inbox|centre|ministry)$"))
    return context, page


@pytest.mark.parametrize("role", sorted(LISTS))
def test_every_list_fits_a_phone(playwright_browser, site, role):
    context, page = sign_in_at(playwright_browser, site, role)
    try:
        unfit, rows = {}, 0
        for path in LISTS[role]:
            page.goto(f"{site.url}{path}")
            found = page.evaluate(MEASURE)
            rows += len(found["rows"])
            if found["problems"]:
                unfit[path] = sorted(set(found["problems"]))[:8]
        assert unfit == {}, unfit
        assert rows > 0, "the demo shows no row to measure"
        if role == "partner":
            page.goto(f"{site.url}/inbox")
            page.screenshot(path=str(SCREENSHOTS / "inbox-partner-360.png"), full_page=True)
    finally:
        context.close()


def test_the_measure_sees_a_table_that_scrolls_in_its_box(playwright_browser, site):
    """The same measure fails the old layout: a wide table scrolling inside its wrapper."""
    context, page = sign_in_at(playwright_browser, site, "manager", bypass_csp=True)  # the old CSS, inline
    try:
        page.goto(f"{site.url}/collaborations")
        page.add_style_tag(
            content=(
                "@media (max-width: 40rem) { .table-scroll { overflow-x: auto !important; }"
                " table.data { display: table !important; width: 100% !important; }"
                " table.data thead { display: table-header-group !important; }"
                " table.data tbody { display: table-row-group !important; }"
                " table.data tr { display: table-row !important; }"
                " table.data td { display: table-cell !important; min-width: 8.5rem !important;"
                " white-space: nowrap !important; } }"
            )
        )
        problems = page.evaluate(MEASURE)["problems"]
        assert any("table-scroll" in p for p in problems), problems
    finally:
        context.close()
