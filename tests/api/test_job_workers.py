"""Import and export jobs run by ``openses worker`` as well as ``serve`` (issue 20): several
runners on one database never run one job twice in parallel, even when a job outlasts its
lease (the lease is renewed while it runs)."""

from __future__ import annotations

import dataclasses
import datetime
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openses.config import Settings
from openses.domain.clock import utc_now
from openses.domain.job import S3Object
from openses.events.aws import AwsClients
from openses.services.job_runner import JobRunner
from openses.services.object_store import S3ObjectStore
from openses.store.database import make_engine
from openses.store.sources import EngineSource
from tests.peer import AwsPeer, aws_peer
from tests.support import LiveServer, database_url, fresh_account, serve_in_thread, unique

JOBS = 6


# the job runner's thread outlives each test's environment
pytestmark = pytest.mark.usefixtures("_credentials")


@pytest.fixture(scope="module")
def peer() -> Iterator[AwsPeer]:
    with aws_peer() as running:
        yield running


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    with database_url(backend, str(tmp_path)) as url:
        yield url


def _settings(url: str, peer: AwsPeer) -> Settings:
    """A server that leaves the jobs to the workers (OPENSES_RUN_JOBS=false)."""
    return Settings(
        database_url=url,
        aws_endpoint_url=peer.url,
        validate_destinations=False,
        dispatch_events=False,
        smtp_port=0,
        smtps_port=0,
        run_jobs=False,
    )


def _create_imports(live: LiveServer, peer: AwsPeer, key: str, count: int = JOBS) -> dict[str, str]:
    """``count`` suppression-list imports, one address each: job id -> address."""
    bucket = unique("data")
    peer.client("s3").create_bucket(Bucket=bucket)
    sesv2 = live.client("sesv2", access_key=key)
    created = {}
    for i in range(count):
        address = f"worker{i}-{unique('a')}@example.com"
        body = f'{{"emailAddress": "{address}", "reason": "BOUNCE"}}\n'
        peer.client("s3").put_object(Bucket=bucket, Key=f"{i}.json", Body=body.encode())
        job_id = sesv2.create_import_job(
            ImportDestination={
                "SuppressionListDestination": {"SuppressionListImportAction": "PUT"}
            },
            ImportDataSource={"S3Url": f"s3://{bucket}/{i}.json", "DataFormat": "JSON"},
        )["JobId"]
        created[job_id] = address
    return created


def _wait_completed(sesv2: Any, job_ids: list[str], deadline: float = 60) -> list[str]:
    end = time.monotonic() + deadline
    while True:
        statuses = [sesv2.get_import_job(JobId=job_id)["JobStatus"] for job_id in job_ids]
        if all(s in ("COMPLETED", "FAILED") for s in statuses) or time.monotonic() > end:
            return statuses
        time.sleep(0.2)


def test_openses_worker_runs_the_jobs(
    backend: str, db_url: str, tmp_path: Path, peer: AwsPeer
) -> None:
    """``serve`` with OPENSES_RUN_JOBS=false leaves the jobs CREATED; ``openses worker``
    processes (two on PostgreSQL) run each exactly once."""
    key = fresh_account()
    with serve_in_thread(_settings(db_url, peer)) as live:
        sesv2 = live.client("sesv2", access_key=key)
        created = _create_imports(live, peer, key)
        time.sleep(1.0)  # serve would have taken them by now
        assert {sesv2.get_import_job(JobId=j)["JobStatus"] for j in created} == {"CREATED"}

        log = tmp_path / "workers.log"
        env = {
            **os.environ,
            "OPENSES_DATABASE_URL": db_url,
            "OPENSES_AWS_ENDPOINT_URL": peer.url,
            "OPENSES_VALIDATE_DESTINATIONS": "false",
        }
        count = 2 if backend == "postgresql" else 1
        with log.open("ab") as output:
            workers = [
                subprocess.Popen(
                    [sys.executable, "-m", "openses", "worker"],
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
                for _ in range(count)
            ]
        try:
            statuses = _wait_completed(sesv2, list(created))
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            codes = [worker.wait(timeout=30) for worker in workers]
        assert codes == [0] * count, log.read_text()
        assert statuses == ["COMPLETED"] * JOBS, log.read_text()
        for job_id, address in created.items():
            assert sesv2.get_import_job(JobId=job_id)["ProcessedRecordsCount"] == 1
            suppressed = sesv2.get_suppressed_destination(EmailAddress=address)
            assert suppressed["SuppressedDestination"]["Reason"] == "BOUNCE"
        started = Counter(re.findall(r"job (\S+) \(IMPORT\) started", log.read_text()))
        assert started == Counter(dict.fromkeys(created, 1)), log.read_text()


@dataclasses.dataclass
class SlowStore:
    """The real S3 store, slowed: each read takes longer than three leases."""

    store: S3ObjectStore
    seconds: float
    reads: Counter[str] = dataclasses.field(default_factory=Counter)
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def read(self, region: str, location: S3Object) -> bytes:
        with self.lock:
            self.reads[location.key] += 1
        time.sleep(self.seconds)
        return self.store.read(region, location)

    def write(self, region: str, location: S3Object, data: bytes, content_type: str) -> None:
        self.store.write(region, location, data, content_type)

    def url(self, region: str, location: S3Object) -> str:
        return self.store.url(region, location)


def test_a_job_longer_than_its_lease_runs_once(db_url: str, peer: AwsPeer) -> None:
    """Two runners with a 1.5 s lease and reads that take three leases: the lease is renewed
    (every 0.5 s) while a job runs, so the other runner never takes it too. The lease is no
    shorter so that a loaded machine's scheduling delays cannot make it lapse."""
    key = fresh_account()
    settings = _settings(db_url, peer)
    with serve_in_thread(settings) as live:
        sesv2 = live.client("sesv2", access_key=key)
        created = _create_imports(live, peer, key, count=4)
        engine = make_engine(db_url)
        slow = SlowStore(S3ObjectStore(AwsClients(settings)), seconds=4.5)
        runners = [
            JobRunner(
                EngineSource(engine, write=True),
                slow,
                settings.jobs_bucket,
                utc_now,
                poll_seconds=0.05,
                lease=datetime.timedelta(seconds=1.5),
            )
            for _ in range(2)
        ]
        stop = threading.Event()
        threads = [threading.Thread(target=r.run, args=(stop,), daemon=True) for r in runners]
        for thread in threads:
            thread.start()
        try:
            statuses = _wait_completed(sesv2, list(created), deadline=90)
        finally:
            stop.set()
            for thread in threads:
                thread.join(30)
            engine.dispose()
        assert statuses == ["COMPLETED"] * len(created)
        assert sorted(slow.reads.values()) == [1] * len(created)
