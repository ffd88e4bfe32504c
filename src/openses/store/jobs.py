"""The import- and export-job repository, and the lease the job runner takes on an open job:
the only code that reads or writes the jobs table."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Row, insert, or_, select, update

from openses.domain.errors import JobNotFound
from openses.domain.job import (
    OPEN_STATUSES,
    DataFormat,
    ExportJob,
    ExportMetric,
    ExportSource,
    ExportSourceType,
    ImportAction,
    ImportDestination,
    ImportJob,
    InsightsFilters,
    JobStatus,
    MessageInsightsSource,
    MetricsSource,
    S3Object,
)
from openses.store import insights, leases
from openses.store.database import reading
from openses.store.insights import SentMessage
from openses.store.repository import AccountRegionRepository
from openses.store.tables import jobs

IMPORT, EXPORT = "IMPORT", "EXPORT"
Json = dict[str, Any]


class JobRepository(AccountRegionRepository):
    def _scope(self, kind: str) -> Any:
        return self._owned(jobs) & (jobs.c.kind == kind)

    # -- imports

    def add_import(self, job: ImportJob) -> None:
        self._insert(IMPORT, job.job_id, job.created_at, *_import_values(job))

    def get_import(self, job_id: str) -> ImportJob:
        return _import_job(self._row(IMPORT, job_id))

    def save_import(self, job: ImportJob) -> None:
        self._save(job.job_id, _import_result(job), job.processed_records, job.failed_records, job)

    def list_imports(
        self, *, contact_list: bool | None, after: str | None, limit: int
    ) -> list[ImportJob]:
        """Oldest first; ``contact_list``: only contact-list (True) or suppression-list (False)
        jobs, or both (None)."""
        rows = self._page(IMPORT, after=after, limit=None if contact_list is not None else limit)
        found = [_import_job(row) for row in rows]
        if contact_list is not None:
            wanted = [
                j for j in found if (j.destination.contact_list_name is not None) is contact_list
            ]
            return wanted[:limit]
        return found

    # -- exports

    def add_export(self, job: ExportJob) -> None:
        self._insert(EXPORT, job.job_id, job.created_at, *_export_values(job))

    def get_export(self, job_id: str) -> ExportJob:
        return _export_job(self._row(EXPORT, job_id))

    def save_export(self, job: ExportJob) -> None:
        result = _drop_none(
            {"object": str(job.result) if job.result else None, "error": job.error_message}
        )
        self._save(job.job_id, result, job.processed_records, job.exported_records, job)

    def list_exports(
        self,
        *,
        source_type: ExportSourceType | None,
        status: JobStatus | None,
        after: str | None,
        limit: int,
    ) -> list[ExportJob]:
        filtered = source_type is not None or status is not None
        rows = self._page(EXPORT, after=after, limit=None if filtered else limit, status=status)
        found = [_export_job(row) for row in rows]
        if source_type is not None:
            found = [job for job in found if job.source_type is source_type]
        return found[:limit]

    def sent_between(self, start: datetime.datetime, end: datetime.datetime) -> list[SentMessage]:
        """The account's messages of an export's interval, with their events."""
        return insights.sent_between(self._connection, self._account_id, self._region, start, end)

    # -- shared

    def _insert(
        self, kind: str, job_id: str, created_at: datetime.datetime, source: Json, target: Json
    ) -> None:
        self._connection.execute(
            insert(jobs),
            {
                "job_id": job_id,
                **self._scope_params,
                "kind": kind,
                "status": JobStatus.CREATED,
                "source": source,
                "destination": target,
                "created_at": created_at,
                "processed_records": 0,
                "failed_records": 0,
            },
        )

    def _row(self, kind: str, job_id: str) -> Row[Any]:
        row = self._connection.execute(
            select(jobs).where(self._scope(kind), jobs.c.job_id == job_id)
        ).first()
        if row is None:
            raise JobNotFound(job_id)
        return row

    def _save(
        self, job_id: str, result: Json, processed: int, second: int, job: ImportJob | ExportJob
    ) -> None:
        values: Json = {
            "status": job.status,
            "completed_at": job.completed_at,
            "processed_records": processed,
            "failed_records": second,
            "result": result or None,
        }
        if job.status not in OPEN_STATUSES:
            values["locked_until"] = None
        self._connection.execute(update(jobs).where(jobs.c.job_id == job_id).values(**values))

    def _page(
        self, kind: str, *, after: str | None, limit: int | None, status: JobStatus | None = None
    ) -> list[Row[Any]]:
        query = select(jobs).where(self._scope(kind))
        if status is not None:
            query = query.where(jobs.c.status == status)
        if after is not None:
            start = self._connection.execute(
                select(jobs.c.id).where(self._scope(kind), jobs.c.job_id == after)
            ).scalar()
            query = query.where(jobs.c.id > (start if start is not None else -1))
        query = query.order_by(jobs.c.id)
        if limit is not None:
            query = query.limit(limit)
        return list(self._connection.execute(query))


# -- the runner's lease -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int  # the row's, which the lease's renewal names
    job_id: str
    account_id: str
    region: str
    kind: str


def claim(engine: Engine, now: datetime.datetime, lease: datetime.timedelta) -> Claimed | None:
    """Lease the oldest open job no worker holds (or whose worker's lease ran out) and mark it
    PROCESSING; None when there is none."""
    c = jobs.c
    free = (c.status.in_(list(OPEN_STATUSES)), or_(c.locked_until.is_(None), c.locked_until <= now))
    values = {"status": JobStatus.PROCESSING, "locked_until": now + lease}
    taken = leases.take(engine, jobs, free, order_by=(c.id,), limit=1, values=values)
    if not taken:
        return None
    row = taken[0]
    return Claimed(row.id, row.job_id, row.account_id, row.region, row.kind)


# ``leases.Renew`` for the jobs table: a job is held while PROCESSING under a lease that has not
# run out (a finished job has none; a lapsed one may be another runner's).
renew = leases.renewal_of(JobStatus.PROCESSING, ("locked_until",))


def release(engine: Engine, job_id: str, retry_at: datetime.datetime) -> None:
    """Give the job back for another attempt at ``retry_at`` (its source could not be read)."""
    with engine.begin() as connection:
        connection.execute(
            update(jobs)
            .where(jobs.c.job_id == job_id, jobs.c.status == JobStatus.PROCESSING)
            .values(locked_until=retry_at)
        )


def status_of(engine: Engine, job_id: str) -> JobStatus | None:
    with reading(engine) as connection:
        found = connection.execute(select(jobs.c.status).where(jobs.c.job_id == job_id)).scalar()
    return None if found is None else JobStatus(found)


# -- row <-> domain -------------------------------------------------------------------------------


def _drop_none(values: Json) -> Json:
    return {k: v for k, v in values.items() if v is not None}


def _import_values(job: ImportJob) -> tuple[Json, Json]:
    source = {"url": str(job.source), "format": job.data_format}
    target = _drop_none(
        {"action": job.destination.action, "contact_list": job.destination.contact_list_name}
    )
    return source, target


def _import_result(job: ImportJob) -> Json:
    failed = job.failed_records_object
    return _drop_none(
        {"failed_records": str(failed) if failed else None, "error": job.error_message}
    )


def _job_fields(row: Row[Any]) -> Json:
    """The fields an import job and an export job read alike from their row."""
    return {
        "job_id": row.job_id,
        "created_at": row.created_at,
        "status": JobStatus(row.status),
        "completed_at": row.completed_at,
        "processed_records": row.processed_records,
        "error_message": (row.result or {}).get("error"),
    }


def _import_job(row: Row[Any]) -> ImportJob:
    failed = (row.result or {}).get("failed_records")
    return ImportJob(
        destination=ImportDestination(
            action=ImportAction(row.destination["action"]),
            contact_list_name=row.destination.get("contact_list"),
        ),
        source=S3Object.parse(row.source["url"]),
        data_format=DataFormat(row.source["format"]),
        failed_records=row.failed_records,
        failed_records_object=S3Object.parse(failed) if failed else None,
        **_job_fields(row),
    )


def _export_values(job: ExportJob) -> tuple[Json, Json]:
    return _source_json(job.source), {"format": job.data_format}


def _source_json(source: ExportSource) -> Json:
    if isinstance(source, MetricsSource):
        return {
            "type": ExportSourceType.METRICS_DATA,
            "dimensions": [[name, list(values)] for name, values in source.dimensions],
            "namespace": source.namespace,
            "metrics": [[m.name, m.aggregation] for m in source.metrics],
            "start": source.start.isoformat(),
            "end": source.end.isoformat(),
        }
    return {
        "type": ExportSourceType.MESSAGE_INSIGHTS,
        "start": source.start.isoformat(),
        "end": source.end.isoformat(),
        "include": {k: list(v) for k, v in dataclasses.asdict(source.include).items()},
        "exclude": {k: list(v) for k, v in dataclasses.asdict(source.exclude).items()},
        "max_results": source.max_results,
    }


def _source(data: Json) -> ExportSource:
    start = datetime.datetime.fromisoformat(data["start"])
    end = datetime.datetime.fromisoformat(data["end"])
    if data["type"] == ExportSourceType.METRICS_DATA:
        return MetricsSource(
            dimensions=tuple((name, tuple(values)) for name, values in data["dimensions"]),
            namespace=data["namespace"],
            metrics=tuple(ExportMetric(name=n, aggregation=a) for n, a in data["metrics"]),
            start=start,
            end=end,
        )
    return MessageInsightsSource(
        start=start,
        end=end,
        include=InsightsFilters(**{k: tuple(v) for k, v in data["include"].items()}),
        exclude=InsightsFilters(**{k: tuple(v) for k, v in data["exclude"].items()}),
        max_results=data["max_results"],
    )


def _export_job(row: Row[Any]) -> ExportJob:
    found = (row.result or {}).get("object")
    return ExportJob(
        source=_source(row.source),
        data_format=DataFormat(row.destination["format"]),
        exported_records=row.failed_records,
        result=S3Object.parse(found) if found else None,
        **_job_fields(row),
    )
