"""The composition root: every collaborator is built here, once, from Settings, and handed to
whoever needs it; nothing is found through a module-level registry.

``server()`` builds what ``openses serve`` (``app.py``) runs: engines, the handler table, the
execution modes' connection sources, the tracker, the destination check, the outbox's commit
signal, the metrics and the dispatcher. ``worker()`` builds what ``openses worker`` runs.
Tests pass the collaborators they want instead (an engine, a clock, a check, publishers).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from prometheus_client import CollectorRegistry
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from openses.api.execution import Execution
from openses.api.registry import Handlers
from openses.api.throttle import Throttle
from openses.config import Settings
from openses.delivery import bootstrap as delivery_bootstrap
from openses.delivery.worker import DeliveryWorker
from openses.domain.clock import Clock, utc_now
from openses.events import checks
from openses.events import dispatcher as event_dispatcher
from openses.events.aws import AwsClients
from openses.events.dispatcher import Dispatcher
from openses.events.metrics import OutboxCollector, PublicationMetrics
from openses.events.publishers import Publisher
from openses.events.receiving import AwsReceiving
from openses.mail.dns_records import DnsRecords
from openses.protocol.models import V1
from openses.services import quotas, receipt_runs
from openses.services.access_keys import Credentials
from openses.services.authentication import Authentication
from openses.services.configuration_sets import DestinationCheck
from openses.services.job_runner import JobRunner
from openses.services.object_store import ObjectStore, S3ObjectStore
from openses.services.outbound import Outbound
from openses.services.receipt_runs import ReceiptRunner
from openses.services.receiving import Receiver
from openses.services.return_path import ReturnDomains
from openses.services.secret_box import SecretKeyError, secret_box
from openses.smtp import tls
from openses.smtp.auth import Authenticator, OpenAuthenticator, StrictAuthenticator
from openses.smtp.handler import SubmissionHandler
from openses.smtp.inbound import InboundHandler
from openses.smtp.server import Listener, SmtpServers
from openses.store import access_keys
from openses.store.database import make_engine, make_loop_engine, migrate
from openses.store.outbox import CommitSignal
from openses.store.sources import EngineSource
from openses.tracking.links import Tracker, build_tracker

log = logging.getLogger("openses")


class FromSettings:
    """``destination_check`` left out: the one Settings ask for."""


FROM_SETTINGS = FromSettings()


@dataclass(frozen=True, slots=True, kw_only=True)
class Server:
    settings: Settings
    clock: Clock
    engine: Engine
    loop_engine: AsyncEngine | None  # PostgreSQL's asyncio engine for the event loop
    signal: CommitSignal
    # a pooled connection per unit of work, for openses' own endpoints
    reads: EngineSource
    writes: EngineSource
    dns_records: DnsRecords  # the identities' DNS check (DKIM, custom MAIL FROM)
    handlers: Handlers
    execution: Execution
    tracker: Tracker
    destination_check: DestinationCheck | None
    metrics: CollectorRegistry
    dispatcher: Dispatcher | None  # None when ``dispatch_events`` is off
    # real delivery: what the send path needs, and the worker (None: nothing to deliver or
    # forget, or OPENSES_DELIVERY_WORKER=false)
    outbound: Outbound
    delivery_worker: DeliveryWorker | None
    smtp: SmtpServers | None  # None when every SMTP port is 0
    # email receiving (issue 16 §3): the receipt rules' target check (None: unchecked)
    receipt_check: AwsReceiving | None = None
    job_runner: JobRunner | None = None  # issue 20: import and export jobs
    object_store: ObjectStore | None = None  # issue 20: their S3
    # who sent a request (issue 18): the API, openses' own endpoints and SMTP ask it
    authentication: Authentication
    throttle: Throttle | None = None  # OPENSES_THROTTLE=aws: SES's API request rates


@dataclass(frozen=True, slots=True, kw_only=True)
class Worker:
    settings: Settings
    engine: Engine
    metrics: CollectorRegistry
    dispatcher: Dispatcher
    delivery_worker: DeliveryWorker | None
    job_runner: JobRunner  # issue 20: import and export jobs, as ``serve`` runs them


def server(
    settings: Settings,
    *,
    engine: Engine | None = None,
    clock: Clock = utc_now,
    destination_check: DestinationCheck | FromSettings | None = FROM_SETTINGS,
    publishers: Mapping[str, Publisher] | None = None,
) -> Server:
    engine = engine if engine is not None else make_engine(settings.database_url)
    migrate(engine)
    loop_engine = make_loop_engine(engine)
    signal = CommitSignal()
    registry = CollectorRegistry()
    publication_metrics = PublicationMetrics(registry)
    registry.register(OutboxCollector(engine))
    check = (
        checks.destination_check(settings)
        if isinstance(destination_check, FromSettings)
        else destination_check
    )
    handlers = Handlers.discover()
    execution = Execution(
        engine,
        loop_engine.sync_engine if loop_engine is not None else engine,
        signal,
        threads=settings.database_threads,
    )
    tracker = build_tracker(engine, settings, clock)
    outbound = delivery_bootstrap.outbound(
        settings.delivery, return_path_domain=settings.return_path_domain
    )
    receiving = AwsReceiving(AwsClients(settings))
    writes = EngineSource(engine, write=True, signal=signal)
    object_store = S3ObjectStore(AwsClients(settings))  # issue 20
    authentication = Authentication(settings, credentials(settings, engine), clock)
    return Server(
        settings=settings,
        clock=clock,
        engine=engine,
        loop_engine=loop_engine,
        signal=signal,
        reads=EngineSource(engine, write=False),
        writes=writes,
        dns_records=DnsRecords(settings.dns_servers),
        handlers=handlers,
        execution=execution,
        tracker=tracker,
        destination_check=check,
        metrics=registry,
        dispatcher=event_dispatcher.build(
            engine,
            settings,
            publication_metrics,
            signal=signal,
            publishing=with_receipt_runs(
                publishers, settings, receipt_runner(engine, receiving, writes, outbound, clock)
            ),
            clock=clock,
        )
        if settings.dispatch_events
        else None,
        outbound=outbound,
        delivery_worker=delivery_bootstrap.worker(
            engine, settings.delivery, dns_servers=settings.dns_servers, signal=signal
        ),
        smtp=smtp_servers(
            settings,
            engine,
            clock,
            execution,
            handlers,
            tracker,
            outbound,
            Receiver(EngineSource(engine, write=False), writes, clock=clock),
            authentication,
        ),
        receipt_check=receiving if settings.validate_destinations else None,
        job_runner=job_runner(settings, engine, clock, object_store, signal)
        if settings.run_jobs
        else None,
        object_store=object_store,
        authentication=authentication,
        throttle=Throttle() if settings.throttle == "aws" else None,
    )


def job_runner(
    settings: Settings,
    engine: Engine,
    clock: Clock,
    object_store: ObjectStore | None = None,
    signal: CommitSignal | None = None,
) -> JobRunner:
    """The import and export jobs' runner; any number of them (servers, workers) share the
    jobs of one database, each job leased by one at a time."""
    return JobRunner(
        EngineSource(engine, write=True, signal=signal),
        object_store if object_store is not None else S3ObjectStore(AwsClients(settings)),
        settings.jobs_bucket,
        clock,
    )


def credentials(settings: Settings, engine: Engine) -> Credentials:
    """The known access keys; in strict mode read now, so that stored secrets that cannot be
    opened stop ``serve`` at start-up (``SecretKeyError``)."""
    missing: SecretKeyError | None = None
    try:
        box_open: Callable[[str], str] | None = secret_box(settings, create=False).open
    except SecretKeyError as error:
        box_open, missing = None, error  # no key yet: no stored key can have a secret
    found = Credentials(settings, engine, box_open)
    if settings.auth == "strict":
        if missing is not None and access_keys.all_keys(engine):
            raise missing
        found.load()
    return found


def smtp_servers(
    settings: Settings,
    engine: Engine,
    clock: Clock,
    execution: Execution,
    handlers: Handlers,
    tracker: Tracker,
    outbound: Outbound,
    receiver: Receiver,
    authentication: Authentication,
) -> SmtpServers | None:
    """SMTP submission, whose sends run where SendRawEmail's run, and the inbound listener
    for returns (issue 16), which the submission ports then also take; None with all ports 0."""
    listeners = [
        Listener("OPENSES_SMTP_PORT", settings.smtp_port, implicit_tls=False),
        Listener("OPENSES_SMTPS_PORT", settings.smtps_port, implicit_tls=True),
        Listener(
            "OPENSES_INBOUND_SMTP_PORT",
            settings.inbound_smtp_port,
            implicit_tls=False,
            inbound=True,
        ),
    ]
    if not any(listener.port for listener in listeners):
        return None
    certificate = tls.load(settings, engine, clock)
    log.info("SMTP certificate SHA-256 fingerprint: %s", certificate.fingerprint)
    authenticator: Authenticator
    if authentication.strict:
        authenticator = StrictAuthenticator(authentication.credentials, settings.smtp_region)
    else:
        authenticator = OpenAuthenticator(
            authentication.credentials.accounts,
            settings.default_account_id,
            settings.smtp_region,
        )
    inbound = (
        InboundHandler(
            execution,
            clock=clock,
            feedback_address=settings.feedback_address,
            return_domains=ReturnDomains(
                EngineSource(engine, write=False), settings.return_path_domain
            ),
            off_loop=False,
            receiver=receiver,
        )
        if settings.inbound_smtp_port
        else None
    )
    handler = SubmissionHandler(
        execution,
        authenticator,
        clock=clock,
        tracker=tracker,
        outbound=outbound,
        quota=quotas.policy(settings),
        off_loop=handlers.off_loop(V1, "SendRawEmail"),
        returns=inbound,
        authentication=authentication,
    )
    return SmtpServers(
        settings.host, listeners, handler, certificate.server_context(), inbound=inbound
    )


def worker(
    settings: Settings,
    engine: Engine,
    *,
    clock: Clock = utc_now,
    publishers: Mapping[str, Publisher] | None = None,
) -> Worker:
    """The dispatcher, the delivery worker and the job runner, on a migrated ``engine``; its
    metrics are the server's less the API. Its commit signal stays unraised: the worker's rows
    come from other processes, found by polling. It delivers whatever OPENSES_DELIVERY_WORKER
    says, and runs jobs whatever OPENSES_RUN_JOBS says (those settings keep the work out of
    ``serve``, not out of this command)."""
    registry = CollectorRegistry()
    registry.register(OutboxCollector(engine))
    return Worker(
        settings=settings,
        engine=engine,
        metrics=registry,
        dispatcher=event_dispatcher.build(
            engine,
            settings,
            PublicationMetrics(registry),
            signal=CommitSignal(),
            publishing=with_receipt_runs(
                publishers,
                settings,
                receipt_runner(
                    engine,
                    AwsReceiving(AwsClients(settings)),
                    EngineSource(engine, write=True),
                    delivery_bootstrap.outbound(
                        settings.delivery, return_path_domain=settings.return_path_domain
                    ),
                    clock,
                ),
            ),
            clock=clock,
        ),
        delivery_worker=delivery_bootstrap.worker(
            engine,
            dataclasses.replace(settings.delivery, worker=True),
            dns_servers=settings.dns_servers,
        ),
        job_runner=job_runner(settings, engine, clock),
    )


def receipt_runner(
    engine: Engine,
    aws: AwsReceiving,
    writes: EngineSource,
    outbound: Outbound,
    clock: Clock,
) -> ReceiptRunner:
    """Runs received mail's receipt rules, as the dispatcher's ``receipt`` publisher."""
    return ReceiptRunner(
        EngineSource(engine, write=False), writes, aws, clock=clock, outbound=outbound
    )


def with_receipt_runs(
    publishers: Mapping[str, Publisher] | None, settings: Settings, runner: ReceiptRunner
) -> dict[str, Publisher]:
    """The event publishers (``publishers``, else those ``settings`` point at) and the
    receipt runs (issue 16), which go through the same outbox."""
    chosen = publishers if publishers is not None else event_dispatcher.publishers(settings)
    return {**chosen, receipt_runs.KIND: runner}
