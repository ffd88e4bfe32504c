"""The ``openses`` command line: serve, migrate."""

from __future__ import annotations

import logging

import click
import uvicorn

from openses.app import create_app
from openses.config import Settings
from openses.store.database import make_engine, migrate


@click.group()
def main() -> None:
    """openses: a self-hostable, Amazon SES-compatible email service."""


@main.command()
@click.option("--host", default=None, help="Address to listen on (OPENSES_HOST, 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to listen on (OPENSES_PORT, 8585).")
@click.option(
    "--database",
    "database_url",
    default=None,
    help="SQLAlchemy URL (OPENSES_DATABASE_URL, sqlite:///openses.db).",
)
def serve(host: str | None, port: int | None, database_url: str | None) -> None:
    """Run the SES-compatible HTTP API."""
    settings = Settings.from_environ(host=host, port=port, database_url=database_url)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = create_app(settings)
    # uvicorn stops accepting on SIGTERM and lets requests in flight finish before exiting.
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        timeout_graceful_shutdown=30,
    )


@main.command(name="migrate")
@click.option("--database", "database_url", default=None, help="SQLAlchemy URL.")
def migrate_command(database_url: str | None) -> None:
    """Apply database migrations and exit."""
    settings = Settings.from_environ(database_url=database_url)
    migrate(make_engine(settings.database_url))
    click.echo("database is up to date")
