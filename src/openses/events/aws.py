"""boto3 clients for the AWS services that receive events, built the SDK's way.

Endpoints: openses' per-service setting, else its ``aws_endpoint_url``, else whatever boto3
itself reads (``AWS_ENDPOINT_URL_<SERVICE>``, ``AWS_ENDPOINT_URL``, then real AWS). Credentials
come from the standard chain; a target's IAM role is assumed through STS when
``assume_roles`` is on. The region is the one in the target's ARN.
"""

from __future__ import annotations

import datetime
import threading
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from openses.config import Settings
from openses.domain.clock import utc_now

# openses' name for each service -> boto3's
BOTO_NAMES = {
    "sns": "sns",
    "firehose": "firehose",
    "cloudwatch": "cloudwatch",
    "eventbridge": "events",
    "pinpoint": "pinpoint",
    "sts": "sts",
    "s3": "s3",  # issue 20: import and export jobs (services/object_store.py)
}
_ROLE_REFRESH = datetime.timedelta(minutes=5)
SESSION_NAME = "openses-event-publishing"


def region_of(arn: str) -> str:
    """``arn:partition:service:REGION:account:resource``."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or not parts[3]:
        raise ValueError(f"not an ARN with a region: {arn}")
    return parts[3]


def resource_name(arn: str) -> str:
    """The name after the last ``/`` of the ARN's resource (``deliverystream/NAME``)."""
    return arn.split(":", 5)[-1].rsplit("/", 1)[-1]


def describe(error: Exception) -> str:
    if isinstance(error, ClientError):
        info = error.response.get("Error", {})
        return f"{info.get('Code', 'Unknown')}: {info.get('Message', '')}"
    return f"{type(error).__name__}: {error}"


AwsError = (ClientError, BotoCoreError)


@dataclass(frozen=True, slots=True)
class _Role:
    credentials: dict[str, str]
    expires: datetime.datetime


class AwsClients:
    """Thread-safe cache of clients per (service, region, role)."""

    def __init__(self, settings: Settings, *, timeout_seconds: float | None = None) -> None:
        self._settings = settings
        timeout = settings.publish.timeout_seconds if timeout_seconds is None else timeout_seconds
        self._config = Config(
            connect_timeout=timeout,
            read_timeout=timeout,
            retries={"mode": "standard", "max_attempts": 1},
            max_pool_connections=20,
        )
        self._session = boto3.session.Session()
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str, str | None], tuple[Any, str | None]] = {}
        self._roles: dict[tuple[str, str], _Role] = {}

    def endpoint(self, service: str) -> str | None:
        return self._settings.aws_endpoint_urls.get(service) or self._settings.aws_endpoint_url

    def client(self, service: str, region: str, *, role_arn: str | None = None) -> Any:
        role = role_arn if role_arn and self._settings.assume_roles else None
        credentials = self._assumed(role, region) if role else {}
        key = (service, region, role)
        token = credentials.get("aws_session_token")
        with self._lock:
            cached = self._clients.get(key)
            if cached is None or cached[1] != token:
                client = self._session.client(
                    BOTO_NAMES[service],
                    region_name=region,
                    endpoint_url=self.endpoint(service),
                    config=self._config,
                    **credentials,
                )
                cached = self._clients[key] = (client, token)
            return cached[0]

    def _assumed(self, role_arn: str, region: str) -> dict[str, str]:
        now = utc_now()
        with self._lock:
            role = self._roles.get((role_arn, region))
        if role is None or role.expires - _ROLE_REFRESH <= now:
            sts = self.client("sts", region)
            found = sts.assume_role(RoleArn=role_arn, RoleSessionName=SESSION_NAME)["Credentials"]
            role = _Role(
                {
                    "aws_access_key_id": found["AccessKeyId"],
                    "aws_secret_access_key": found["SecretAccessKey"],
                    "aws_session_token": found["SessionToken"],
                },
                found["Expiration"],
            )
            with self._lock:
                self._roles[(role_arn, region)] = role
        return role.credentials
