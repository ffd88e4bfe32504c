"""``openses tracking``: the keys that sign open and click links."""

from __future__ import annotations

import datetime

import click

from openses.cli_support import database, database_option, echo_table, settings_for
from openses.domain.clock import utc_now
from openses.protocol.timestamps import iso8601
from openses.store import tracking_keys as stored_keys
from openses.tracking import keys


@click.group()
def tracking() -> None:
    """Open and click tracking."""


@tracking.command(name="rotate-key")
@database_option
@click.option(
    "--grace-days",
    type=click.FloatRange(min=0),
    default=keys.DEFAULT_GRACE.days,
    show_default=True,
    help="Days older keys keep verifying links already sent; 0 retires them now.",
)
def rotate_key(database_url: str | None, grace_days: float) -> None:
    """Start signing with a new key and retire the older ones after a grace period.

    Running servers pick the new key up within 30 seconds."""
    with database(settings_for(database_url)) as engine:
        now = utc_now()
        grace = datetime.timedelta(days=grace_days)
        key_id = stored_keys.rotate(engine, now, grace)
    click.echo(f"new signing key {key_id}; older keys retire at {iso8601(now + grace)}")


@tracking.command(name="keys")
@database_option
def list_keys(database_url: str | None) -> None:
    """List signing keys (never their secrets)."""
    with database(settings_for(database_url)) as engine:
        found = stored_keys.list_keys(engine)
    echo_table(
        ("ID", "CREATED", "RETIRES"),
        [
            (
                key.id,
                iso8601(key.created_at),
                iso8601(key.retired_at) if key.retired_at else "-",
            )
            for key in found
        ],
    )
