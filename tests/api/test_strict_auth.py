"""Strict mode (issue 18) through the wire: boto3, the AWS CLI, presigned URLs and raw httpx
requests against a server that verifies SigV4, with keys from OPENSES_ACCESS_KEYS and from
``openses access-keys create``; botocore's signer is the oracle."""

from __future__ import annotations

import datetime
import json
import os
import smtplib
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from click.testing import CliRunner

from openses.cli import main
from openses.config import Settings
from openses.smtp.auth import smtp_password
from tests.smtp.support import message, trusting
from tests.support import CLIENT_CONFIG, LiveServer, database_url, serve_in_thread, unique

ENV_KEY, ENV_SECRET, ENV_ACCOUNT = (
    "AKIAENVKEY0000000001",
    "env/secret+Key0123456789",
    "111111111111",
)
DB_ACCOUNT = "222222222222"
SECRET_KEY = "a test encryption key"
NOT_MATCHING = (
    "The request signature we calculated does not match the signature you provided. Check "
    "your AWS Secret Access Key and signing method. Consult the service documentation for "
    "details."
)
INVALID_TOKEN = "The security token included in the request is invalid."
V1_NS = "{http://ses.amazonaws.com/doc/2010-12-01/}"


@pytest.fixture(scope="module")
def strict(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StrictServer]:
    tmp = tmp_path_factory.mktemp(f"strict-{backend}")
    with database_url(backend, str(tmp)) as url:
        env = {"OPENSES_DATABASE_URL": url, "OPENSES_SECRET_KEY": SECRET_KEY}
        runner = CliRunner()
        assert runner.invoke(main, ["migrate"], env=env).exit_code == 0
        created = runner.invoke(
            main, ["access-keys", "create", "--account", DB_ACCOUNT, "--name", "app"], env=env
        )
        assert created.exit_code == 0, created.output
        key = json.loads(created.stdout)["AccessKey"]
        settings = Settings(
            database_url=url,
            validate_destinations=False,
            dispatch_events=False,
            auth="strict",
            admin_token="admin",
            secret_key=SECRET_KEY,
            access_keys={ENV_KEY: ENV_ACCOUNT, "AKIANOSECRET00000000": "333333333333"},
            access_key_secrets={ENV_KEY: ENV_SECRET},
        )
        with serve_in_thread(settings) as live:
            yield StrictServer(live, env, key["AccessKeyId"], key["SecretAccessKey"])


class StrictServer:
    def __init__(self, live: LiveServer, env: dict[str, str], key_id: str, secret: str):
        self.live = live
        self.env = env
        self.key_id = key_id
        self.secret = secret
        self.url = live.url

    def client(self, service: str, key: str, secret: str, region: str = "us-east-1") -> Any:
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=region,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            config=CLIENT_CONFIG,
        )


def code_message_status(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response = raised.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def v1_error(response: httpx.Response) -> tuple[int, str, str, str]:
    """(status, Type, Code, Message) of a v1 XML error."""
    from xml.etree import ElementTree

    root = ElementTree.fromstring(response.content)
    error = root.find(f"{V1_NS}Error")
    assert error is not None
    return (
        response.status_code,
        error.findtext(f"{V1_NS}Type") or "",
        error.findtext(f"{V1_NS}Code") or "",
        error.findtext(f"{V1_NS}Message") or "",
    )


def v2_error(response: httpx.Response) -> tuple[int, str, str]:
    return (
        response.status_code,
        response.headers["x-amzn-ErrorType"],
        response.json()["message"],
    )


def signed(
    url: str,
    key: str,
    secret: str,
    *,
    method: str = "POST",
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    service: str = "ses",
    region: str = "us-east-1",
) -> AWSRequest:
    """A request signed by botocore's own SigV4 signer."""
    request = AWSRequest(method=method, url=url, data=body, headers=headers or {})
    SigV4Auth(Credentials(key, secret), service, region).add_auth(request)
    return request


def send(request: AWSRequest) -> httpx.Response:
    prepared = request.prepare()
    return httpx.request(
        prepared.method, prepared.url, headers=dict(prepared.headers), content=prepared.body
    )


LIST_IDENTITIES = b"Action=ListIdentities&Version=2010-12-01"
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


# --- the right secret works unchanged ---------------------------------------------------------


def test_boto3_with_the_right_secret_works_and_each_key_is_its_own_account(
    strict: StrictServer,
) -> None:
    env_v2 = strict.client("sesv2", ENV_KEY, ENV_SECRET)
    db_v2 = strict.client("sesv2", strict.key_id, strict.secret, region="eu-west-1")
    db_v1 = strict.client("ses", strict.key_id, strict.secret, region="eu-west-1")
    name = unique("strict")
    db_v2.create_configuration_set(ConfigurationSetName=name)
    try:
        assert name in db_v2.list_configuration_sets()["ConfigurationSets"]
        v1_names = [item["Name"] for item in db_v1.list_configuration_sets()["ConfigurationSets"]]
        assert name in v1_names
        assert name not in env_v2.list_configuration_sets()["ConfigurationSets"]
        env_v1 = strict.client("ses", ENV_KEY, ENV_SECRET)
        assert env_v1.get_send_quota()["ResponseMetadata"]["HTTPStatusCode"] == 200
    finally:
        db_v2.delete_configuration_set(ConfigurationSetName=name)


def test_paths_with_encoded_characters_verify(strict: StrictServer) -> None:
    sesv2 = strict.client("sesv2", ENV_KEY, ENV_SECRET)
    address = f"{unique('me')}+tag@example.com"
    sesv2.create_email_identity(EmailIdentity=address)
    try:
        assert sesv2.get_email_identity(EmailIdentity=address)["IdentityType"] == "EMAIL_ADDRESS"
    finally:
        sesv2.delete_email_identity(EmailIdentity=address)


def test_query_strings_with_reserved_characters_verify(strict: StrictServer) -> None:
    sesv2 = strict.client("sesv2", ENV_KEY, ENV_SECRET)
    now = datetime.datetime.now(datetime.UTC)
    listed = sesv2.list_suppressed_destinations(
        Reasons=["BOUNCE", "COMPLAINT"], StartDate=now - datetime.timedelta(days=1), EndDate=now
    )
    assert listed["SuppressedDestinationSummaries"] == []
    # the token is refused by the operation, after the signature over "a+b/c= d" passed
    with pytest.raises(ClientError) as raised:
        sesv2.list_email_identities(PageSize=5, NextToken="a+b/c= d")
    assert code_message_status(raised)[0] == "BadRequestException"
    v1 = strict.client("ses", ENV_KEY, ENV_SECRET)
    v1_answer = send(
        signed(
            strict.url + "/?Action=ListIdentities&Version=2010-12-01&MaxItems=5",
            ENV_KEY,
            ENV_SECRET,
            method="GET",
        )
    )
    assert v1_answer.status_code == 200
    assert v1.list_identities(IdentityType="Domain", MaxItems=5)["Identities"] == []


def test_the_aws_cli_works_with_the_right_secret_and_gets_aws_error_with_a_wrong_one(
    strict: StrictServer,
) -> None:
    def aws(secret: str) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "AWS_ACCESS_KEY_ID": strict.key_id,
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_DEFAULT_REGION": "us-east-1",
        }
        return subprocess.run(
            [sys.executable, "-m", "awscli", "sesv2", "get-account", "--endpoint-url", strict.url],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    good = aws(strict.secret)
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["SendingEnabled"] is True
    bad = aws("not the secret")
    assert bad.returncode == 255  # AWS CLI v1: a service error
    assert bad.stderr.strip().splitlines()[0] == (
        "An error occurred (InvalidSignatureException) when calling the GetAccount operation: "
        + NOT_MATCHING
    )


# --- AWS's errors -------------------------------------------------------------------------------


def test_a_wrong_secret_is_signature_does_not_match_on_v1_and_invalid_signature_on_v2(
    strict: StrictServer,
) -> None:
    with pytest.raises(ClientError) as v1:
        strict.client("ses", strict.key_id, "wrong").list_identities()
    code, text, status = code_message_status(v1)
    assert (code, status) == ("SignatureDoesNotMatch", 403)
    assert text.startswith(NOT_MATCHING + "\n\nThe Canonical String for this request should")
    assert "\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n" in text
    with pytest.raises(ClientError) as v2:
        strict.client("sesv2", strict.key_id, "wrong").get_account()
    assert code_message_status(v2) == ("InvalidSignatureException", NOT_MATCHING, 403)


def test_an_unknown_key_is_invalid_client_token_id_even_twelve_digits(
    strict: StrictServer,
) -> None:
    for key in ("AKIAUNKNOWN000000000", "444444444444", "AKIANOSECRET00000000"):
        with pytest.raises(ClientError) as v1:
            strict.client("ses", key, "x").list_identities()
        assert code_message_status(v1) == ("InvalidClientTokenId", INVALID_TOKEN, 403)
        with pytest.raises(ClientError) as v2:
            strict.client("sesv2", key, "x").list_email_identities()
        assert code_message_status(v2) == ("UnrecognizedClientException", INVALID_TOKEN, 403)


def test_an_unsigned_request_is_missing_authentication_token(strict: StrictServer) -> None:
    v1 = httpx.post(strict.url + "/", content=LIST_IDENTITIES, headers=FORM)
    assert v1_error(v1) == (
        403,
        "Sender",
        "MissingAuthenticationToken",
        "Request is missing Authentication Token",
    )
    v2 = httpx.get(strict.url + "/v2/email/account")
    assert v2_error(v2) == (
        403,
        "MissingAuthenticationTokenException",
        "Request is missing Authentication Token",
    )


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        (
            "AWS4-HMAC-SHA256 Credential=AKIAX/20240101/us-east-1/ses/aws4_request",
            "Authorization header requires 'Signature' parameter. Authorization header "
            "requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 "
            "Credential=AKIAX/20240101/us-east-1/ses/aws4_request",
        ),
        (
            "AWS4-HMAC-SHA256 Credential=AKIAX/20240101/us-east-1/ses, SignedHeaders=host, "
            "Signature=00",
            "Credential should have exactly 5 slash-delimited elements, e.g. "
            "keyid/date/region/service/term, got 'AKIAX/20240101/us-east-1/ses'",
        ),
        (
            "AWS4-HMAC-SHA256 Credential=AKIAX/20240101/us-east-1/s3/aws4_request, "
            "SignedHeaders=host, Signature=00",
            "Credential should be scoped to correct service: 'ses'.",
        ),
        (
            "AWS4-HMAC-SHA256 Credential=AKIAX/20240101/Mars/ses/aws4_request, "
            "SignedHeaders=host, Signature=00",
            "Credential should be scoped to a valid region, not 'Mars'.",
        ),
        (
            "AWS4-HMAC-SHA256 Credential=AKIAX/20240101/us-east-1/ses/aws4_request, "
            "SignedHeaders=x-amz-date, Signature=00",
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        ),
        ("AWS3 Credential=AKIAX", "Unsupported AWS 'algorithm': 'AWS3'"),
    ],
)
def test_a_malformed_authorization_header_is_incomplete_signature(
    strict: StrictServer, authorization: str, message: str
) -> None:
    headers = {"Authorization": authorization, "X-Amz-Date": "20240101T000000Z", **FORM}
    v1 = httpx.post(strict.url + "/", content=LIST_IDENTITIES, headers=headers)
    assert v1_error(v1) == (403, "Sender", "IncompleteSignature", message)
    v2 = httpx.get(strict.url + "/v2/email/account", headers=headers)
    assert v2_error(v2) == (403, "IncompleteSignatureException", message)


def test_a_signature_that_is_not_hex_does_not_match(strict: StrictServer) -> None:
    request = signed(strict.url + "/v2/email/account", ENV_KEY, ENV_SECRET, method="GET")
    prepared = request.prepare()
    authorization = prepared.headers["Authorization"]
    headers = [
        (name.encode(), str(value).encode("latin-1"))
        for name, value in prepared.headers.items()
        if name != "Authorization"
    ]
    headers.append((b"Authorization", (authorization[:-64] + "\u00e9" * 64).encode("latin-1")))
    answer = httpx.get(prepared.url, headers=headers)
    assert v2_error(answer) == (403, "InvalidSignatureException", NOT_MATCHING)


def test_a_scope_date_other_than_x_amz_date_does_not_match(strict: StrictServer) -> None:
    headers = {
        "Authorization": f"AWS4-HMAC-SHA256 Credential={ENV_KEY}/20240102/us-east-1/ses/"
        "aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
        "X-Amz-Date": "20240101T000000Z",
    }
    v2 = httpx.get(strict.url + "/v2/email/account", headers=headers)
    assert v2_error(v2) == (
        403,
        "InvalidSignatureException",
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
        "HTTP: '20240102' != '20240101', from '20240101T000000Z'.",
    )


@pytest.mark.parametrize("minutes", [-6, 6])
def test_a_clock_more_than_five_minutes_off_is_refused(
    strict: StrictServer, monkeypatch: pytest.MonkeyPatch, minutes: int
) -> None:
    skewed = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=minutes)
    monkeypatch.setattr(
        "botocore.auth.get_current_datetime",
        lambda remove_tzinfo=True: skewed.replace(tzinfo=None),
    )
    with pytest.raises(ClientError) as v1:
        strict.client("ses", ENV_KEY, ENV_SECRET).list_identities()
    code, text, status = code_message_status(v1)
    assert (code, status) == ("SignatureDoesNotMatch", 403)
    stamp = skewed.strftime("%Y%m%dT%H%M%SZ")
    if minutes < 0:
        assert text.startswith(f"Signature expired: {stamp} is now earlier than ")
        assert text.endswith(" - 5 min.)")
    else:
        assert text.startswith(f"Signature not yet current: {stamp} is still later than ")
        assert text.endswith(" + 5 min.)")
    with pytest.raises(ClientError) as v2:
        strict.client("sesv2", ENV_KEY, ENV_SECRET).get_account()
    assert code_message_status(v2)[0::2] == ("InvalidSignatureException", 403)


def test_a_clock_within_five_minutes_is_taken(
    strict: StrictServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    skewed = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=4)
    monkeypatch.setattr(
        "botocore.auth.get_current_datetime",
        lambda remove_tzinfo=True: skewed.replace(tzinfo=None),
    )
    client = strict.client("ses", ENV_KEY, ENV_SECRET)
    assert client.list_identities()["ResponseMetadata"]["HTTPStatusCode"] == 200


# --- payload hashes, signed headers, service names --------------------------------------------


def test_the_payload_hash_header_and_unsigned_payload(strict: StrictServer) -> None:
    url = strict.url + "/"
    unsigned = {**FORM, "X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"}
    assert send(signed(url, ENV_KEY, ENV_SECRET, body=LIST_IDENTITIES, headers=unsigned)).is_success
    # a claimed hash that is not the body's does not match
    wrong = {**FORM, "X-Amz-Content-SHA256": "0" * 64}
    response = send(signed(url, ENV_KEY, ENV_SECRET, body=LIST_IDENTITIES, headers=wrong))
    assert v1_error(response)[:3] == (403, "Sender", "SignatureDoesNotMatch")
    # a body changed after signing does not match
    request = signed(url, ENV_KEY, ENV_SECRET, body=LIST_IDENTITIES, headers=FORM)
    request.data = b"Action=GetSendQuota&Version=2010-12-01"
    assert v1_error(send(request))[:3] == (403, "Sender", "SignatureDoesNotMatch")


def test_a_signed_header_changed_after_signing_does_not_match(strict: StrictServer) -> None:
    request = signed(
        strict.url + "/v2/email/account",
        ENV_KEY,
        ENV_SECRET,
        method="GET",
        headers={"X-Custom": "one"},
    )
    assert send(request).is_success
    request.headers.replace_header("X-Custom", "two")
    assert v2_error(send(request)) == (403, "InvalidSignatureException", NOT_MATCHING)


def test_the_endpoint_prefix_email_is_taken_as_the_scope_service(strict: StrictServer) -> None:
    request = signed(
        strict.url + "/v2/email/account", ENV_KEY, ENV_SECRET, method="GET", service="email"
    )
    assert send(request).is_success


# --- presigned URLs -----------------------------------------------------------------------------


def test_presigned_get_urls_for_v1_and_v2_reads(strict: StrictServer) -> None:
    v1 = strict.client("ses", strict.key_id, strict.secret)
    url = v1.generate_presigned_url("get_send_quota", HttpMethod="GET", ExpiresIn=60)
    answer = httpx.get(url)
    assert answer.status_code == 200
    assert b"<GetSendQuotaResponse" in answer.content
    v2 = strict.client("sesv2", strict.key_id, strict.secret)
    url = v2.generate_presigned_url("get_account", ExpiresIn=60)
    answer = httpx.get(url)
    assert answer.status_code == 200
    assert answer.json()["SendingEnabled"] is True


def test_a_tampered_or_expired_presigned_url_is_refused(
    strict: StrictServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    v2 = strict.client("sesv2", strict.key_id, strict.secret)
    url = v2.generate_presigned_url("get_account", ExpiresIn=60)
    tampered = url.replace("X-Amz-Expires=60", "X-Amz-Expires=61")
    assert v2_error(httpx.get(tampered)) == (403, "InvalidSignatureException", NOT_MATCHING)
    earlier = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=2)
    monkeypatch.setattr(
        "botocore.auth.get_current_datetime",
        lambda remove_tzinfo=True: earlier.replace(tzinfo=None),
    )
    old = v2.generate_presigned_url("get_account", ExpiresIn=60)
    status, code, text = v2_error(httpx.get(old))
    assert (status, code) == (403, "InvalidSignatureException")
    assert text.startswith(f"Signature expired: {earlier.strftime('%Y%m%dT%H%M%SZ')} is now ")
    missing = httpx.get(strict.url + "/v2/email/account?X-Amz-Algorithm=AWS4-HMAC-SHA256")
    assert v2_error(missing)[:2] == (403, "IncompleteSignatureException")


# --- keys made and deleted while serving ----------------------------------------------------------


def test_a_key_created_while_serving_works_and_a_deleted_one_stops(strict: StrictServer) -> None:
    runner = CliRunner()
    created = runner.invoke(
        main, ["access-keys", "create", "--account", "555555555555"], env=strict.env
    )
    assert created.exit_code == 0, created.output
    key = json.loads(created.stdout)["AccessKey"]
    client = strict.client("sesv2", key["AccessKeyId"], key["SecretAccessKey"])
    deadline = time.monotonic() + 10
    while True:  # an unknown key re-reads the stored ones at most once a second
        try:
            client.get_account()
            break
        except ClientError:
            assert time.monotonic() < deadline
            time.sleep(0.3)
    deleted = runner.invoke(main, ["access-keys", "delete", key["AccessKeyId"]], env=strict.env)
    assert (deleted.exit_code, deleted.stdout) == (0, f"deleted {key['AccessKeyId']}\n")
    deadline = time.monotonic() + 10
    code = None
    while code is None:  # the cache is re-read within 5 seconds
        try:
            client.get_account()
        except ClientError as error:
            code = error.response["Error"]["Code"]
        else:
            assert time.monotonic() < deadline
            time.sleep(0.3)
    assert code == "UnrecognizedClientException"


# --- SMTP ---------------------------------------------------------------------------------------


def test_smtp_takes_only_a_known_keys_derived_password(strict: StrictServer) -> None:
    live = strict.live
    sesv2 = strict.client("sesv2", strict.key_id, strict.secret)
    domain = f"{unique('smtp')}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    password = smtp_password(strict.secret, "us-east-1")
    runner = CliRunner()
    derived = runner.invoke(
        main,
        ["access-keys", "smtp-password", strict.key_id, "--region", "us-east-1"],
        env=strict.env,
    )
    assert (derived.exit_code, derived.stdout) == (0, password + "\n")
    with smtplib.SMTP_SSL("127.0.0.1", live.settings.smtps_port, context=trusting(live)) as smtp:
        with pytest.raises(smtplib.SMTPAuthenticationError) as wrong:
            smtp.login(strict.key_id, smtp_password(strict.secret, "eu-west-1"))
        assert (wrong.value.smtp_code, wrong.value.smtp_error) == (
            535,
            b"Authentication Credentials Invalid",
        )
        with pytest.raises(smtplib.SMTPAuthenticationError) as unknown:
            smtp.login("AKIAUNKNOWN000000000", password)
        assert unknown.value.smtp_code == 535
        assert smtp.login(strict.key_id, password) == (235, b"Authentication successful.")
        refused = smtp.sendmail(f"me@{domain}", ["you@example.net"], message(f"me@{domain}"))
        assert refused == {}
    env_password = smtp_password(ENV_SECRET, "us-east-1")
    with smtplib.SMTP_SSL("127.0.0.1", live.settings.smtps_port, context=trusting(live)) as smtp:
        assert smtp.login(ENV_KEY, env_password)[0] == 235


def test_smtp_from_loopback_without_auth_is_refused_in_strict_mode(strict: StrictServer) -> None:
    live = strict.live
    with smtplib.SMTP_SSL("127.0.0.1", live.settings.smtps_port, context=trusting(live)) as smtp:
        smtp.ehlo()
        assert smtp.mail("me@example.com") == (530, b"Authentication required")


# --- serve --------------------------------------------------------------------------------------


def test_serve_refuses_strict_mode_without_an_admin_token(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["serve", "--database", f"sqlite:///{tmp_path}/x.db"],
        env={"OPENSES_AUTH": "strict", "OPENSES_ADMIN_TOKEN": ""},
    )
    assert result.exit_code == 1
    assert result.output == (
        "Error: OPENSES_AUTH=strict needs OPENSES_ADMIN_TOKEN: openses' own endpoints would "
        "otherwise be open to anyone who reaches them\n"
    )
    assert not (tmp_path / "x.db").exists()
