"""Engines for SQLite and PostgreSQL, and schema migration at start-up."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

if TYPE_CHECKING:  # imported when needed: SQLite alone does without its 9 MB
    from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant works: it only has to be the same for every openses process sharing a database.
_MIGRATION_LOCK_ID = 0x0E5E5
# SQLite connections cost no server: keep enough for the request threads (anyio allows 40) so
# that a busy moment reuses pooled connections instead of opening one per request (each open
# runs the PRAGMAs below); LIFO keeps the warm ones in use.
_SQLITE_POOL: dict[str, Any] = {"pool_size": 20, "max_overflow": 20, "pool_use_lifo": True}

# JSON columns hold openses' own option documents: orjson reads and writes them several times
# faster than the standard library.
_JSON_CODEC: dict[str, Any] = {
    "json_serializer": lambda value: orjson.dumps(value).decode(),
    "json_deserializer": orjson.loads,
}


# SQLite's own words for a database that cannot serve for now, as opposed to a bad statement
# (which SQLite reports as an OperationalError too: "no such table", "syntax error", ...).
_SQLITE_UNAVAILABLE = (
    "database is locked",
    "disk i/o error",
    "database or disk is full",
    "readonly database",
    "unable to open database file",
)


def unavailable(error: BaseException) -> str | None:
    """Why the database cannot serve right now (gone away, restarting, refusing connections,
    full, read-only, every pooled connection taken), in one line; None for any other error,
    which is a bug of ours and keeps its traceback."""
    if isinstance(error, PoolTimeout):
        return "every database connection is in use"
    if isinstance(error, ConnectionError):
        return " ".join(str(error).split()) or type(error).__name__
    if not isinstance(error, DBAPIError):
        return None
    reason = " ".join(str(error.orig if error.orig is not None else error).split())
    if error.connection_invalidated or isinstance(error, InterfaceError):
        return reason
    if isinstance(error, OperationalError):
        sqlite = type(error.orig).__module__.startswith("sqlite3")
        if not sqlite or any(words in reason.lower() for words in _SQLITE_UNAVAILABLE):
            return reason
    return None


def log_failure(logger: logging.Logger, what: str, error: BaseException) -> None:
    """Log that ``what`` failed: one warning line when the database is unavailable (it comes
    back by itself), else the traceback of a bug."""
    reason = unavailable(error)
    if reason is None:
        logger.error("%s", what, exc_info=error)
    else:
        logger.warning("%s: the database is unavailable: %s", what, reason)


# The URL schemes openses takes; it picks the drivers itself (psycopg, and asyncpg on the loop).
_SCHEMES = {
    "sqlite": "sqlite",
    "sqlite+pysqlite": "sqlite",
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
}


class DatabaseUrlError(ValueError):
    """A database URL openses cannot use; the message says what it takes instead."""


def normalize_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here, the driver openses installs. Any scheme other
    than SQLite's and PostgreSQL's is refused with DatabaseUrlError."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUrlError(
            f"{url!r} is not a database URL; openses takes sqlite:///PATH or "
            "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
        ) from None
    scheme = _SCHEMES.get(parsed.drivername)
    if scheme is None:
        raise DatabaseUrlError(
            f"openses does not take {parsed.drivername}:// database URLs; use sqlite:///PATH or "
            "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE (openses picks its own drivers)"
        )
    return parsed.set(drivername=scheme).render_as_string(hide_password=False)


def describe_url(url: str) -> str:
    """The database as a log line may show it: an SQLite file's absolute path, a PostgreSQL
    URL without its password."""
    parsed = make_url(normalize_url(url))
    if parsed.drivername == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            return "SQLite in memory"
        return f"SQLite {Path(parsed.database).resolve()}"
    shown = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query={k: v for k, v in parsed.query.items() if k not in ("password", "sslpassword")},
    )
    return f"PostgreSQL {shown.render_as_string(hide_password=False)}"


def sqlite_path(url: str) -> Path | None:
    """The absolute path of an SQLite URL's file; None for PostgreSQL and in-memory SQLite."""
    parsed = make_url(normalize_url(url))
    if parsed.drivername != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).resolve()


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        in_memory = make_url(url).database in (None, "", ":memory:")
        pool = {} if in_memory else _SQLITE_POOL
        engine = create_engine(url, connect_args={"timeout": 30}, **_JSON_CODEC, **pool)
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    # No pre-ping: it costs a round trip per request. A connection that died with the server
    # fails one request (an InternalFailure the SDKs retry), and SQLAlchemy then drops the pool.
    return create_engine(url, pool_size=20, max_overflow=10, pool_recycle=1800, **_JSON_CODEC)


# The URL parameters asyncpg's own DSN parser takes as libpq does. It would send any other one
# to the server as a setting: a URL with another libpq parameter (keepalives, gssencmode, ...)
# gives the loop psycopg's asyncio connections instead, slower but libpq itself. Settings the
# server takes at connection (application_name, options, search_path) are fine either way.
_ASYNCPG_TAKES = frozenset(
    {
        "host", "port", "user", "password", "passfile", "dbname", "database", "service",
        "sslmode", "sslcert", "sslkey", "sslrootcert", "sslcrl", "sslpassword", "sslnegotiation",
        "ssl_min_protocol_version", "ssl_max_protocol_version", "target_session_attrs",
        "krbsrvname", "gsslib", "application_name", "options", "search_path",
    }
)  # fmt: skip


def make_loop_engine(engine: Engine) -> AsyncEngine | None:
    """For PostgreSQL, an engine on asyncio connections, for the work the event loop runs
    itself (``api/gateway.py``): while one request waits on the server, the loop serves the
    others. Its connections are used through the usual synchronous API, from code run by
    SQLAlchemy's ``greenlet_spawn``. None on SQLite, whose statements do not wait on a peer.

    asyncpg rather than psycopg's own asyncio mode where the URL allows: it costs the loop less
    (under wrk, Gets 3,734 against 2,907 a second, sends 708 against 582). asyncpg reads the URL
    as a libpq connection string itself; ``connect_timeout`` becomes its ``timeout``."""
    if engine.dialect.name != "postgresql":
        return None
    from sqlalchemy.ext.asyncio import create_async_engine

    options: dict[str, Any] = {"pool_size": 20, "max_overflow": 10, "pool_recycle": 1800}
    query = dict(engine.url.query)
    timeout = query.pop("connect_timeout", None)
    if not set(query) <= _ASYNCPG_TAKES:
        url = engine.url.set(drivername="postgresql+psycopg_async")
        return create_async_engine(url, **options, **_JSON_CODEC)
    import asyncpg

    dsn = engine.url.set(drivername="postgresql", query=query).render_as_string(hide_password=False)
    connect_options = {} if timeout is None else {"timeout": float(str(timeout))}

    async def connect() -> Any:
        return await asyncpg.connect(dsn, **connect_options)

    return create_async_engine(
        "postgresql+asyncpg://", async_creator=connect, **options, **_JSON_CODEC
    )


def driver(connection: Connection) -> Any:
    """The DB-API connection under ``connection``, for statements run past SQLAlchemy (on the
    loop engine, SQLAlchemy's adapter, which waits for asyncpg inside the greenlet)."""
    return connection.connection.dbapi_connection


def reading(engine: Engine) -> Connection:
    """A connection for reads only: on SQLite it does not queue behind the write lock."""
    return engine.connect().execution_options(openses_write=False)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself, so writers can take the lock up front.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _begin_sqlite(connection: Connection) -> None:
    """Writers begin IMMEDIATE: a deferred writer that must upgrade its lock fails at once."""
    sqlite = driver(connection)
    if sqlite.in_transaction:
        return  # a read's snapshot, begun on the driver by the unit of work
    write = connection.get_execution_options().get("openses_write", True)
    # Straight to the driver: SQLAlchemy's statement machinery costs ten times the BEGIN itself.
    sqlite.execute("BEGIN IMMEDIATE" if write else "BEGIN")


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; concurrent starters wait for each other."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID}
            )
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
