"""The job runner (issue 20): a background loop that leases open import and export jobs one
at a time and does their work. A job's row is its state: a runner that stops mid-job leaves a
lease that runs out, and the next runner (after a restart, or another instance on the same
PostgreSQL database) starts the job over. When S3 does not answer, the job waits and is tried
again; an object that cannot be read, or records in no known format, fail the job."""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field

from openses.background import BackgroundThread
from openses.domain.clock import Clock
from openses.domain.errors import ContactListNotFound
from openses.domain.job import ExportJob, ImportJob, JobStatus, MessageInsightsSource, S3Object
from openses.services import exports, imports
from openses.services.object_store import ObjectStore, ObjectStoreUnavailable, ObjectUnreadable
from openses.store import jobs as job_rows
from openses.store import leases
from openses.store.database import log_failure
from openses.store.sources import EngineSource
from openses.store.tables import jobs
from openses.store.unit_of_work import UnitOfWork

log = logging.getLogger("openses.jobs")
LEASE = datetime.timedelta(minutes=5)
RETRY = datetime.timedelta(seconds=5)


class JobFailed(Exception):
    """The job cannot be done: it ends FAILED with this message."""


@dataclass(eq=False)
class JobRunner:
    """Works the open jobs one at a time (``run`` loops over ``run_once``). Rows go through
    ``writes``, the jobs' S3 objects through ``store`` (those it writes into ``bucket``);
    setting ``wake`` ends the wait between two polls."""

    writes: EngineSource
    store: ObjectStore
    bucket: str
    clock: Clock
    _: KW_ONLY
    poll_seconds: float = 0.5
    lease: datetime.timedelta = LEASE
    wake: threading.Event = field(default_factory=threading.Event, init=False)

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                worked = self.run_once()
            except Exception as error:  # nothing ends the loop
                log_failure(log, "the job runner failed; it goes on", error)
                worked = False
            if not worked:
                self.wake.wait(self.poll_seconds)
                self.wake.clear()

    def close(self) -> None:
        pass

    def run_once(self) -> bool:
        """Lease and work one job; False when none was open."""
        engine = self.writes.engine
        claimed = job_rows.claim(engine, self.clock(), self.lease)
        if claimed is None:
            return False
        log.info("job %s (%s) started", claimed.job_id, claimed.kind)

        def unit_of_work() -> UnitOfWork:
            return UnitOfWork(self.writes, claimed.account_id, claimed.region)

        # held while it runs: a long job's lease never lapses under a live runner, so no other
        # runner (thread, process) takes it in parallel
        renewal = leases.Renewal(
            engine, jobs, [claimed.id], lease=self.lease, clock=self.clock, renew=job_rows.renew
        )
        try:
            with renewal:
                if claimed.kind == job_rows.IMPORT:
                    self._import(unit_of_work, claimed.job_id, claimed.region)
                else:
                    self._export(unit_of_work, claimed.job_id, claimed.region)
        except ObjectStoreUnavailable as error:
            log.warning("job %s waits for S3: %s", claimed.job_id, error)
            job_rows.release(self.writes.engine, claimed.job_id, self.clock() + RETRY)
        return True

    # -- imports

    def _import(self, unit_of_work: Callable[[], UnitOfWork], job_id: str, region: str) -> None:
        with unit_of_work() as uow:
            job = uow.jobs.get_import(job_id)
        try:
            if job.destination.contact_list_name is not None:
                with unit_of_work() as uow:
                    uow.contact_lists.get(job.destination.contact_list_name)
            records = imports.parse(self.store.read(region, job.source), job.data_format)
        except (ObjectUnreadable, imports.UnreadableRecords) as error:
            self._finish_import(unit_of_work, job_id, failure=str(error))
            return
        except ContactListNotFound as error:
            self._finish_import(unit_of_work, job_id, failure=error.message)
            return
        outcome = imports.apply(unit_of_work, job, records, self.clock())
        failed_object = None
        if outcome.failed:
            failed_object = imports.failed_records_object(self.bucket, job)
            data = imports.failed_records(outcome.failed, job.data_format)
            self.store.write(region, failed_object, data, job.data_format.content_type)
        self._finish_import(
            unit_of_work,
            job_id,
            processed=outcome.processed,
            failed=len(outcome.failed),
            failed_object=failed_object,
        )

    def _finish_import(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        job_id: str,
        *,
        processed: int = 0,
        failed: int = 0,
        failed_object: S3Object | None = None,
        failure: str | None = None,
    ) -> None:
        with unit_of_work() as uow:
            job: ImportJob = uow.jobs.get_import(job_id)
            if job.status is not JobStatus.PROCESSING:
                return
            job.status = JobStatus.FAILED if failure else JobStatus.COMPLETED
            job.completed_at = self.clock()
            job.processed_records, job.failed_records = processed, failed
            job.failed_records_object = failed_object
            job.error_message = failure
            uow.jobs.save_import(job)
            uow.commit()

    # -- exports

    def _export(self, unit_of_work: Callable[[], UnitOfWork], job_id: str, region: str) -> None:
        with unit_of_work() as uow:
            job: ExportJob = uow.jobs.get_export(job_id)
            if job.status is not JobStatus.PROCESSING:
                return
            messages = uow.jobs.sent_between(job.source.start, job.source.end)
        if isinstance(job.source, MessageInsightsSource):
            export = exports.message_insights(messages, job)
        else:
            export = exports.metrics(messages, job)
        result = exports.export_object(self.bucket, job)
        self.store.write(region, result, export.data, job.data_format.content_type)
        with unit_of_work() as uow:
            job = uow.jobs.get_export(job_id)
            if job.status is not JobStatus.PROCESSING:  # cancelled meanwhile
                return
            job.status = JobStatus.COMPLETED
            job.completed_at = self.clock()
            job.processed_records, job.exported_records = export.processed, export.exported
            job.result = result
            uow.jobs.save_export(job)
            uow.commit()


def thread(runner: JobRunner) -> BackgroundThread:
    return BackgroundThread(runner, "openses-jobs", wake=runner.wake.set)
