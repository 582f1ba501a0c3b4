"""Page arithmetic for the API's lists and the pages' tables: counts, offsets, and hand-typed page numbers."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import Flask
from sqlalchemy import column, select, table

from mitra.api import listing
from mitra.services import paging as pages
from mitra.services.scoping import matches, sort_keys, where_given
from mitra.web import paging

ROWS = select(column("id")).select_from(table("collaborations"))


class FakeSession:
    """Answers the count and the page query as a database with `total` rows would."""

    def __init__(self, total: int):
        self.total = total
        self.pages: list[str] = []

    def scalar(self, _statement):
        return self.total

    def scalars(self, statement):
        self.pages.append(str(statement.compile(compile_kwargs={"literal_binds": True})))
        return _Rows(["row"])


class _Rows(list):
    def all(self):
        return list(self)


@pytest.fixture
def rows(monkeypatch):
    def with_total(total: int) -> FakeSession:
        session = FakeSession(total)
        fake_db = SimpleNamespace(session=session)
        monkeypatch.setattr(pages, "db", fake_db)  # the one place a page is counted and sliced
        return session

    return with_total


@pytest.fixture
def app():
    app = Flask(__name__)
    app.add_url_rule("/collaborations", "collaborations", lambda: "")
    return app


@pytest.mark.parametrize(
    ("total", "per_page", "count"),
    [(0, 25, 1), (1, 25, 1), (25, 25, 1), (26, 25, 2), (100, 25, 4), (101, 25, 5), (7, 1, 7)],
)
def test_the_number_of_pages_rounds_up_and_an_empty_list_has_one(total, per_page, count):
    assert pages.page_count(total, per_page) == count


@pytest.mark.parametrize(
    ("raw", "asked"),
    [
        (None, 1),
        ("", 1),
        ("3", 3),
        ("-4", -4),
        ("abc", 1),
        ("nan", 1),
        ("2.5", 2.5),
        ("1e20", 1e20),
        ("inf", float("inf")),
        ("9" * 31, int("9" * 31)),
        ("9" * 5000, float("inf")),  # beyond int()'s digit limit: read as a float
    ],
)
def test_a_hand_typed_page_number_is_read_however_it_is_written(raw, asked):
    assert paging.asked_page(raw) == asked


@pytest.mark.parametrize(
    ("raw", "shown", "offset"),
    [
        ("1", 1, 0),
        ("2", 2, 25),
        ("4", 4, 75),
        ("5", 4, 75),  # past the last page: the last page
        ("1e20", 4, 75),
        ("9" * 31, 4, 75),
        ("inf", 4, 75),
        ("0", 1, 0),
        ("-3", 1, 0),
        ("-inf", 1, 0),
        ("nan", 1, 0),
        ("zwei", 1, 0),
        ("2.7", 2, 25),
    ],
)
def test_a_page_number_out_of_range_shows_the_nearest_page(app, rows, raw, shown, offset):
    session = rows(100)
    with app.test_request_context(f"/collaborations?page={raw}"):
        page = paging.paginate(ROWS)
    assert (page.number, page.pages, page.total) == (shown, 4, 100)
    assert session.pages[0].endswith(f"LIMIT 25 OFFSET {offset}")


def test_an_empty_list_is_page_one_of_one(app, rows):
    rows(0)
    with app.test_request_context("/collaborations?page=7"):
        page = paging.paginate(ROWS)
    assert (page.number, page.pages) == (1, 1)


def test_a_download_takes_every_row_up_to_the_limit_on_one_page(app, rows):
    session = rows(5000)
    with app.test_request_context("/collaborations?export=collaborations&page=3"):
        page = paging.paginate(ROWS)
    assert session.pages[0].endswith(f"LIMIT {paging.EXPORT_LIMIT}")
    assert (page.number, page.total, page.per_page) == (1, 1, 1)


def test_a_page_link_keeps_the_other_query_arguments(app):
    with app.test_request_context("/collaborations?status=proposed&page=2"):
        assert paging.page_url(3) == "/collaborations?status=proposed&page=3"


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("?q=kopi", "kopi"),
        ("?q=++kopi+gayo++", "kopi gayo"),
        ("?q=kopi%00gayo", "kopi gayo"),  # PostgreSQL takes no NUL: a space instead
        ("?q=kopi%0D%0Agayo", "kopi gayo"),
        ("?q=", None),
        ("?q=%20%09", None),
        ("", None),
    ],
)
def test_search_words_are_one_trimmed_line(app, query, words):
    with app.test_request_context("/collaborations" + query):
        assert paging.search_words() == words


def test_search_words_are_cut_to_what_the_column_can_hold(app):
    with app.test_request_context("/collaborations?q=" + "a" * 300):
        assert paging.search_words() == "a" * 200
        assert paging.search_words(max_length=10) == "a" * 10


# -- the API's pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(("page", "per_page", "offset"), [(1, 20, 0), (3, 20, 40), (2, 100, 100)])
def test_an_api_page_skips_the_pages_before_it(rows, page, per_page, offset):
    session = rows(250)
    body = listing.paginate(ROWS, {"page": page, "per_page": per_page})
    assert body == {"items": ["row"], "total": 250, "page": page, "per_page": per_page}
    assert session.pages[0].endswith(f"LIMIT {per_page} OFFSET {offset}")


def test_a_search_gets_its_filters_without_the_paging():
    assert listing.filters({"page": 2, "per_page": 20, "sort": "-date", "status": "held"}) == {
        "sort": "-date",
        "status": "held",
    }


def test_every_sortable_field_sorts_both_ways():
    assert sort_keys({"date": None, "title": None}) == ["date", "-date", "title", "-title"]


@pytest.mark.parametrize(
    ("typed", "pattern"),
    [("kopi", "%kopi%"), ("100%", "%100\\%%"), ("a_b", "%a\\_b%"), ("c:\\x", "%c:\\\\x%")],
)
def test_search_words_match_literally_even_with_like_wildcards(typed, pattern):
    criterion = matches(column("title"), typed)
    assert criterion.right.value == pattern


def test_a_filter_left_out_filters_nothing():
    statement = where_given(
        ROWS, (column("status"), "held"), (column("centre_id"), None), (column("kind"), 0)
    )
    sql = str(statement.compile(compile_kwargs={"literal_binds": True}))
    assert "status = 'held'" in sql and "kind = 0" in sql  # 0 is a value, not a missing one
    assert "centre_id" not in sql
