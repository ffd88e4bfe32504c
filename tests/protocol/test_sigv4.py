"""protocol/sigv4.py against botocore's signer as the oracle: requests botocore signs verify,
over odd paths, queries and header values, and any change to what is signed does not."""

from __future__ import annotations

import datetime

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from openses.protocol import sigv4
from openses.protocol.sigv4 import SignedRequest

KEY, SECRET = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
NOW = datetime.datetime(2026, 12, 4, 12, 0, 0, tzinfo=datetime.UTC)


def botocore_signed(
    monkeypatch: pytest.MonkeyPatch, method: str, url: str, headers: dict[str, str], body: bytes
) -> SignedRequest:
    monkeypatch.setattr(
        "botocore.auth.get_current_datetime", lambda remove_tzinfo=True: NOW.replace(tzinfo=None)
    )
    request = AWSRequest(method=method, url=url, headers=headers, data=body)
    SigV4Auth(Credentials(KEY, SECRET), "ses", "eu-west-1").add_auth(request)
    prepared = request.prepare()
    path, _, query = prepared.url.removeprefix("https://email.eu-west-1.amazonaws.com").partition(
        "?"
    )
    lines = [(name, str(value)) for name, value in prepared.headers.items()]
    lines.append(("host", "email.eu-west-1.amazonaws.com"))
    return SignedRequest(method, path, query, lines, body or b"")


def secrets(key: str) -> str | None:
    return SECRET if key == KEY else None


@pytest.mark.parametrize(
    ("method", "url", "headers", "body"),
    [
        ("GET", "/v2/email/account", {}, b""),
        ("GET", "/v2/email/identities/me%40example.com", {}, b""),
        ("GET", "/v2/email/identities/a%2Fb%20c", {}, b""),
        ("GET", "/v2//email/./x/../account/", {}, b""),
        ("GET", "/v2/email/identities?PageSize=5&NextToken=a%2Bb%2Fc%3D%20d&Empty=", {}, b""),
        ("GET", "/v2/email/identities?b=2&a=1&a=0", {}, b""),
        ("POST", "/", {"Content-Type": "application/x-www-form-urlencoded"}, b"Action=X"),
        ("POST", "/v2/email/configuration-sets", {"X-Custom": "  two   spaces  "}, b"{}"),
        ("PUT", "/v2/email/x", {"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"}, b"anything"),
    ],
)
def test_botocore_signed_requests_verify(
    monkeypatch: pytest.MonkeyPatch, method: str, url: str, headers: dict[str, str], body: bytes
) -> None:
    request = botocore_signed(
        monkeypatch, method, "https://email.eu-west-1.amazonaws.com" + url, headers, body
    )
    credential = sigv4.verify(request, secrets, NOW)
    assert credential == sigv4.Credential(KEY, "20261204", "eu-west-1", "ses")


def test_any_change_to_what_is_signed_does_not_verify(monkeypatch: pytest.MonkeyPatch) -> None:
    request = botocore_signed(
        monkeypatch,
        "POST",
        "https://email.eu-west-1.amazonaws.com/v2/email/x?a=1",
        {"X-Custom": "v"},
        b"{}",
    )
    changes = [
        SignedRequest("PUT", request.raw_path, request.query_string, request.headers, request.body),
        SignedRequest("POST", "/v2/email/y", request.query_string, request.headers, request.body),
        SignedRequest("POST", request.raw_path, "a=2", request.headers, request.body),
        SignedRequest("POST", request.raw_path, request.query_string, request.headers, b"{ }"),
        SignedRequest(
            "POST",
            request.raw_path,
            request.query_string,
            [(k, "w" if k == "X-Custom" else v) for k, v in request.headers],
            request.body,
        ),
    ]
    for changed in changes:
        with pytest.raises(sigv4.SignatureError) as raised:
            sigv4.verify(changed, secrets, NOW)
        assert raised.value.code == "SignatureDoesNotMatch"
    with pytest.raises(sigv4.SignatureError) as wrong_secret:
        sigv4.verify(request, lambda key: "other", NOW)
    assert wrong_secret.value.v2_code == "InvalidSignatureException"


def test_the_clock_window_is_five_minutes_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    request = botocore_signed(
        monkeypatch, "GET", "https://email.eu-west-1.amazonaws.com/v2/email/account", {}, b""
    )
    for minutes in (-5, 5):
        sigv4.verify(request, secrets, NOW + datetime.timedelta(minutes=minutes))
    with pytest.raises(sigv4.SignatureError) as late:
        sigv4.verify(request, secrets, NOW + datetime.timedelta(minutes=5, seconds=1))
    assert late.value.message == (
        "Signature expired: 20261204T120000Z is now earlier than 20261204T120001Z "
        "(20261204T120501Z - 5 min.)"
    )
    with pytest.raises(sigv4.SignatureError) as early:
        sigv4.verify(request, secrets, NOW - datetime.timedelta(minutes=5, seconds=1))
    assert early.value.message == (
        "Signature not yet current: 20261204T120000Z is still later than 20261204T115959Z "
        "(20261204T115459Z + 5 min.)"
    )
