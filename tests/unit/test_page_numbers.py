"""Page numbers without a database: how many pages a count fills, and what a hand-typed
`?page=` asks for (the service then brings it into range)."""

from __future__ import annotations

import math

import pytest

from mitra.services.paging import page_count
from mitra.web.paging import asked_page


@pytest.mark.parametrize(("total", "per_page", "pages"), [(0, 25, 1), (1, 25, 1), (25, 25, 1), (26, 25, 2)])
def test_a_count_fills_whole_pages_and_an_empty_list_has_one(total, per_page, pages):
    assert page_count(total, per_page) == pages


@pytest.mark.parametrize(
    ("raw", "asked"),
    [
        (None, 1),
        ("", 1),
        ("3", 3),
        ("-1", -1),
        ("2.5", 2.5),
        ("1e20", 1e20),
        ("inf", math.inf),
        ("abc", 1),
        ("nan", 1),
        ("%00", 1),
    ],
)
def test_a_typed_page_reads_as_a_number_or_the_first_page(raw, asked):
    assert asked_page(raw) == asked


def test_digits_beyond_what_int_reads_ask_for_the_last_page():
    assert asked_page("9" * 5000) == math.inf
