"""boto3 clients for the set-up steps (the load itself comes from wrk)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

REGION = "us-east-1"
# The static access key of wrk/ses.lua's header: both servers file it under their default
# account (openses: 123456789012; moto: its own default, also 123456789012).
ACCOUNT_ID = "123456789012"


def client(url: str, service: str) -> Any:
    make: Any = boto3.client  # the stubs want a literal service name
    return make(
        service,
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 3}, read_timeout=60),
    )
