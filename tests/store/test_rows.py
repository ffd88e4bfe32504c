"""store/rows.record_from_row: a record's fields from the row's columns of the same names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pytest
from sqlalchemy import create_engine, text

from openses.store.rows import record_from_row


class Named(NamedTuple):  # as queries.Query's rows
    name: str
    total: int
    extra: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Pair:
    name: str
    total: int


def test_a_mapping_an_attribute_row_and_a_sqlalchemy_row_give_the_same_record() -> None:
    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        row = connection.execute(text("SELECT 'a' AS name, 2 AS total, 'x' AS extra")).one()
    expected = Pair(name="a", total=2)
    assert record_from_row(Pair, row) == expected
    assert record_from_row(Pair, row._mapping) == expected
    assert record_from_row(Pair, Named("a", 2, "x")) == expected
    assert record_from_row(Pair, {"name": "a", "total": 2, "extra": "x"}) == expected


def test_computed_fields_are_taken_as_given_and_need_no_column() -> None:
    assert record_from_row(Pair, {"name": "a"}, total=7) == Pair(name="a", total=7)
    assert record_from_row(Pair, {"name": "a", "total": "2"}, total=2) == Pair(name="a", total=2)


def test_a_field_without_a_column_is_an_error() -> None:
    with pytest.raises(KeyError):
        record_from_row(Pair, {"name": "a"})
