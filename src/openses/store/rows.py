"""Rows into records: a dataclass whose fields are named as the row's columns."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Row

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")


@functools.cache
def _field_names(record: type[DataclassInstance]) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(record) if field.init)


def record_from_row(
    record: type[R], row: Row[Any] | Mapping[Any, Any] | tuple[Any, ...], **computed: Any
) -> R:
    """A ``record`` whose every field is the row's column of the same name, but those given in
    ``computed`` (converted values, or values from elsewhere). Every field not computed must be
    a column of the row: a mapping, or a row whose columns are attributes (SQLAlchemy's, or
    the named tuples of ``queries.Query``)."""
    names = [name for name in _field_names(record) if name not in computed]
    if isinstance(row, Mapping):
        copied = {name: row[name] for name in names}
    else:
        copied = {name: getattr(row, name) for name in names}
    return record(**copied, **computed)
