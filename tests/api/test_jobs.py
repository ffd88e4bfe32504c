"""Import and export jobs through the wire (issue 20): S3 objects at the moto peer, jobs
processed in the background, durably."""

from __future__ import annotations

import csv
import datetime
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.exceptions
import httpx
import pytest

from openses.config import Settings
from tests.peer import AwsPeer, aws_peer
from tests.support import (
    LiveServer,
    database_url,
    error_tuple,
    free_port,
    fresh_account,
    serve_in_thread,
    strip_metadata,
    unique,
)

BUCKET = "openses-jobs"


# the job runner's thread outlives each test's environment
pytestmark = pytest.mark.usefixtures("_credentials")


@pytest.fixture(scope="module")
def peer() -> Iterator[AwsPeer]:
    with aws_peer() as running:
        yield running


def _settings(url: str, endpoint: str) -> Settings:
    return Settings(
        database_url=url,
        aws_endpoint_url=endpoint,
        validate_destinations=False,
        dispatch_events=False,
        smtp_port=0,
        smtps_port=0,
    )


@pytest.fixture(scope="module")
def jobs_server(
    backend: str, tmp_path_factory: pytest.TempPathFactory, peer: AwsPeer
) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp(f"jobs-{backend}")
    with database_url(backend, str(tmp)) as url, serve_in_thread(_settings(url, peer.url)) as live:
        yield live


@pytest.fixture
def account(jobs_server: LiveServer) -> tuple[Any, Any]:
    key = fresh_account()
    return jobs_server.client("sesv2", access_key=key), jobs_server.client("ses", access_key=key)


@pytest.fixture
def bucket(peer: AwsPeer) -> str:
    name = unique("data")
    peer.client("s3").create_bucket(Bucket=name)
    return name


def _put(peer: AwsPeer, bucket: str, key: str, body: str) -> str:
    peer.client("s3").put_object(Bucket=bucket, Key=key, Body=body.encode())
    return f"s3://{bucket}/{key}"


def _wait(get: Any, job_id: str, *statuses: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        job: dict[str, Any] = get(JobId=job_id)
        if job["JobStatus"] in statuses or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# -- imports ------------------------------------------------------------------------------------


def test_contact_list_import_from_csv(account: tuple[Any, Any], peer: AwsPeer, bucket: str) -> None:
    sesv2, _ = account
    name = unique("list")
    sesv2.create_contact_list(
        ContactListName=name,
        Topics=[
            {"TopicName": "news", "DisplayName": "News", "DefaultSubscriptionStatus": "OPT_OUT"},
            {"TopicName": "deals", "DisplayName": "Deals", "DefaultSubscriptionStatus": "OPT_IN"},
        ],
    )
    sesv2.create_contact(ContactListName=name, EmailAddress="old@example.com", UnsubscribeAll=True)
    url = _put(
        peer,
        bucket,
        "contacts.csv",
        "emailAddress,unsubscribeAll,attributesData,topicPreferences.news,topicPreferences.deals\n"
        'a@example.com,false,"{""plan"": ""pro""}",OPT_IN,\n'
        "old@example.com,false,,,OPT_OUT\n"
        "not-an-address,false,,OPT_IN,\n"
        "b@example.com,false,,MAYBE,\n",
    )
    job_id = sesv2.create_import_job(
        ImportDestination={
            "ContactListDestination": {"ContactListName": name, "ContactListImportAction": "PUT"}
        },
        ImportDataSource={"S3Url": url, "DataFormat": "CSV"},
    )["JobId"]

    job = _wait(sesv2.get_import_job, job_id, "COMPLETED", "FAILED")
    failed_url = job.pop("FailureInfo")["FailedRecordsS3Url"]
    assert strip_metadata(job) == {
        "JobId": job_id,
        "ImportDestination": {
            "ContactListDestination": {"ContactListName": name, "ContactListImportAction": "PUT"}
        },
        "ImportDataSource": {"S3Url": url, "DataFormat": "CSV"},
        "JobStatus": "COMPLETED",
        "CreatedTimestamp": job["CreatedTimestamp"],
        "CompletedTimestamp": job["CompletedTimestamp"],
        "ProcessedRecordsCount": 4,
        "FailedRecordsCount": 2,
    }
    got = sesv2.get_contact(ContactListName=name, EmailAddress="a@example.com")
    assert (got["TopicPreferences"], got["UnsubscribeAll"], got["AttributesData"]) == (
        [{"TopicName": "news", "SubscriptionStatus": "OPT_IN"}],
        False,
        '{"plan": "pro"}',
    )
    # PUT overrides the existing contact
    got = sesv2.get_contact(ContactListName=name, EmailAddress="old@example.com")
    assert (got["TopicPreferences"], got["UnsubscribeAll"]) == (
        [{"TopicName": "deals", "SubscriptionStatus": "OPT_OUT"}],
        False,
    )
    # the failed records, with why, behind a pre-signed URL to the bucket openses manages
    failed = _csv(httpx.get(failed_url).text)
    assert [(r["emailAddress"], r["failureReason"]) for r in failed] == [
        ("not-an-address", "EmailAddress <not-an-address> is invalid"),
        ("b@example.com", "The preference 'MAYBE' of topic news is not OPT_IN or OPT_OUT."),
    ]
    stored = peer.client("s3").get_object(
        Bucket=BUCKET, Key=f"import-jobs/{job_id}/failed-records.csv"
    )
    assert _csv(stored["Body"].read().decode()) == failed

    # DELETE removes the addresses; one not on the list is no failure
    url = _put(
        peer,
        bucket,
        "gone.json",
        '{"emailAddress": "a@example.com"}\n{"emailAddress": "x@example.com"}\n',
    )
    job_id = sesv2.create_import_job(
        ImportDestination={
            "ContactListDestination": {"ContactListName": name, "ContactListImportAction": "DELETE"}
        },
        ImportDataSource={"S3Url": url, "DataFormat": "JSON"},
    )["JobId"]
    job = _wait(sesv2.get_import_job, job_id, "COMPLETED", "FAILED")
    assert (job["JobStatus"], job["ProcessedRecordsCount"], job["FailedRecordsCount"]) == (
        "COMPLETED",
        2,
        0,
    )
    assert "FailureInfo" not in job
    assert [c["EmailAddress"] for c in sesv2.list_contacts(ContactListName=name)["Contacts"]] == [
        "old@example.com"
    ]


def test_suppression_list_import_from_json(
    account: tuple[Any, Any], peer: AwsPeer, bucket: str
) -> None:
    sesv2, _ = account
    url = _put(
        peer,
        bucket,
        "suppressed.json",
        '{"emailAddress": "bounced@example.com", "reason": "BOUNCE"}\n'
        '{"emailAddress": "angry@example.com", "reason": "COMPLAINT"}\n'
        '{"emailAddress": "why@example.com", "reason": "BORED"}\n',
    )
    job_id = sesv2.create_import_job(
        ImportDestination={"SuppressionListDestination": {"SuppressionListImportAction": "PUT"}},
        ImportDataSource={"S3Url": url, "DataFormat": "JSON"},
    )["JobId"]
    job = _wait(sesv2.get_import_job, job_id, "COMPLETED", "FAILED")
    assert (job["JobStatus"], job["ProcessedRecordsCount"], job["FailedRecordsCount"]) == (
        "COMPLETED",
        3,
        1,
    )
    failed = [
        json.loads(line)
        for line in httpx.get(job["FailureInfo"]["FailedRecordsS3Url"]).text.splitlines()
    ]
    assert failed == [
        {
            "emailAddress": "why@example.com",
            "reason": "BORED",
            "failureReason": "The reason 'BORED' is not BOUNCE or COMPLAINT.",
        }
    ]
    listed = sesv2.list_suppressed_destinations()["SuppressedDestinationSummaries"]
    assert sorted((s["EmailAddress"], s["Reason"]) for s in listed) == [
        ("angry@example.com", "COMPLAINT"),
        ("bounced@example.com", "BOUNCE"),
    ]

    listed_jobs = sesv2.list_import_jobs(ImportDestinationType="SUPPRESSION_LIST")["ImportJobs"]
    assert [j["JobId"] for j in listed_jobs] == [job_id]
    assert sesv2.list_import_jobs(ImportDestinationType="CONTACT_LIST")["ImportJobs"] == []


def test_an_import_that_cannot_be_read_fails(account: tuple[Any, Any], bucket: str) -> None:
    sesv2, _ = account
    job_id = sesv2.create_import_job(
        ImportDestination={"SuppressionListDestination": {"SuppressionListImportAction": "PUT"}},
        ImportDataSource={"S3Url": f"s3://{bucket}/missing.csv", "DataFormat": "CSV"},
    )["JobId"]
    job = _wait(sesv2.get_import_job, job_id, "COMPLETED", "FAILED")
    assert job["JobStatus"] == "FAILED"
    assert job["FailureInfo"]["ErrorMessage"].startswith(
        f"Unable to read s3://{bucket}/missing.csv: NoSuchKey"
    )


def test_job_errors(account: tuple[Any, Any]) -> None:
    sesv2, _ = account
    missing = "00000000-0000-0000-0000-000000000000"
    for call in (sesv2.get_import_job, sesv2.get_export_job, sesv2.cancel_export_job):
        with pytest.raises(botocore.exceptions.ClientError) as raised:
            call(JobId=missing)
        assert error_tuple(raised) == ("NotFoundException", f"Job {missing} does not exist.", 404)
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        sesv2.create_import_job(
            ImportDestination={
                "SuppressionListDestination": {"SuppressionListImportAction": "PUT"},
                "ContactListDestination": {
                    "ContactListName": "x",
                    "ContactListImportAction": "PUT",
                },
            },
            ImportDataSource={"S3Url": "s3://b/k.csv", "DataFormat": "CSV"},
        )
    assert error_tuple(raised) == (
        "BadRequestException",
        "The import destination must be either a contact list or the suppression list.",
        400,
    )
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        sesv2.create_export_job(
            ExportDataSource={
                "MessageInsightsDataSource": {
                    "StartDate": datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC),
                    "EndDate": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
                }
            },
            ExportDestination={"DataFormat": "CSV"},
        )
    assert error_tuple(raised) == (
        "BadRequestException",
        "The end date must be later than the start date.",
        400,
    )
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        sesv2.create_export_job(
            ExportDataSource={
                "MessageInsightsDataSource": {
                    "StartDate": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
                    "EndDate": datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC),
                }
            },
            ExportDestination={"DataFormat": "CSV", "S3Url": "s3://mine/export.csv"},
        )
    assert error_tuple(raised)[0] == "BadRequestException"
    assert sesv2.list_import_jobs()["ImportJobs"] == []
    assert sesv2.list_export_jobs()["ExportJobs"] == []


# -- exports ------------------------------------------------------------------------------------


def _send(sesv2: Any, sender: str, to: str, subject: str) -> str:
    message_id: str = sesv2.send_email(
        FromEmailAddress=sender,
        Destination={"ToAddresses": [to]},
        Content={"Simple": {"Subject": {"Data": subject}, "Body": {"Text": {"Data": "hi"}}}},
    )["MessageId"]
    return message_id


def test_message_insights_and_metrics_exports(account: tuple[Any, Any]) -> None:
    sesv2, _ = account
    domain = f"{unique('d')}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    sender = f"me@{domain}"
    start = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    delivered = _send(sesv2, sender, "success@simulator.amazonses.com", "first")
    bounced = _send(sesv2, sender, "bounce@simulator.amazonses.com", "second")
    end = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=1)

    job_id = sesv2.create_export_job(
        ExportDataSource={
            "MessageInsightsDataSource": {
                "StartDate": start,
                "EndDate": end,
                "Exclude": {"Subject": ["second"]},
            }
        },
        ExportDestination={"DataFormat": "JSON"},
    )["JobId"]
    job = _wait(sesv2.get_export_job, job_id, "COMPLETED", "FAILED", "CANCELLED")
    url = job["ExportDestination"].pop("S3Url")
    assert (job["JobStatus"], job["ExportSourceType"], job["ExportDestination"]) == (
        "COMPLETED",
        "MESSAGE_INSIGHTS",
        {"DataFormat": "JSON"},
    )
    assert job["Statistics"] == {"ProcessedRecordsCount": 2, "ExportedRecordsCount": 1}
    [record] = [json.loads(line) for line in httpx.get(url).text.splitlines()]
    [insight] = record.pop("Insights")
    assert record == {
        "MessageId": delivered,
        "FromEmailAddress": sender,
        "Subject": "first",
        "EmailTags": [],
    }
    assert (insight["Destination"], insight["Isp"], insight["LastDeliveryEvent"]) == (
        "success@simulator.amazonses.com",
        "simulator.amazonses.com",
        "DELIVERY",
    )
    assert [e["Type"] for e in insight["Events"]] == ["SEND", "DELIVERY"]

    job_id = sesv2.create_export_job(
        ExportDataSource={
            "MetricsDataSource": {
                "Dimensions": {"EMAIL_IDENTITY": [domain]},
                "Namespace": "VDM",
                "Metrics": [
                    {"Name": "SEND", "Aggregation": "VOLUME"},
                    {"Name": "PERMANENT_BOUNCE", "Aggregation": "RATE"},
                ],
                "StartDate": start,
                "EndDate": end,
            }
        },
        ExportDestination={"DataFormat": "CSV"},
    )["JobId"]
    job = _wait(sesv2.get_export_job, job_id, "COMPLETED", "FAILED", "CANCELLED")
    assert job["JobStatus"] == "COMPLETED"
    rows = _csv(httpx.get(job["ExportDestination"]["S3Url"]).text)
    nonzero = {(r["Metric"], r["Aggregation"], r["Value"]) for r in rows if float(r["Value"])}
    assert nonzero == {("SEND", "VOLUME", "2"), ("PERMANENT_BOUNCE", "RATE", "0.5")}
    listed = sesv2.list_export_jobs(ExportSourceType="METRICS_DATA")["ExportJobs"]
    assert [(j["JobId"], j["JobStatus"]) for j in listed] == [(job_id, "COMPLETED")]
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        sesv2.cancel_export_job(JobId=job_id)
    assert error_tuple(raised) == (
        "BadRequestException",
        f"Export job {job_id} is COMPLETED and cannot be cancelled.",
        400,
    )
    assert bounced != delivered


# -- durability ---------------------------------------------------------------------------------


def test_a_job_waits_for_s3_and_resumes_after_a_restart(
    backend: str, tmp_path: Path, peer: AwsPeer, bucket: str
) -> None:
    """S3 unreachable: the job waits (PROCESSING); the next server on the same database, with
    S3 back, finishes it. An export cancelled while it waits stays cancelled."""
    url = _put(
        peer, bucket, "later.json", '{"emailAddress": "late@example.com", "reason": "BOUNCE"}\n'
    )
    key = fresh_account()
    with database_url(backend, str(tmp_path)) as database:
        dead = f"http://127.0.0.1:{free_port()}"
        with serve_in_thread(_settings(database, dead)) as first:
            sesv2 = first.client("sesv2", access_key=key)
            job_id = sesv2.create_import_job(
                ImportDestination={
                    "SuppressionListDestination": {"SuppressionListImportAction": "PUT"}
                },
                ImportDataSource={"S3Url": url, "DataFormat": "JSON"},
            )["JobId"]
            export_id = sesv2.create_export_job(
                ExportDataSource={
                    "MessageInsightsDataSource": {
                        "StartDate": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
                        "EndDate": datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC),
                    }
                },
                ExportDestination={"DataFormat": "CSV"},
            )["JobId"]
            # leased, then given back to wait for S3: PROCESSING, and nothing imported
            waiting = _wait(sesv2.get_import_job, job_id, "PROCESSING", "COMPLETED", "FAILED")
            assert (waiting["JobStatus"], waiting["ProcessedRecordsCount"]) == ("PROCESSING", 0)
            sesv2.cancel_export_job(JobId=export_id)
        with serve_in_thread(_settings(database, peer.url)) as second:
            sesv2 = second.client("sesv2", access_key=key)
            job = _wait(sesv2.get_import_job, job_id, "COMPLETED", "FAILED")
            assert (job["JobStatus"], job["ProcessedRecordsCount"]) == ("COMPLETED", 1)
            assert (
                sesv2.get_suppressed_destination(EmailAddress="late@example.com")[
                    "SuppressedDestination"
                ]["Reason"]
                == "BOUNCE"
            )
            assert sesv2.get_export_job(JobId=export_id)["JobStatus"] == "CANCELLED"
