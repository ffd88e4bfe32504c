"""Hot statements, compiled once per dialect and run on the driver's own cursor.

SQLAlchemy's execution path (cache key, execution context, result metadata, events) costs
several times what a small indexed SELECT costs SQLite. A ``Query`` keeps SQLAlchemy for what
it does well (building the statement, compiling it for the dialect, converting column types)
and skips the rest. It runs inside the caller's transaction, on the same driver connection.
Should the driver fail, the statement is run again through SQLAlchemy, whose error handling
(wrapped exceptions, invalidating the pool on a lost connection) then applies as usual.

``Insert`` writes rows the same way on SQLite, where a send's rows are most of its cost. It is
never run twice: a driver error is raised as the exception SQLAlchemy would have raised.
PostgreSQL inserts go through SQLAlchemy, whose batching saves the round trips that matter there.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, Table, UpdateBase, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler

from openses.store.database import driver


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    positional: tuple[str, ...] | None
    defaults: dict[str, Any]
    bind_processors: tuple[tuple[str, Callable[[Any], Any]], ...]
    result_processors: tuple[tuple[int, Callable[[Any], Any]], ...]
    row: Callable[..., Any]


class Query:
    """A SELECT, or a write whose RETURNING rows are wanted (an upsert's new count)."""

    def __init__(self, statement: Select[Any] | UpdateBase) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, str], _Compiled] = {}

    def all(self, connection: Connection, params: Mapping[str, Any]) -> list[Any]:
        compiled = self._for(connection.dialect)
        try:
            cursor = driver(connection).execute(compiled.sql, _bind(compiled, params))
            raw_rows = cursor.fetchall()
        except connection.dialect.loaded_dbapi.Error:
            return list(connection.execute(self.statement, dict(params)).all())
        return [_row(compiled, raw) for raw in raw_rows]

    def first(self, connection: Connection, params: Mapping[str, Any]) -> Any | None:
        rows = self.all(connection, params)
        return rows[0] if rows else None

    def _for(self, dialect: Dialect) -> _Compiled:
        # by driver too: psycopg and asyncpg (store/database.py) differ in parameter style
        key = (dialect.name, dialect.driver)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = _compile(self.statement, dialect)
        return compiled


class Insert:
    """Whole rows into one table; the columns are those of the rows given (all rows alike)."""

    def __init__(self, table: Table) -> None:
        self.statement = insert(table)
        self._compiled: dict[tuple[str, ...], _Compiled] = {}

    def run(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows:
            return
        dialect = connection.dialect
        statement = self._statement(dialect.name)
        if dialect.name != "sqlite":
            connection.execute(statement, list(rows))
            return
        columns = tuple(rows[0])
        compiled = self._compiled.get(columns)
        if compiled is None:
            compiled = self._compiled[columns] = _compile(
                statement,
                dialect,
                statement.compile(dialect=dialect, column_keys=columns),
            )
        values = [_bind(compiled, row) for row in rows]
        try:
            driver(connection).executemany(compiled.sql, values)
        except dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(
                compiled.sql, values, error, dialect.loaded_dbapi.Error, dialect=dialect
            ) from error

    def _statement(self, dialect_name: str) -> Any:
        return self.statement


class Upsert(Insert):
    """Whole rows into a table with a primary key; a row whose key is taken updates the stored
    one instead: its ``add`` columns by the new values, its ``replace`` columns to them. SQLite
    and PostgreSQL share the syntax (``INSERT ... ON CONFLICT ... DO UPDATE``)."""

    def __init__(
        self, table: Table, *, add: Sequence[str] = (), replace: Sequence[str] = ()
    ) -> None:
        super().__init__(table)
        self._statements = {
            name: _upsert(module.insert(table), table, add, replace)
            for name, module in (("sqlite", sqlite), ("postgresql", postgresql))
        }

    def _statement(self, dialect_name: str) -> Any:
        return self._statements[dialect_name]


def _upsert(statement: Any, table: Table, add: Sequence[str], replace: Sequence[str]) -> Any:
    excluded = statement.excluded
    changes = {name: table.c[name] + excluded[name] for name in add}
    changes.update({name: excluded[name] for name in replace})
    return statement.on_conflict_do_update(
        index_elements=[column.name for column in table.primary_key.columns], set_=changes
    )


def _compile(statement: Any, dialect: Dialect, compiled: Any = None) -> _Compiled:
    """``compiled``: the statement already compiled (an INSERT names its columns)."""
    sql: SQLCompiler = compiled if compiled is not None else statement.compile(dialect=dialect)
    binds = sql.binds
    bind_processors = tuple(
        (name, processor)
        for name, bind in binds.items()
        if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
    )
    # a SELECT's columns, or a write's RETURNING columns (none for a plain INSERT)
    columns = (
        list(statement.selected_columns)
        if isinstance(statement, Select)
        else list(getattr(statement, "exported_columns", ()))
    )
    result_processors = tuple(
        (index, processor)
        for index, column in enumerate(columns)
        if (processor := column.type.dialect_impl(dialect).result_processor(dialect, None))
        is not None
    )
    row = namedtuple("Row", [column.key for column in columns], rename=True)  # type: ignore[misc]
    return _Compiled(
        sql=sql.string,
        positional=tuple(sql.positiontup or ()) if sql.positional else None,
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
