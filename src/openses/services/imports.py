"""An import job's work (issue 20): read the S3 object, apply each record to the contact list
or the suppression list, write the records that failed, with why, beside the job's files.

Records (docs/aws-behaviour.md, "Import and export jobs"): CSV with a header line, or one JSON
object a line. Contacts: ``emailAddress``, ``unsubscribeAll``, ``attributesData`` and one
``topicPreferences.<TopicName>`` column per topic (JSON: a ``topicPreferences`` object);
suppressed addresses: ``emailAddress`` and ``reason`` (BOUNCE or COMPLAINT).
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
from collections.abc import Callable
from dataclasses import dataclass

from openses.domain.contact_list import SubscriptionStatus
from openses.domain.errors import (
    ContactNotFound,
    OpensesError,
    SuppressedDestinationNotFound,
)
from openses.domain.job import (
    MAX_IMPORT_RECORDS,
    DataFormat,
    ImportAction,
    ImportDestination,
    ImportJob,
    S3Object,
)
from openses.domain.options import SuppressionReason
from openses.services import account, contact_lists
from openses.store.unit_of_work import UnitOfWork

Record = dict[str, object]
TOPIC_COLUMN = "topicPreferences."
FAILURE_FIELD = "failureReason"


class UnreadableRecords(Exception):
    """The object is not records in the job's format: the job fails with this message."""


@dataclass(frozen=True, slots=True)
class Outcome:
    processed: int
    failed: list[tuple[Record, str]]


def parse(data: bytes, data_format: DataFormat) -> list[Record]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableRecords("The data source is not UTF-8 text.") from None
    if data_format is DataFormat.CSV:
        records: list[Record] = []
        reader = csv.DictReader(io.StringIO(text))
        if reader.fieldnames is None or "emailAddress" not in reader.fieldnames:
            raise UnreadableRecords("The CSV data source has no emailAddress column.")
        for row in reader:
            records.append({k: v for k, v in row.items() if k is not None})
            _check_size(records)
        return records
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            raise UnreadableRecords(f"Line {number} of the data source is not JSON.") from None
        if not isinstance(value, dict):
            raise UnreadableRecords(f"Line {number} of the data source is not a JSON object.")
        records.append(value)
        _check_size(records)
    return records


def _check_size(records: list[Record]) -> None:
    if len(records) > MAX_IMPORT_RECORDS:
        raise UnreadableRecords(f"An import job takes at most {MAX_IMPORT_RECORDS} records.")


def apply(
    unit_of_work: Callable[[], UnitOfWork],
    job: ImportJob,
    records: list[Record],
    now: datetime.datetime,
) -> Outcome:
    """Each record in its own unit of work: one bad record fails alone."""
    failed: list[tuple[Record, str]] = []
    for record in records:
        try:
            _apply_record(unit_of_work, job.destination, record, now)
        except (OpensesError, ValueError, TypeError) as error:
            reason = error.message if isinstance(error, OpensesError) else str(error)
            failed.append((record, reason))
    return Outcome(len(records), failed)


def _address(record: Record) -> str:
    address = record.get("emailAddress")
    if not isinstance(address, str) or not address:
        raise ValueError("The record has no emailAddress.")
    return address


def _apply_record(
    unit_of_work: Callable[[], UnitOfWork],
    destination: ImportDestination,
    record: Record,
    now: datetime.datetime,
) -> None:
    """DELETE removes the record's address (one already absent is no failure); PUT writes it
    to the contact list, or to the suppression list when the job names no list."""
    address = _address(record)
    list_name = destination.contact_list_name
    if destination.action is ImportAction.DELETE:
        with contextlib.suppress(ContactNotFound, SuppressedDestinationNotFound):
            if list_name is None:
                account.delete_suppressed_destination(unit_of_work(), address)
            else:
                contact_lists.delete_contact(unit_of_work(), list_name, address)
    elif list_name is None:
        _put_suppressed(unit_of_work, address, record, now)
    else:
        _put_contact(unit_of_work, list_name, address, record, now)


def _put_suppressed(
    unit_of_work: Callable[[], UnitOfWork], address: str, record: Record, now: datetime.datetime
) -> None:
    reason = record.get("reason")
    if reason not in SuppressionReason.__members__:
        raise ValueError(f"The reason {reason!r} is not BOUNCE or COMPLAINT.")
    account.put_suppressed_destination(unit_of_work(), address, SuppressionReason(str(reason)), now)


def _put_contact(
    unit_of_work: Callable[[], UnitOfWork],
    list_name: str,
    address: str,
    record: Record,
    now: datetime.datetime,
) -> None:
    change = contact_lists.ContactChange(
        preferences=_preferences(record),
        unsubscribe_all=_flag(record.get("unsubscribeAll")),
        attributes_data=_attributes(record.get("attributesData")),
    )
    # PUT adds the record or "overrides" an existing one (the sesv2 model)
    contact_lists.write_contact(unit_of_work(), list_name, address, change, now, must_exist=None)


def _preferences(record: Record) -> list[tuple[str, SubscriptionStatus]]:
    nested = record.get("topicPreferences")
    pairs: list[tuple[str, object]] = []
    if isinstance(nested, dict):
        pairs = list(nested.items())
    pairs += [
        (key.removeprefix(TOPIC_COLUMN), value)
        for key, value in record.items()
        if key.startswith(TOPIC_COLUMN)
    ]
    preferences = []
    for topic, status in pairs:
        if status in (None, ""):
            continue
        if status not in SubscriptionStatus.__members__:
            raise ValueError(
                f"The preference {status!r} of topic {topic} is not OPT_IN or OPT_OUT."
            )
        preferences.append((topic, SubscriptionStatus(str(status))))
    return preferences


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if value in (None, ""):
        return False
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ValueError(f"unsubscribeAll {value!r} is not true or false.")


def _attributes(value: object) -> str | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, str) else json.dumps(value)


def failed_records(failed: list[tuple[Record, str]], data_format: DataFormat) -> bytes:
    """The records that failed, each with its ``failureReason``, in the job's format."""
    rows = [{**record, FAILURE_FIELD: reason} for record, reason in failed]
    if data_format is DataFormat.JSON:
        return "".join(json.dumps(row) + "\n" for row in rows).encode()
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: v if isinstance(v, str) else json.dumps(v) for k, v in row.items()})
    return out.getvalue().encode()


def failed_records_object(bucket: str, job: ImportJob) -> S3Object:
    return S3Object(bucket, f"import-jobs/{job.job_id}/failed-records.{job.data_format.extension}")
