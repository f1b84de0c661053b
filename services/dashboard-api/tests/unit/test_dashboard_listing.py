"""Listing parameters: the opaque cursor, bounding boxes, search words, settings."""

from __future__ import annotations

import pytest

from tanggap.dashboard.domain.errors import InvalidCursor, InvalidQuery
from tanggap.dashboard.domain.listing import (
    BBox,
    Cursor,
    SortKey,
    SortOrder,
    search_terms,
)
from tanggap.dashboard.settings import Settings


def test_a_cursor_round_trips_and_is_tied_to_its_order() -> None:
    cursor = Cursor(SortKey.PRIORITY, SortOrder.DESC, (4, "2026-11-30T01:00:00+00:00"), "abc")
    text = cursor.encode()
    assert Cursor.decode(text, SortKey.PRIORITY, SortOrder.DESC) == cursor
    with pytest.raises(InvalidCursor):
        Cursor.decode(text, SortKey.OPENED_AT, SortOrder.DESC)
    with pytest.raises(InvalidCursor):
        Cursor.decode(text, SortKey.PRIORITY, SortOrder.ASC)


@pytest.mark.parametrize("garbage", ["", "!!!", "bm90IGpzb24", "WzEsMiwzXQ", "W251bGxd"])
def test_a_forged_cursor_is_refused(garbage: str) -> None:
    with pytest.raises(InvalidCursor):
        Cursor.decode(garbage, SortKey.OPENED_AT, SortOrder.DESC)


def test_bounding_boxes() -> None:
    assert BBox.parse("106.0,-6.1,106.1,-5.9") == BBox(106.0, -6.1, 106.1, -5.9)
    for bad in ("106.1,-6.1,106.0,-5.9", "1,2,3", "a,b,c,d", "0,0,0,91", "nan,0,1,1"):
        with pytest.raises(InvalidQuery):
            BBox.parse(bad)


def test_search_words_never_reach_the_query_syntax() -> None:
    assert search_terms("Sampah  di Pasar-Kranggot!") == ["sampah", "di", "pasar", "kranggot"]
    assert search_terms("x:* & !y | (z)") == ["x", "y", "z"]
    with pytest.raises(InvalidQuery):
        search_terms("&&& ::")


def test_settings_refuse_unsafe_values() -> None:
    with pytest.raises(ValueError, match="jwt_secret"):
        Settings(dev_mode=False)
    with pytest.raises(ValueError, match="database_schema"):
        Settings(dev_mode=True, database_schema='x"; drop')
    assert Settings(dev_mode=True).topic_prefix == ""
    assert Settings(dev_mode=True, topic_prefix="t.").projected_topics[0] == "t.reports.submitted"
