"""Every page answers for the roles it serves, in Indonesian (the default) and in English,
and answers 404 to the roles it does not serve."""

from __future__ import annotations

import pytest

from tests.web.pages import ANONYMOUS_PAGES, NOT_FOR, PAGES

MARKERS = {"id": ("Keluar", 'lang="id"'), "en": ("Sign out", 'lang="en"')}


def _pages(role, ids):
    return [p.format(**ids) for p in PAGES[role]]


@pytest.mark.parametrize("role", list(PAGES))
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_page_renders_in_both_languages(world, ids, role, lang):
    visitor = world.visitor(role)
    for path in _pages(role, ids):
        joiner = "&" if "?" in path else "?"
        response = visitor.get(f"{path}{joiner}lang={lang}")
        assert response.status_code == 200, (path, response.status_code)
        assert response.mimetype == "text/html"
        for marker in MARKERS[lang]:
            assert marker in response.text, (path, marker)


def test_indonesian_is_the_default_and_the_profile_chooses(world, ids):
    visitor = world.visitor("manager")
    assert 'lang="id"' in visitor.get("/centre").text
    english = world.visitor("other_partner")  # language "en" in the profile
    assert 'lang="en"' in english.get("/inbox").text


@pytest.mark.parametrize("lang", ["id", "en"])
def test_anonymous_pages_render_in_both_languages(world, lang):
    visitor = world.visitor()
    for path in ANONYMOUS_PAGES:
        response = visitor.get(f"{path}?lang={lang}")
        assert response.status_code == 200
        assert f'lang="{lang}"' in response.text


def test_an_anonymous_language_choice_holds_for_the_visit(world):
    visitor = world.visitor()
    visitor.get("/login?lang=en")
    assert "Forgotten password" in visitor.get("/account/reset").text
    assert "Sign in to Mitra" in visitor.get("/login").text
    visitor.get("/login?lang=id")
    assert "Masuk ke Mitra" in visitor.get("/login").text


@pytest.mark.parametrize("role", list(NOT_FOR))
def test_pages_outside_a_role_are_not_found(world, ids, role):
    visitor = world.visitor(role)
    for path in NOT_FOR[role]:
        assert visitor.get(path.format(**ids)).status_code == 404, path


def test_signed_out_visitors_are_sent_to_login_and_back(world, ids):
    visitor = world.visitor()
    response = visitor.get("/inbox?status=proposed")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    signed_in = visitor.post(
        "/login?next=/inbox?status%3Dproposed",
        {"email": "mitra.bank@mitra.test", "password": "correct horse battery"},
    )
    assert signed_in.headers["Location"] == "/inbox?status=proposed"


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example/x", "https://evil.example/"])
def test_next_never_leaves_the_site(world, target):
    visitor = world.visitor()
    response = visitor.post(
        f"/login?next={target}", {"email": "mitra.bank@mitra.test", "password": "correct horse battery"}
    )
    assert response.headers["Location"] == "/"


def test_unknown_pages_get_a_translated_404_and_the_api_keeps_json(world):
    visitor = world.visitor()
    page = visitor.get("/tidak-ada")
    assert page.status_code == 404 and "Halaman tidak ditemukan" in page.text
    api = visitor.get("/api/v1/tidak-ada")
    assert api.status_code == 404 and api.is_json
