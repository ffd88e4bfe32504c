"""Import and export jobs (issue 20): what a job reads and writes, its status and counts.

An import job reads contacts or suppressed addresses from an S3 object and applies them to
the account's contact list or suppression list; an export job writes message insights or
metric data of openses' own records to an S3 object in the bucket openses manages.
"""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass, field
from enum import StrEnum

from openses.domain.errors import InvalidInput


class JobStatus(StrEnum):
    CREATED = "CREATED"
    PROCESSING = "PROCESSING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


OPEN_STATUSES = (JobStatus.CREATED, JobStatus.PROCESSING)


class DataFormat(StrEnum):
    CSV = "CSV"
    JSON = "JSON"

    @property
    def extension(self) -> str:
        """The ending of an object's name in this format."""
        return "json" if self is DataFormat.JSON else "csv"

    @property
    def content_type(self) -> str:
        """The Content-Type of an object written in this format."""
        return "application/json" if self is DataFormat.JSON else "text/csv"


class ImportAction(StrEnum):
    PUT = "PUT"
    DELETE = "DELETE"


class ExportSourceType(StrEnum):
    METRICS_DATA = "METRICS_DATA"
    MESSAGE_INSIGHTS = "MESSAGE_INSIGHTS"


# The model's ImportDataSource.S3Url pattern.
_S3_URL = re.compile(r"s3://([^/]+)/(.*?([^/]+)/?)")
# "up to 1 million contacts per import job" (developer guide, list management)
MAX_IMPORT_RECORDS = 1_000_000
# MessageInsightsDataSource.MaxResults: "a maximum of 1,000 results" when absent (the model)
DEFAULT_INSIGHTS_RESULTS = 1_000


def new_job_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True, slots=True)
class S3Object:
    bucket: str
    key: str

    @classmethod
    def parse(cls, url: str) -> S3Object:
        found = _S3_URL.fullmatch(url)
        if found is None:
            raise InvalidInput(f"Invalid S3 URL: {url}.")
        return cls(found.group(1), found.group(2))

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportDestination:
    """The contact list named, or the account's suppression list when none is."""

    action: ImportAction
    contact_list_name: str | None = None


@dataclass(slots=True, kw_only=True)
class Job:
    """What an import job and an export job share: the id, the format of the object the job
    reads or writes, and the lifecycle with its counts."""

    job_id: str
    data_format: DataFormat
    created_at: datetime.datetime
    status: JobStatus = JobStatus.CREATED
    completed_at: datetime.datetime | None = None
    processed_records: int = 0
    error_message: str | None = None


@dataclass(slots=True, kw_only=True)
class ImportJob(Job):
    destination: ImportDestination
    source: S3Object
    failed_records: int = 0
    failed_records_object: S3Object | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class InsightsFilters:
    """MessageInsightsFilters: each list holds the values any one of which a message must match
    (or, in Exclude, must not)."""

    from_email_address: tuple[str, ...] = ()
    destination: tuple[str, ...] = ()
    subject: tuple[str, ...] = ()
    isp: tuple[str, ...] = ()
    tenant_name: tuple[str, ...] = ()
    last_delivery_event: tuple[str, ...] = ()
    last_engagement_event: tuple[str, ...] = ()

    def empty(self) -> bool:
        return not any(getattr(self, name) for name in self.__slots__)


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageInsightsSource:
    start: datetime.datetime
    end: datetime.datetime
    include: InsightsFilters = field(default_factory=InsightsFilters)
    exclude: InsightsFilters = field(default_factory=InsightsFilters)
    max_results: int = DEFAULT_INSIGHTS_RESULTS


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportMetric:
    name: str  # SEND, DELIVERY, OPEN, ...
    aggregation: str  # VOLUME | RATE


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricsSource:
    dimensions: tuple[tuple[str, tuple[str, ...]], ...]  # EMAIL_IDENTITY, CONFIGURATION_SET, ...
    namespace: str
    metrics: tuple[ExportMetric, ...]
    start: datetime.datetime
    end: datetime.datetime


ExportSource = MessageInsightsSource | MetricsSource


@dataclass(slots=True, kw_only=True)
class ExportJob(Job):
    source: ExportSource
    exported_records: int = 0
    result: S3Object | None = None

    @property
    def source_type(self) -> ExportSourceType:
        if isinstance(self.source, MetricsSource):
            return ExportSourceType.METRICS_DATA
        return ExportSourceType.MESSAGE_INSIGHTS


def check_interval(start: datetime.datetime, end: datetime.datetime) -> None:
    if end < start:
        raise InvalidInput("The end date must be later than the start date.")
