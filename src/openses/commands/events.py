"""``openses worker`` runs the dispatcher, the delivery worker and the job runner; ``openses
dead-letters list|retry`` for the operator. Several workers (and servers) can share one
PostgreSQL database."""

from __future__ import annotations

import json
import logging
import signal
import threading
from types import FrameType

import click
from prometheus_client import start_http_server
from sqlalchemy import Engine

from openses import bootstrap
from openses.cli_support import database, database_option, open_database, settings_for
from openses.delivery import bootstrap as delivery_bootstrap
from openses.delivery import worker as delivery_worker
from openses.domain.clock import utc_now
from openses.events.dead_letters import as_json
from openses.services import job_runner
from openses.store import publications
from openses.store.database import describe_url


@click.command()
@database_option
@click.option("--metrics-port", type=int, default=None, help="Serve Prometheus /metrics here.")
def worker(database_url: str | None, metrics_port: int | None) -> None:
    """Publish recorded events to their event destinations, deliver queued mail in relay and
    mx mode, and run import and export jobs, until SIGTERM or SIGINT."""
    settings = settings_for(database_url)
    try:  # issue 15: the delivery worker's settings, checked before anything starts
        delivery_bootstrap.route_table(settings.delivery)
    except delivery_bootstrap.DeliverySettingsError as error:
        raise click.ClickException(str(error)) from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    engine = open_database(settings, create=False)
    root = bootstrap.worker(settings, engine)
    if metrics_port is not None:
        start_http_server(metrics_port, addr=settings.host, registry=root.metrics)
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    running = root.dispatcher
    logging.getLogger("openses.events").info(
        "dispatching events from %s", describe_url(settings.database_url)
    )
    # the delivery worker beside the dispatcher
    delivering = root.delivery_worker
    delivery_thread = delivery_worker.thread(delivering) if delivering is not None else None
    if delivery_thread is not None:
        delivery_thread.start()
    jobs_thread = job_runner.thread(root.job_runner)  # issue 20: import and export jobs
    jobs_thread.start()
    try:
        running.run(stop)
    finally:
        jobs_thread.stop()
        if delivery_thread is not None:
            delivery_thread.stop()
        running.close()
        engine.dispose()


@click.group(name="dead-letters")
def dead_letters() -> None:
    """Publications the dispatcher gave up on."""


@dead_letters.command(name="list")
@database_option
def list_command(database_url: str | None) -> None:
    """Print the dead letters as a JSON list."""
    with database(settings_for(database_url)) as engine:
        click.echo(json.dumps([as_json(row) for row in publications.list_dead(engine)], indent=2))


@dead_letters.command(name="retry")
@database_option
@click.option("--all", "retry_all", is_flag=True, help="Retry every dead letter.")
@click.argument("ids", nargs=-1, type=int)
def retry_command(database_url: str | None, retry_all: bool, ids: tuple[int, ...]) -> None:
    """Queue dead letters (by id, or --all) to be published again. An id that is not a dead
    letter fails the command and queues none."""
    if not ids and not retry_all:
        raise click.UsageError("name the dead letters' ids, or pass --all")
    with database(settings_for(database_url)) as engine:
        count = _retry(engine, None if retry_all else sorted(set(ids)))
    click.echo(f"{count} dead letter{'s' if count != 1 else ''} queued again")


def _retry(engine: Engine, ids: list[int] | None) -> int:
    if ids is not None:
        dead = {row.id for row in publications.list_dead(engine, ids=ids)}
        missing = [str(i) for i in ids if i not in dead]
        if missing:
            raise click.ClickException(
                f"no dead letter with id {', '.join(missing)} (see `openses dead-letters list`);"
                " none queued"
            )
    return publications.retry_dead(engine, utc_now(), ids)
