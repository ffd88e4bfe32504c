"""Account and region from the SigV4 Authorization header, as botocore signs it."""

from __future__ import annotations

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from openses.protocol.auth import Caller, caller_from_headers

DEFAULT = "123456789012"
KEYS = {"AKIAEXAMPLEKEY": "111111111111", "222222222222": "333333333333"}


def _signed(access_key: str, region: str, service: str = "ses") -> str:
    request = AWSRequest(method="POST", url="http://127.0.0.1:8585/", data=b"Action=x")
    SigV4Auth(Credentials(access_key, "secret"), service, region).add_auth(request)
    return str(request.headers["Authorization"])


@pytest.mark.parametrize(
    ("access_key", "region", "account"),
    [
        # a configured key maps to its account, even a 12-digit one
        ("AKIAEXAMPLEKEY", "eu-west-1", "111111111111"),
        ("222222222222", "ap-southeast-2", "333333333333"),
        # an unconfigured 12-digit key is the account itself
        ("444444444444", "us-west-2", "444444444444"),
        # any other key is the default account
        ("test", "us-east-1", DEFAULT),
        ("12345678901", "eu-central-1", DEFAULT),
        ("1234567890123", "eu-central-1", DEFAULT),
        ("AKIAOTHER", "us-gov-west-1", DEFAULT),
    ],
)
def test_signed_by_botocore(access_key: str, region: str, account: str) -> None:
    caller = caller_from_headers(_signed(access_key, region), KEYS, DEFAULT)

    assert caller == Caller(account, region, access_key)


def test_sesv2_signing_scope() -> None:
    header = _signed("555555555555", "eu-west-2", service="sesv2")
    assert caller_from_headers(header, {}, DEFAULT) == Caller(
        "555555555555", "eu-west-2", "555555555555"
    )


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "garbage",
        "AWS4-HMAC-SHA256 Credential=",
        "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY",
        "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY/2024/us-east-1/ses/aws4_request",
        "AWS AKIAEXAMPLEKEY:c2lnbmF0dXJl",
        "Bearer 111111111111",
    ],
)
def test_missing_or_garbled_header(header: str | None) -> None:
    assert caller_from_headers(header, KEYS, DEFAULT) == Caller(DEFAULT, "us-east-1")


def test_hand_written_header() -> None:
    header = (
        "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY/20240501/sa-east-1/ses/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=abc"
    )
    assert caller_from_headers(header, KEYS, DEFAULT) == Caller(
        "111111111111", "sa-east-1", "AKIAEXAMPLEKEY"
    )
