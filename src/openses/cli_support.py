"""What every ``openses`` command shares: the ``--database`` option, opening the database with
one clear line instead of a traceback when it cannot be used, and aligned tables."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import click
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from openses.config import Settings, SettingsError
from openses.store.database import (
    DatabaseUrlError,
    describe_url,
    make_engine,
    migrate,
    sqlite_path,
)

F = TypeVar("F", bound=Callable[..., Any])

DATABASE_HELP = (
    "Database URL: sqlite:///PATH or postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE "
    "(default: OPENSES_DATABASE_URL, else sqlite:///openses.db)."
)


def database_option(command: F) -> F:
    """``--database URL``, the same on every command."""
    return click.option(
        "--database", "database_url", default=None, metavar="URL", help=DATABASE_HELP
    )(command)


def settings_for(database_url: str | None, **overrides: Any) -> Settings:
    """Settings from the environment with the command line's values; a bad variable or a URL
    openses cannot take ends the command with one line."""
    try:
        settings = Settings.from_environ(database_url=database_url, **overrides)
    except SettingsError as error:
        raise click.ClickException(str(error)) from None
    try:
        describe_url(settings.database_url)
    except DatabaseUrlError as error:
        raise click.ClickException(str(error)) from None
    return settings


def open_database(settings: Settings, *, create: bool) -> Engine:
    """The engine on an up-to-date schema. Without ``create``, a missing SQLite file is an
    error (a mistyped path must not leave an empty database behind); a database that cannot
    be reached or opened is one line, not a traceback."""
    path = sqlite_path(settings.database_url)
    if not create and path is not None and not path.exists():
        raise click.ClickException(
            f"no openses database at {path}: pass --database (or set OPENSES_DATABASE_URL) to "
            "the one `openses serve` uses"
        )
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
    except SQLAlchemyError as error:
        engine.dispose()
        raise click.ClickException(unusable(settings.database_url, error)) from None
    return engine


@contextmanager
def database(settings: Settings, *refused: type[Exception]) -> Iterator[Engine]:
    """An existing database (``open_database`` without ``create``) for a command's work,
    disposed of after it; an error of the ``refused`` types ends the command with its message."""
    engine = open_database(settings, create=False)
    try:
        yield engine
    except refused as error:
        raise click.ClickException(str(error)) from None
    finally:
        engine.dispose()


def unusable(database_url: str, error: SQLAlchemyError) -> str:
    """One line: which database, and the driver's own reason."""
    if isinstance(error, DBAPIError) and error.orig is not None:
        reason = str(error.orig)
    else:
        reason = str(error.args[0]) if error.args else type(error).__name__
    reason = " ".join(reason.split())
    return f"cannot use the database ({describe_url(database_url)}): {reason}"


def echo_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Columns padded to their widest cell, two spaces apart."""
    lines = [[str(cell) for cell in header], *[[str(cell) for cell in row] for row in rows]]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )
