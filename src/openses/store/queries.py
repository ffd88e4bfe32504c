"""Hot SELECTs, compiled once per dialect and run on the driver's own cursor.

SQLAlchemy's execution path (cache key, execution context, result metadata, events) costs
several times what a small indexed SELECT costs SQLite. A ``Query`` keeps SQLAlchemy for what
it does well (building the statement, compiling it for the dialect, converting column types)
and skips the rest. It runs inside the caller's transaction, on the same driver connection.
Should the driver fail, the statement is run again through SQLAlchemy, whose error handling
(wrapped exceptions, invalidating the pool on a lost connection) then applies as usual.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select
from sqlalchemy.engine import Dialect


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    positional: tuple[str, ...] | None
    defaults: dict[str, Any]
    bind_processors: tuple[tuple[str, Callable[[Any], Any]], ...]
    result_processors: tuple[tuple[int, Callable[[Any], Any]], ...]
    row: Callable[..., Any]


class Query:
    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def all(self, connection: Connection, params: Mapping[str, Any]) -> list[Any]:
        compiled = self._for(connection.dialect)
        try:
            cursor = connection.connection.driver_connection.execute(  # type: ignore[union-attr]
                compiled.sql, _bind(compiled, params)
            )
            raw_rows = cursor.fetchall()
        except connection.dialect.loaded_dbapi.Error:
            return list(connection.execute(self.statement, dict(params)).all())
        return [_row(compiled, raw) for raw in raw_rows]

    def first(self, connection: Connection, params: Mapping[str, Any]) -> Any | None:
        rows = self.all(connection, params)
        return rows[0] if rows else None

    def _for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = _compile(self.statement, dialect)
        return compiled


def _compile(statement: Select[Any], dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    binds = compiled.binds
    bind_processors = tuple(
        (name, processor)
        for name, bind in binds.items()
        if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
    )
    columns = list(statement.selected_columns)
    result_processors = tuple(
        (index, processor)
        for index, column in enumerate(columns)
        if (processor := column.type.dialect_impl(dialect).result_processor(dialect, None))
        is not None
    )
    row = namedtuple("Row", [column.key for column in columns], rename=True)  # type: ignore[misc]
    return _Compiled(
        sql=compiled.string,
        positional=tuple(compiled.positiontup or ()) if compiled.positional else None,
        defaults={name: bind.value for name, bind in binds.items() if not bind.required},
        bind_processors=bind_processors,
        result_processors=result_processors,
        row=row,
    )


def _bind(compiled: _Compiled, params: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
    values = {**compiled.defaults, **params}
    for name, processor in compiled.bind_processors:
        values[name] = processor(values[name])
    if compiled.positional is None:
        return values
    return [values[name] for name in compiled.positional]


def _row(compiled: _Compiled, raw: Sequence[Any]) -> Any:
    if not compiled.result_processors:
        return compiled.row(*raw)
    values = list(raw)
    for index, processor in compiled.result_processors:
        values[index] = processor(values[index])
    return compiled.row(*values)
