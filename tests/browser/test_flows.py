"""In Chromium, as new users would: a centre manager proposes; in a second browser context the
partner's user sees it in the inbox with its notification and accepts it; the manager's
page shows it accepted with both people on the timeline; the ministry's dashboard counts it.
In Indonesian and in English, with screenshots at 360 px and 1280 px under
artifacts/screenshots/."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from events.types import utcnow
from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = (360, 1280)
WORDS = {
    "id": {
        "propose": "Usulkan kepada mitra",
        "proposed": "Diusulkan",
        "accepted": "Diterima",
        "accept": "Terima usulan",
        "required": "Isian ini wajib diisi.",
        "nav_propose": "Usulkan",
        "notification": "Usulan kerja sama baru",
    },
    "en": {
        "propose": "Propose to the partner",
        "proposed": "Proposed",
        "accepted": "Accepted",
        "accept": "Accept the proposal",
        "required": "This field is required.",
        "nav_propose": "Propose",
        "notification": "New collaboration proposal",
    },
}
NAMES = {
    "id": {"manager": "Manajer PLUT-KUMKM Malang", "partner": "Mitra Bank BUMN"},
    "en": {"manager": "Centre Manager Malang", "partner": "Bank Partner Officer"},
}


def sign_in(browser, site, lang: str, role: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "status of 422" not in message.text
            else None
        ),
    )  # 422: the form refused, as meant
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{site.url}/login")
    page.get_by_label(re.compile("^(Alamat surel|E-mail address)$")).fill(site.people[lang][role])
    page.get_by_label(re.compile("^(Kata sandi|Password)$")).fill(site.password)
    page.locator("#submit").click()
    page.wait_for_url(re.compile(r"/(inbox|centre|ministry)$"))
    assert page.locator("html").get_attribute("lang") == lang
    return context, page, problems


def shoot(page, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways at {width} px"  # wide tables scroll in their box
    page.set_viewport_size({"width": 1280, "height": 900})


def figure(page, name: str) -> int:
    return int(page.get_by_test_id(f"figure-{name}").inner_text().replace(".", "").replace(",", ""))


def agreed_in_service_area(page, area: str) -> int:
    row = page.get_by_test_id("table-service_areas").locator("tr", has_text=area)
    return int(row.locator("td").nth(2).inner_text().replace(".", "").replace(",", ""))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_propose_accept_and_count(playwright_browser, site, lang):
    words, names = WORDS[lang], NAMES[lang]
    today = utcnow().date()
    starts = today + timedelta(days=10)
    title = f"{'Pelatihan ekspor digital' if lang == 'id' else 'Digital export training'} {lang.upper()}"
    area = "Pemasaran" if lang == "id" else "Marketing"

    admin_context, admin, admin_problems = sign_in(playwright_browser, site, lang, "admin")
    admin.goto(f"{site.url}/ministry?year={starts.year}")
    before = {
        "collaborations": figure(admin, "collaborations"),
        "proposals": figure(admin, "proposals"),
        "area": agreed_in_service_area(admin, area),
    }

    # The centre manager proposes, and is told beside each field what is missing.
    manager_context, manager, manager_problems = sign_in(playwright_browser, site, lang, "manager")
    manager.get_by_role("navigation").get_by_role("link", name=words["nav_propose"], exact=True).click()
    manager.get_by_role("button", name=words["propose"]).click()
    assert manager.locator("#title-error").inner_text() == words["required"]
    assert manager.locator("#title").get_attribute("aria-invalid") == "true"
    shoot(manager, f"propose-form-{lang}")
    manager.locator("#partner_id").select_option(label="Bank BUMN Mitra UMKM")
    manager.locator("#title").fill(title)
    manager.locator("#service_area").select_option("pemasaran")
    manager.locator("#description").fill("Kelas ekspor daring untuk UMKM binaan PLUT")
    manager.locator("#starts_on").fill(starts.isoformat())
    manager.locator("#ends_on").fill((starts + timedelta(days=60)).isoformat())
    manager.locator("#respond_by").fill((today + timedelta(days=7)).isoformat())
    manager.locator("#target_umkm").fill("35")
    manager.get_by_role("button", name=words["propose"]).click()
    manager.wait_for_url(re.compile(r"/collaborations/\d+$"))
    collaboration_url = manager.url
    assert manager.get_by_test_id("collaboration-status").inner_text() == words["proposed"]

    # The partner, in a browser of their own, hears of it and finds it in the inbox.
    partner_context, partner, partner_problems = sign_in(playwright_browser, site, lang, "partner")

    def notified():
        partner.reload()
        return partner.get_by_test_id("unread-count").inner_text() != "0"

    deadline = 30
    for _ in range(deadline * 2):
        if notified():
            break
        partner.wait_for_timeout(500)
    else:
        raise AssertionError("no notification reached the partner in 30 s")
    partner.get_by_test_id("notifications-link").click()
    assert partner.get_by_test_id("notices").get_by_text(f"{words['notification']}: {title}").count() == 1
    partner.goto(f"{site.url}/inbox?status=proposed")
    inbox_row = partner.get_by_test_id("table-inbox").locator("tr", has_text=title)
    assert inbox_row.count() == 1 and words["proposed"] in inbox_row.inner_text()
    shoot(partner, f"partner-inbox-{lang}")
    inbox_row.get_by_role("link", name=title).click()
    partner.get_by_role("button", name=words["accept"]).click()
    partner.wait_for_url(collaboration_url)
    assert partner.get_by_test_id("collaboration-status").inner_text() == words["accepted"]

    # The manager's page shows it accepted, both people on the timeline.
    manager.goto(collaboration_url)
    assert manager.get_by_test_id("collaboration-status").inner_text() == words["accepted"]
    timeline = manager.get_by_test_id("timeline").inner_text()
    assert names["manager"] in timeline and names["partner"] in timeline

    # The ministry's numbers and charts include it, once the statistics worker has counted it.
    for _ in range(60):
        admin.goto(f"{site.url}/ministry?year={starts.year}")
        if figure(admin, "collaborations") == before["collaborations"] + 1:
            break
        admin.wait_for_timeout(500)
    assert figure(admin, "collaborations") == before["collaborations"] + 1
    assert figure(admin, "proposals") == before["proposals"] + 1
    assert agreed_in_service_area(admin, area) == before["area"] + 1
    chart = admin.get_by_test_id("chart-service-areas").locator("svg")
    assert chart.locator("text", has_text=area).count() == 1
    assert chart.get_attribute("role") == "img"
    shoot(admin, f"ministry-dashboard-{lang}")

    for problems in (admin_problems, manager_problems, partner_problems):
        assert problems == []  # no CSP violation, no script error, no missing file
    for context in (admin_context, manager_context, partner_context):
        context.close()
