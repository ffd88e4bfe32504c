"""The S3 side of import and export jobs (issue 20): read the object an import names, write
failed records and exports to the bucket openses manages, hand out pre-signed URLs to them.
Clients come from the publishers' factory (events/aws.py), so OPENSES_AWS_ENDPOINT_URL(_S3)
point it at the same peer."""

from __future__ import annotations

from typing import Protocol

from botocore.exceptions import ClientError

from openses.domain.job import S3Object
from openses.events.aws import AwsClients, AwsError, describe

# "The URL expires five minutes after GetExportJob returns it" (the sesv2 model, S3Url).
URL_SECONDS = 300


class ObjectUnreadable(Exception):
    """The object cannot be read for good (no such bucket or key, access denied): the job
    fails with this message."""


class ObjectStoreUnavailable(Exception):
    """S3 did not answer (or answered a server error): the job is tried again later."""


class ObjectStore(Protocol):
    def read(self, region: str, location: S3Object) -> bytes: ...

    def write(self, region: str, location: S3Object, data: bytes, content_type: str) -> None: ...

    def url(self, region: str, location: S3Object) -> str: ...


class S3ObjectStore:
    def __init__(self, clients: AwsClients) -> None:
        self._clients = clients
        self._buckets: set[tuple[str, str]] = set()

    def read(self, region: str, location: S3Object) -> bytes:
        s3 = self._clients.client("s3", region)
        try:
            body: bytes = s3.get_object(Bucket=location.bucket, Key=location.key)["Body"].read()
        except ClientError as error:
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            if status >= 500:
                raise ObjectStoreUnavailable(describe(error)) from None
            raise ObjectUnreadable(f"Unable to read {location}: {describe(error)}") from None
        except AwsError as error:
            raise ObjectStoreUnavailable(describe(error)) from None
        return body

    def write(self, region: str, location: S3Object, data: bytes, content_type: str) -> None:
        s3 = self._clients.client("s3", region)
        try:
            self._ensure_bucket(s3, region, location.bucket)
            s3.put_object(
                Bucket=location.bucket, Key=location.key, Body=data, ContentType=content_type
            )
        except AwsError as error:
            raise ObjectStoreUnavailable(describe(error)) from None

    def url(self, region: str, location: S3Object) -> str:
        s3 = self._clients.client("s3", region)
        found: str = s3.generate_presigned_url(
            "get_object",
            Params={"Bucket": location.bucket, "Key": location.key},
            ExpiresIn=URL_SECONDS,
        )
        return found

    def _ensure_bucket(self, s3: object, region: str, bucket: str) -> None:
        if (region, bucket) in self._buckets:
            return
        options = (
            {}
            if region == "us-east-1"
            else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        )
        try:
            s3.create_bucket(Bucket=bucket, **options)  # type: ignore[attr-defined]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in (
                "BucketAlreadyOwnedByYou",
                "BucketAlreadyExists",
            ):
                raise
        self._buckets.add((region, bucket))
