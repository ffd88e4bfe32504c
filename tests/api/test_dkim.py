"""DKIM through the wire (issue 15): Easy DKIM and BYODKIM in v2 and v1, the records
/_openses/identities/{name}/dns shows, signatures on captured mail that dkimpy verifies
against those records, and the DNS check when identities do not verify at once."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

import dkim as dkimpy
import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.dns_server import Zone, pending_server
from tests.support import LiveServer, authorization, fresh_account, unique, verify_identity

SIGNED_BY_SES = [
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "subject",
    "from",
    "to",
    "date",
    "message-id",
]


def _domain() -> str:
    return f"{unique('d')}.example.org"


def _strip(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def _error(raised: pytest.ExceptionInfo[Any]) -> tuple[str, str, int]:
    response = raised.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def _records(server: LiveServer, key: str, name: str) -> list[dict[str, str]]:
    response = httpx.get(
        f"{server.url}/_openses/identities/{name}/dns",
        headers={"Authorization": authorization(key)},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["identity"] == name
    records: list[dict[str, str]] = body["records"]
    return records


def _send(sesv2: Any, sender: str) -> bytes:
    """Sends a simple mail and returns the captured bytes."""
    message_id = sesv2.send_email(
        FromEmailAddress=sender,
        Destination={"ToAddresses": ["someone@example.net"]},
        Content={"Simple": {"Subject": {"Data": "Signed?"}, "Body": {"Text": {"Data": "Hello."}}}},
    )["MessageId"]
    url = sesv2.meta.endpoint_url
    # /_openses is per account: read it as the client's own (botocore keeps its key here)
    key = sesv2._request_signer._credentials.access_key
    raw = httpx.get(
        f"{url}/_openses/messages/{message_id}/raw", headers={"Authorization": authorization(key)}
    )
    assert raw.status_code == 200
    return raw.content


def _signature_tags(raw: bytes) -> dict[str, str]:
    head = raw.split(b"\n\n", 1)[0].decode()
    found = re.search(r"^DKIM-Signature:(.*?)(?=^\S)", head + "\nEnd:", re.M | re.S)
    assert found is not None, "no DKIM-Signature"
    tags = {}
    for tag in "".join(found.group(1).split()).split(";"):
        if tag:
            name, _, value = tag.partition("=")
            tags[name] = value
    return tags


def _verifies(raw: bytes, records: dict[str, str]) -> bool:
    """dkimpy's verdict, with DNS answered from ``records`` (name -> TXT value)."""

    def lookup(name: bytes, timeout: int = 5) -> bytes | None:
        value = records.get(name.decode().rstrip(".").lower())
        return value.encode() if value is not None else None

    return bool(dkimpy.verify(raw, dnsfunc=lookup))


def _txt_records(records: list[dict[str, str]]) -> dict[str, str]:
    return {r["name"]: r["value"] for r in records if r["type"] == "TXT"}


def _der_base64(key: Any, pkcs8: bool) -> str:
    private_format = (
        serialization.PrivateFormat.PKCS8
        if pkcs8
        else serialization.PrivateFormat.TraditionalOpenSSL
    )
    der = key.private_bytes(
        serialization.Encoding.DER, private_format, serialization.NoEncryption()
    )
    return base64.b64encode(der).decode()


def _public_record(key: rsa.RSAPrivateKey) -> str:
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return f"v=DKIM1; k=rsa; p={base64.b64encode(der).decode()}"


@pytest.fixture
def clients(server: LiveServer) -> tuple[str, Any, Any]:
    key = fresh_account()
    return key, server.client("sesv2", access_key=key), server.client("ses", access_key=key)


# -- Easy DKIM ----------------------------------------------------------------------------------


def test_easy_dkim_records_and_a_signature_that_verifies(
    server: LiveServer, clients: tuple[str, Any, Any]
) -> None:
    key, sesv2, _ses = clients
    domain = _domain()
    tokens = sesv2.create_email_identity(EmailIdentity=domain)["DkimAttributes"]["Tokens"]
    records = _records(server, key, domain)
    value = records[0]["value"]
    assert re.fullmatch(r"v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+=*", value)
    assert records == [
        {
            "name": f"{token}._domainkey.{domain}",
            "type": "TXT",
            "value": value,
            "purpose": "DKIM",
            "publishedBy": "owner",
        }
        for token in tokens
    ]
    raw = _send(sesv2, f"me@{domain}")
    tags = _signature_tags(raw)
    assert (tags["v"], tags["a"], tags["c"], tags["d"], tags["s"]) == (
        "1",
        "rsa-sha256",
        "relaxed/relaxed",
        domain,
        tokens[0],
    )
    assert tags["h"].split(":") == SIGNED_BY_SES
    assert _verifies(raw, _txt_records(records))
    # Another key does not verify it: the check is real.
    other = _public_record(rsa.generate_private_key(public_exponent=65537, key_size=1024))
    assert not _verifies(raw, {f"{tokens[0]}._domainkey.{domain}": other})


def test_a_subdomain_and_an_address_sign_with_their_domain_key(
    server: LiveServer, clients: tuple[str, Any, Any]
) -> None:
    key, sesv2, ses = clients
    domain = _domain()
    sesv2.create_email_identity(EmailIdentity=domain)
    address = f"someone@{domain}"
    sesv2.create_email_identity(EmailIdentity=address)
    records = _txt_records(_records(server, key, domain))
    for sender in (address, f"news@sub.{domain}"):
        raw = _send(sesv2, sender)
        assert _signature_tags(raw)["d"] == domain
        assert _verifies(raw, records)
    # The address turns signing off for itself; the rest of the domain still signs.
    ses.set_identity_dkim_enabled(Identity=address, DkimEnabled=False)
    assert b"DKIM-Signature" not in _send(sesv2, address)
    assert _verifies(_send(sesv2, f"other@{domain}"), records)
    ses.set_identity_dkim_enabled(Identity=address, DkimEnabled=True)
    assert sesv2.get_email_identity(EmailIdentity=address)["DkimAttributes"] == {
        "SigningEnabled": True,
        "Status": "NOT_STARTED",
        "SigningAttributesOrigin": "AWS_SES",
        "NextSigningKeyLength": "RSA_1024_BIT",
    }
    assert _verifies(_send(sesv2, address), records)


def test_signing_can_be_turned_off_and_on(clients: tuple[str, Any, Any]) -> None:
    _key, sesv2, ses = clients
    domain = _domain()
    sesv2.create_email_identity(EmailIdentity=domain)
    assert _strip(sesv2.put_email_identity_dkim_attributes(EmailIdentity=domain)) == {}
    dkim = sesv2.get_email_identity(EmailIdentity=domain)["DkimAttributes"]
    assert (dkim["SigningEnabled"], dkim["Status"]) == (False, "SUCCESS")
    assert b"DKIM-Signature" not in _send(sesv2, f"me@{domain}")
    assert (
        ses.get_identity_dkim_attributes(Identities=[domain])["DkimAttributes"][domain][
            "DkimEnabled"
        ]
        is False
    )
    sesv2.put_email_identity_dkim_attributes(EmailIdentity=domain, SigningEnabled=True)
    assert sesv2.get_email_identity(EmailIdentity=domain)["DkimAttributes"]["SigningEnabled"]
    assert b"DKIM-Signature" in _send(sesv2, f"me@{domain}")


def test_a_new_key_length_makes_a_new_key(
    server: LiveServer, clients: tuple[str, Any, Any]
) -> None:
    key, sesv2, _ses = clients
    domain = _domain()
    created = sesv2.create_email_identity(
        EmailIdentity=domain, DkimSigningAttributes={"NextSigningKeyLength": "RSA_1024_BIT"}
    )["DkimAttributes"]
    assert (created["NextSigningKeyLength"], created["CurrentSigningKeyLength"]) == (
        "RSA_1024_BIT",
        "RSA_1024_BIT",
    )
    before = _records(server, key, domain)
    answer = sesv2.put_email_identity_dkim_signing_attributes(
        EmailIdentity=domain,
        SigningAttributesOrigin="AWS_SES",
        SigningAttributes={"NextSigningKeyLength": "RSA_2048_BIT"},
    )
    assert _strip(answer) == {"DkimStatus": "SUCCESS", "DkimTokens": created["Tokens"]}
    dkim = sesv2.get_email_identity(EmailIdentity=domain)["DkimAttributes"]
    assert (dkim["NextSigningKeyLength"], dkim["CurrentSigningKeyLength"]) == (
        "RSA_2048_BIT",
        "RSA_2048_BIT",
    )
    assert dkim["LastKeyGenerationTimestamp"] > created["LastKeyGenerationTimestamp"]
    after = _records(server, key, domain)
    assert after[0]["value"] != before[0]["value"]
    raw = _send(sesv2, f"me@{domain}")
    assert _verifies(raw, _txt_records(after))
    assert not _verifies(raw, _txt_records(before))


# -- BYODKIM ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("bits", "pkcs8"), [(1024, False), (2048, True)])
def test_byodkim_signs_with_the_callers_key(
    server: LiveServer, clients: tuple[str, Any, Any], bits: int, pkcs8: bool
) -> None:
    key, sesv2, ses = clients
    domain = _domain()
    private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    sesv2.create_email_identity(EmailIdentity=domain)
    answer = sesv2.put_email_identity_dkim_signing_attributes(
        EmailIdentity=domain,
        SigningAttributesOrigin="EXTERNAL",
        SigningAttributes={
            "DomainSigningSelector": "mykey",
            "DomainSigningPrivateKey": _der_base64(private, pkcs8),
        },
    )
    assert _strip(answer) == {"DkimStatus": "SUCCESS", "DkimTokens": ["mykey"]}
    assert sesv2.get_email_identity(EmailIdentity=domain)["DkimAttributes"] == {
        "SigningEnabled": True,
        "Status": "SUCCESS",
        "Tokens": ["mykey"],
        "SigningAttributesOrigin": "EXTERNAL",
    }
    assert ses.get_identity_dkim_attributes(Identities=[domain])["DkimAttributes"] == {
        domain: {"DkimEnabled": True, "DkimVerificationStatus": "Success", "DkimTokens": ["mykey"]}
    }
    record = _public_record(private)
    assert _records(server, key, domain) == [
        {
            "name": f"mykey._domainkey.{domain}",
            "type": "TXT",
            "value": record,
            "purpose": "DKIM",
            "publishedBy": "owner",
        }
    ]
    raw = _send(sesv2, f"me@{domain}")
    assert _signature_tags(raw)["s"] == "mykey"
    assert _verifies(raw, {f"mykey._domainkey.{domain}": record})


def test_create_with_byodkim(clients: tuple[str, Any, Any]) -> None:
    _key, sesv2, _ses = clients
    domain = _domain()
    private = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    created = sesv2.create_email_identity(
        EmailIdentity=domain,
        DkimSigningAttributes={
            "DomainSigningSelector": "s1",
            "DomainSigningPrivateKey": _der_base64(private, False),
        },
    )
    assert _strip(created) == {
        "IdentityType": "DOMAIN",
        "VerifiedForSendingStatus": True,
        "DkimAttributes": {
            "SigningEnabled": True,
            "Status": "SUCCESS",
            "Tokens": ["s1"],
            "SigningAttributesOrigin": "EXTERNAL",
        },
    }
    raw = _send(sesv2, f"me@{domain}")
    assert _verifies(raw, {f"s1._domainkey.{domain}": _public_record(private)})


def _bad_keys() -> list[tuple[str, str]]:
    large = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    curve = ec.generate_private_key(ec.SECP256R1())
    unreadable = (
        "Invalid private key: DomainSigningPrivateKey must be the base64 encoding of an RSA "
        "private key in DER form (PKCS#1 or PKCS#8)."
    )
    return [
        (base64.b64encode(b"not a key at all").decode(), unreadable),
        (_der_base64(curve, True), unreadable),
        (
            _der_base64(large, False),
            "Invalid private key: the key has 3072 bits; DKIM signing keys must have 1024 to "
            "2048 bits.",
        ),
    ]


def test_bad_signing_attributes_change_nothing(
    server: LiveServer, clients: tuple[str, Any, Any]
) -> None:
    key, sesv2, _ses = clients
    domain = _domain()
    sesv2.create_email_identity(EmailIdentity=domain)
    before = sesv2.get_email_identity(EmailIdentity=domain)["DkimAttributes"]
    records = _records(server, key, domain)
    cases: list[tuple[str, dict[str, Any], tuple[str, str, int]]] = [
        (
            domain,
            {
                "SigningAttributesOrigin": "EXTERNAL",
                "SigningAttributes": {"DomainSigningSelector": "a"},
            },
            (
                "BadRequestException",
                "DomainSigningPrivateKey is required when SigningAttributesOrigin is EXTERNAL.",
                400,
            ),
        ),
        (
            domain,
            {"SigningAttributesOrigin": "AWS_SES_US_EAST_1"},
            (
                "BadRequestException",
                "SigningAttributesOrigin AWS_SES_US_EAST_1 is not supported: use AWS_SES or "
                "EXTERNAL.",
                400,
            ),
        ),
        (
            f"me@{domain}",
            {"SigningAttributesOrigin": "AWS_SES"},
            (
                "BadRequestException",
                "DKIM signing attributes can only be set for a domain identity, not "
                f"<me@{domain}>.",
                400,
            ),
        ),
        (
            f"missing-{domain}",
            {"SigningAttributesOrigin": "AWS_SES"},
            ("NotFoundException", f"Email identity missing-{domain} does not exist.", 404),
        ),
    ]
    sesv2.create_email_identity(EmailIdentity=f"me@{domain}")
    for private_key, message in _bad_keys():
        attributes = {"DomainSigningSelector": "sel", "DomainSigningPrivateKey": private_key}
        cases.append(
            (
                domain,
                {"SigningAttributesOrigin": "EXTERNAL", "SigningAttributes": attributes},
                ("BadRequestException", message, 400),
            )
        )
    for name, arguments, expected in cases:
        with pytest.raises(sesv2.exceptions.ClientError) as raised:
            sesv2.put_email_identity_dkim_signing_attributes(EmailIdentity=name, **arguments)
        assert _error(raised) == expected
    assert sesv2.get_email_identity(EmailIdentity=domain)["DkimAttributes"] == before
    assert _records(server, key, domain) == records
    with pytest.raises(sesv2.exceptions.ClientError) as raised:
        sesv2.create_email_identity(
            EmailIdentity=f"other@{domain}",
            DkimSigningAttributes={"NextSigningKeyLength": "RSA_1024_BIT"},
        )
    assert _error(raised) == (
        "BadRequestException",
        f"DKIM signing attributes can only be set for a domain identity, not <other@{domain}>.",
        400,
    )
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.get_email_identity(EmailIdentity=f"other@{domain}")


def test_dns_endpoint_for_a_missing_identity(server: LiveServer) -> None:
    response = httpx.get(
        f"{server.url}/_openses/identities/nothing.example.org/dns",
        headers={"Authorization": authorization(fresh_account())},
    )
    assert (response.status_code, response.json()) == (
        404,
        {"message": "Email identity nothing.example.org does not exist."},
    )


# -- v1 -----------------------------------------------------------------------------------------


def test_v1_easy_dkim(server: LiveServer, clients: tuple[str, Any, Any]) -> None:
    key, sesv2, ses = clients
    domain, legacy = _domain(), _domain()
    ses.verify_domain_identity(Domain=legacy)
    tokens = ses.verify_domain_dkim(Domain=domain)["DkimTokens"]
    assert len(tokens) == 3
    assert ses.verify_domain_dkim(Domain=domain)["DkimTokens"] == tokens
    assert sesv2.get_email_identity(EmailIdentity=domain)["DkimAttributes"]["Tokens"] == tokens
    address = f"me@{domain}"
    ses.verify_email_identity(EmailAddress=address)
    answer = ses.get_identity_dkim_attributes(Identities=[domain, legacy, address, "x@nowhere.org"])
    assert answer["DkimAttributes"] == {
        domain: {"DkimEnabled": True, "DkimVerificationStatus": "Success", "DkimTokens": tokens},
        legacy: {"DkimEnabled": False, "DkimVerificationStatus": "NotStarted"},
        address: {
            "DkimEnabled": False,
            "DkimVerificationStatus": "NotStarted",
            "DkimTokens": tokens,
        },
    }
    assert _verifies(_send(sesv2, address), _txt_records(_records(server, key, domain)))
    # The domain of a legacy identity has no DKIM: its address cannot sign.
    with pytest.raises(ses.exceptions.ClientError) as raised:
        ses.set_identity_dkim_enabled(Identity=f"me@{legacy}", DkimEnabled=True)
    assert _error(raised) == (
        "InvalidParameterValue",
        f"Email identity me@{legacy} does not exist.",
        400,
    )
    ses.verify_email_identity(EmailAddress=f"me@{legacy}")
    with pytest.raises(ses.exceptions.ClientError) as raised:
        ses.set_identity_dkim_enabled(Identity=f"me@{legacy}", DkimEnabled=True)
    assert _error(raised) == (
        "InvalidParameterValue",
        f"DKIM signing can be enabled for <me@{legacy}> only once its domain is set up for DKIM.",
        400,
    )
    assert b"DKIM-Signature" not in _send(sesv2, f"me@{legacy}")
    # VerifyDomainDkim on a legacy domain starts Easy DKIM there.
    ses.verify_domain_dkim(Domain=legacy)
    assert b"DKIM-Signature" in _send(sesv2, f"me@{legacy}")


# -- the DNS check, when identities do not verify at once --------------------------------------


@pytest.fixture(scope="module")
def checked(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, Zone]]:
    """A server that leaves identities pending, with its own DNS, and Easy DKIM records as
    CNAMEs towards dkim.keys.example.net."""
    tmp = tmp_path_factory.mktemp(f"dkim-{backend}")
    with pending_server(backend, str(tmp), dkim_domain="keys.example.net") as (live, zone):
        yield live, zone


def test_signing_starts_after_the_dns_check(checked: tuple[LiveServer, Zone]) -> None:
    server, zone = checked
    key = fresh_account()
    sesv2 = server.client("sesv2", access_key=key)
    domain = _domain()
    created = sesv2.create_email_identity(EmailIdentity=domain)["DkimAttributes"]
    assert (created["SigningEnabled"], created["Status"]) == (True, "PENDING")
    assert created["SigningHostedZone"] == "dkim.keys.example.net"
    tokens = created["Tokens"]
    records = _records(server, key, domain)
    value = records[1]["value"]
    assert records == [
        record
        for token in tokens
        for record in (
            {
                "name": f"{token}._domainkey.{domain}",
                "type": "CNAME",
                "value": f"{token}.dkim.keys.example.net",
                "purpose": "DKIM",
                "publishedBy": "owner",
            },
            {
                "name": f"{token}.dkim.keys.example.net",
                "type": "TXT",
                "value": value,
                "purpose": "DKIM",
                "publishedBy": "operator",
            },
        )
    ]
    # Nothing published: the identity verifies (the operator says so), DKIM fails.
    assert verify_identity(server, key, domain) == {
        "identity": domain,
        "verificationStatus": "SUCCESS",
        "dkimStatus": "FAILED",
    }
    assert b"DKIM-Signature" not in _send(sesv2, f"me@{domain}")
    # The operator's TXT records, but the owner's CNAMEs only in part: still FAILED.
    for token in tokens:
        zone.txt(f"{token}.dkim.keys.example.net", value)
    zone.cname(f"{tokens[0]}._domainkey.{domain}", f"{tokens[0]}.dkim.keys.example.net")
    assert verify_identity(server, key, domain)["dkimStatus"] == "FAILED"
    for token in tokens[1:]:
        zone.cname(f"{token}._domainkey.{domain}", f"{token}.dkim.keys.example.net")
    assert verify_identity(server, key, domain)["dkimStatus"] == "SUCCESS"
    dkim = sesv2.get_email_identity(EmailIdentity=domain)["DkimAttributes"]
    assert (dkim["SigningEnabled"], dkim["Status"]) == (True, "SUCCESS")
    raw = _send(sesv2, f"me@{domain}")
    assert _verifies(raw, {f"{tokens[0]}._domainkey.{domain}": value})


def test_a_key_published_wrong_fails_the_check(checked: tuple[LiveServer, Zone]) -> None:
    server, zone = checked
    key = fresh_account()
    sesv2 = server.client("sesv2", access_key=key)
    domain = _domain()
    private = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    sesv2.create_email_identity(
        EmailIdentity=domain,
        DkimSigningAttributes={
            "DomainSigningSelector": "byo",
            "DomainSigningPrivateKey": _der_base64(private, True),
        },
    )
    other = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    zone.txt(f"byo._domainkey.{domain}", _public_record(other))
    assert verify_identity(server, key, domain)["dkimStatus"] == "FAILED"
    zone.txt(f"byo._domainkey.{domain}", _public_record(private))
    assert verify_identity(server, key, domain)["dkimStatus"] == "SUCCESS"
    # A new key has to be found again.
    answer = sesv2.put_email_identity_dkim_signing_attributes(
        EmailIdentity=domain, SigningAttributesOrigin="AWS_SES"
    )
    assert answer["DkimStatus"] == "PENDING"
    assert answer["SigningHostedZone"] == "dkim.keys.example.net"
    assert b"DKIM-Signature" not in _send(sesv2, f"me@{domain}")


def test_no_answer_from_dns_is_a_temporary_failure(checked: tuple[LiveServer, Zone]) -> None:
    server, _zone = checked
    key = fresh_account()
    sesv2 = server.client("sesv2", access_key=key)
    domain = f"{unique('d')}.servfail.example.org"
    sesv2.create_email_identity(EmailIdentity=domain)
    assert verify_identity(server, key, domain)["dkimStatus"] == "TEMPORARY_FAILURE"
    assert (
        sesv2.get_email_identity(EmailIdentity=domain)["DkimAttributes"]["Status"]
        == "TEMPORARY_FAILURE"
    )
