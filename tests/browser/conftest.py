"""Browser tests: Playwright drives Debian's Chromium against Mitra served by real processes
(web, relay, worker) on the test database, loaded with the demo data.

Skipped, with the reason, where /usr/bin/chromium or Playwright is missing. Never lets
Playwright download a browser of its own.
"""

from __future__ import annotations

import os
import socket
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from mitra import create_app
from mitra.demo.data import DEMO_PASSWORD, seed_demo
from mitra.extensions import db
from mitra.services import statistics
from mitra.services.accounts import create_user
from tests.conftest import REPO_ROOT, _empty_all_tables
from tests.support.processes import Processes, child_env, wait_until

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
# People who chose English in their profile (the demo's own people read Indonesian).
ENGLISH_PEOPLE = {
    "manager": ("manager.malang.en@mitra.test", "Centre Manager Malang", "centre_manager", "3507", None),
    "partner": ("bank.en@mitra.test", "Bank Partner Officer", "partner_user", None, "Bank BUMN Mitra UMKM"),
    "admin": ("admin.en@mitra.test", "Ministry Analyst", "ministry_admin", None, None),
}
DEMO_PEOPLE = {
    "manager": "manajer.malang@mitra.test",
    "partner": "mitra.bank@mitra.test",
    "admin": "admin@mitra.test",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@dataclass
class Site:
    url: str
    people: dict[str, dict[str, str]]  # language -> role -> e-mail
    password: str


@pytest.fixture(scope="session")
def playwright_browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(playwright_browser, app_config, _migrated, tmp_path_factory):
    """The demo, served by `mitra run`, `mitra relay` and `mitra worker` on the test database."""
    app = create_app(app_config)
    folder = tmp_path_factory.mktemp("browser")
    with app.app_context():
        seed_demo(db.session)
        for email, name, role, centre, partner in ENGLISH_PEOPLE.values():
            create_user(
                email=email,
                name=name,
                role=role,
                password=DEMO_PASSWORD,
                centre_code=centre,
                partner_name=partner,
                language="en",
            )
        statistics.recompute_statistics(db.session)  # the demo is loaded without events
        db.session.commit()
        db.session.remove()
        db.engine.dispose()  # on SQLite, hold no lock while the processes work
    port = _free_port()
    # The browser tests are about the pages: an embedded broker of their own, whatever the run uses.
    env = child_env(
        app_config["SQLALCHEMY_DATABASE_URI"],
        f"sqla+sqlite:///{folder / 'broker.db'}",
        folder / "instance",
        MITRA_BASE_URL=f"http://127.0.0.1:{port}",
    )
    processes = Processes(env, folder)
    web = processes.start(
        "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload", "--no-debugger", "--with-threads"
    )
    processes.start("relay")
    processes.start("worker")
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: _answers(f"{url}/login") or web.popen.poll() is not None,
            timeout=60,
            interval=0.2,
            message="the web process to answer",
        )
        assert web.popen.poll() is None, web.log()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        people = {"id": DEMO_PEOPLE, "en": {role: p[0] for role, p in ENGLISH_PEOPLE.items()}}
        yield Site(url, people, DEMO_PASSWORD)
    finally:
        processes.stop_all()
        with app.app_context():
            db.session.remove()
            _empty_all_tables()
            db.session.remove()
            db.engine.dispose()
        if os.environ.get("MITRA_KEEP_BROWSER_LOGS"):
            print(f"browser test logs in {folder}")
