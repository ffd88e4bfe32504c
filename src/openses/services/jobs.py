"""Import- and export-job use cases (issue 20): create, get, list, cancel. The work itself
runs in the background (services/job_runner.py)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import TypeVar

from openses.domain.errors import InvalidInput
from openses.domain.job import (
    OPEN_STATUSES,
    ExportJob,
    ExportSourceType,
    ImportJob,
    JobStatus,
)
from openses.services import paging
from openses.store.unit_of_work import UnitOfWork


def _check_job_id(token: str) -> None:
    if not token:
        raise InvalidInput("The job id must be specified.")


Job = TypeVar("Job", ImportJob, ExportJob)


def _page_of_jobs(
    uow: UnitOfWork,
    next_token: str | None,
    page_size: int,
    fetch: Callable[[str | None, int], Sequence[Job]],
) -> paging.Page[Job]:
    """A page of import or export jobs, in job id order (the token: the page's last id)."""
    return paging.read_page(
        uow, next_token, page_size, check=_check_job_id, fetch=fetch, key=lambda job: job.job_id
    )


def create_import(uow: UnitOfWork, job: ImportJob) -> None:
    with uow:
        uow.jobs.add_import(job)
        uow.commit()


def get_import(uow: UnitOfWork, job_id: str) -> ImportJob:
    with uow:
        return uow.jobs.get_import(job_id)


def list_imports(
    uow: UnitOfWork, *, contact_list: bool | None, next_token: str | None, page_size: int
) -> paging.Page[ImportJob]:
    return _page_of_jobs(
        uow,
        next_token,
        page_size,
        lambda after, limit: uow.jobs.list_imports(
            contact_list=contact_list, after=after, limit=limit
        ),
    )


def create_export(uow: UnitOfWork, job: ExportJob) -> None:
    with uow:
        uow.jobs.add_export(job)
        uow.commit()


def get_export(uow: UnitOfWork, job_id: str) -> ExportJob:
    with uow:
        return uow.jobs.get_export(job_id)


def list_exports(
    uow: UnitOfWork,
    *,
    source_type: ExportSourceType | None,
    status: JobStatus | None,
    next_token: str | None,
    page_size: int,
) -> paging.Page[ExportJob]:
    return _page_of_jobs(
        uow,
        next_token,
        page_size,
        lambda after, limit: uow.jobs.list_exports(
            source_type=source_type, status=status, after=after, limit=limit
        ),
    )


def cancel_export(uow: UnitOfWork, job_id: str, now: datetime.datetime) -> None:
    """Only an export that has not finished can be cancelled (GUESS wording of the refusal)."""
    with uow:
        job = uow.jobs.get_export(job_id)
        if job.status not in OPEN_STATUSES:
            raise InvalidInput(f"Export job {job_id} is {job.status} and cannot be cancelled.")
        job.status = JobStatus.CANCELLED
        job.completed_at = now
        uow.jobs.save_export(job)
        uow.commit()
