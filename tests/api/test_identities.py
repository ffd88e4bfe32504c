"""Email identities through boto3, v1 and v2, against the running app."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from openses.config import Settings
from openses.services import identities
from openses.store.database import make_engine
from openses.store.sources import EngineSource
from openses.store.unit_of_work import UnitOfWork
from tests.support import (
    LiveServer,
    authorization,
    database_url,
    error_tuple,
    fresh_account,
    serve_in_thread,
    strip_metadata,
    unique,
)


def _account() -> str:
    """A 12-digit access key id: a fresh account, so listings hold only this test's names."""
    return fresh_account()


def _address() -> str:
    return f"{unique('sender')}@example.com"


def _domain() -> str:
    return f"{unique('d')}.example.org"


@pytest.fixture
def clients(server: LiveServer) -> tuple[Any, Any]:
    """(v2, v1) clients of one fresh account."""
    key = _account()
    return server.client("sesv2", access_key=key), server.client("ses", access_key=key)


# -- v2 -----------------------------------------------------------------------------------------


def test_create_and_get_email_address(sesv2: Any) -> None:
    address = _address()
    created = sesv2.create_email_identity(EmailIdentity=address)
    assert strip_metadata(created) == {
        "IdentityType": "EMAIL_ADDRESS",
        "VerifiedForSendingStatus": True,
    }
    try:
        assert strip_metadata(sesv2.get_email_identity(EmailIdentity=address)) == {
            "IdentityType": "EMAIL_ADDRESS",
            "FeedbackForwardingStatus": True,
            "VerifiedForSendingStatus": True,
            "DkimAttributes": {
                "SigningEnabled": False,
                "Status": "NOT_STARTED",
                "SigningAttributesOrigin": "AWS_SES",
                "NextSigningKeyLength": "RSA_1024_BIT",
            },
            "MailFromAttributes": {"BehaviorOnMxFailure": "USE_DEFAULT_VALUE"},
            "Policies": {},
            "Tags": [],
            "VerificationStatus": "SUCCESS",
            "VerificationInfo": {},
        }
    finally:
        sesv2.delete_email_identity(EmailIdentity=address)


def test_create_domain_has_easy_dkim(sesv2: Any) -> None:
    domain = _domain()
    before = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
    created = strip_metadata(sesv2.create_email_identity(EmailIdentity=domain))
    try:
        dkim = created.pop("DkimAttributes")
        assert created == {"IdentityType": "DOMAIN", "VerifiedForSendingStatus": True}
        generated = dkim.pop("LastKeyGenerationTimestamp")
        tokens = dkim.pop("Tokens")
        assert dkim == {
            "SigningEnabled": True,
            "Status": "SUCCESS",
            "SigningAttributesOrigin": "AWS_SES",
            "NextSigningKeyLength": "RSA_2048_BIT",
            "CurrentSigningKeyLength": "RSA_2048_BIT",
        }
        assert before <= generated <= datetime.datetime.now(datetime.UTC)
        assert len(tokens) == 3
        assert all(re.fullmatch(r"[a-z2-7]{32}", token) for token in tokens)
        assert len(set(tokens)) == 3
        got = sesv2.get_email_identity(EmailIdentity=domain)
        assert got["DkimAttributes"]["Tokens"] == tokens
        assert got["DkimAttributes"]["LastKeyGenerationTimestamp"] == generated
        assert got["IdentityType"] == "DOMAIN"
        assert got["VerificationStatus"] == "SUCCESS"
    finally:
        sesv2.delete_email_identity(EmailIdentity=domain)


def test_create_with_configuration_set_and_tags(sesv2: Any) -> None:
    address = _address()
    config_set = unique("cs")
    sesv2.create_configuration_set(ConfigurationSetName=config_set)
    try:
        sesv2.create_email_identity(
            EmailIdentity=address,
            ConfigurationSetName=config_set,
            Tags=[{"Key": "team", "Value": "mail"}, {"Key": "env", "Value": ""}],
        )
        got = sesv2.get_email_identity(EmailIdentity=address)
        assert got["ConfigurationSetName"] == config_set
        assert got["Tags"] == [{"Key": "team", "Value": "mail"}, {"Key": "env", "Value": ""}]
        sesv2.delete_email_identity(EmailIdentity=address)
        # A re-created identity starts without the old one's tags.
        sesv2.create_email_identity(EmailIdentity=address)
        assert sesv2.get_email_identity(EmailIdentity=address)["Tags"] == []
        sesv2.delete_email_identity(EmailIdentity=address)
    finally:
        sesv2.delete_configuration_set(ConfigurationSetName=config_set)


def test_create_with_missing_configuration_set(sesv2: Any) -> None:
    address = _address()
    missing = unique("missing")
    with pytest.raises(sesv2.exceptions.NotFoundException) as raised:
        sesv2.create_email_identity(EmailIdentity=address, ConfigurationSetName=missing)
    assert error_tuple(raised) == (
        "NotFoundException",
        f"Configuration set <{missing}> does not exist.",
        404,
    )
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.get_email_identity(EmailIdentity=address)


def test_duplicate_identity_already_exists(sesv2: Any) -> None:
    address = _address()
    sesv2.create_email_identity(EmailIdentity=address)
    try:
        with pytest.raises(sesv2.exceptions.AlreadyExistsException) as raised:
            sesv2.create_email_identity(EmailIdentity=address)
        assert error_tuple(raised) == (
            "AlreadyExistsException",
            f"Email identity {address} already exist.",
            400,
        )
    finally:
        sesv2.delete_email_identity(EmailIdentity=address)


@pytest.mark.parametrize("operation", ["get", "delete", "put_configuration_set"])
def test_missing_identity_is_not_found(sesv2: Any, operation: str) -> None:
    name = _address()
    call = {
        "get": sesv2.get_email_identity,
        "delete": sesv2.delete_email_identity,
        "put_configuration_set": sesv2.put_email_identity_configuration_set_attributes,
    }[operation]
    with pytest.raises(sesv2.exceptions.NotFoundException) as raised:
        call(EmailIdentity=name)
    assert error_tuple(raised) == (
        "NotFoundException",
        f"Email identity {name} does not exist.",
        404,
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("no-at-sign_here", "Invalid domain name <no-at-sign_here>."),
        ("two words@example.com", "Invalid email address<two words@example.com>."),
        ("user@", "Invalid email address<user@>."),
        ("user@localhost", "Invalid email address<user@localhost>."),
    ],
)
def test_invalid_identity_name(sesv2: Any, name: str, message: str) -> None:
    with pytest.raises(sesv2.exceptions.BadRequestException) as raised:
        sesv2.create_email_identity(EmailIdentity=name)
    assert error_tuple(raised) == ("BadRequestException", message, 400)


def test_put_configuration_set_attributes(sesv2: Any) -> None:
    address = _address()
    config_set = unique("cs")
    sesv2.create_configuration_set(ConfigurationSetName=config_set)
    sesv2.create_email_identity(EmailIdentity=address)
    try:
        sesv2.put_email_identity_configuration_set_attributes(
            EmailIdentity=address, ConfigurationSetName=config_set
        )
        assert sesv2.get_email_identity(EmailIdentity=address)["ConfigurationSetName"] == config_set
        missing = unique("missing")
        with pytest.raises(sesv2.exceptions.NotFoundException) as raised:
            sesv2.put_email_identity_configuration_set_attributes(
                EmailIdentity=address, ConfigurationSetName=missing
            )
        assert error_tuple(raised) == (
            "NotFoundException",
            f"Configuration set <{missing}> does not exist.",
            404,
        )
        assert sesv2.get_email_identity(EmailIdentity=address)["ConfigurationSetName"] == config_set
        # No name removes the default set.
        sesv2.put_email_identity_configuration_set_attributes(EmailIdentity=address)
        assert "ConfigurationSetName" not in sesv2.get_email_identity(EmailIdentity=address)
    finally:
        sesv2.delete_email_identity(EmailIdentity=address)
        sesv2.delete_configuration_set(ConfigurationSetName=config_set)


def test_list_email_identities_pages(clients: tuple[Any, Any]) -> None:
    sesv2, _ = clients
    assert strip_metadata(sesv2.list_email_identities()) == {"EmailIdentities": []}
    names = sorted([_address(), _address(), _domain(), _domain(), _address()])
    for name in names:
        sesv2.create_email_identity(EmailIdentity=name)

    first = sesv2.list_email_identities(PageSize=2)
    second = sesv2.list_email_identities(PageSize=2, NextToken=first["NextToken"])
    third = sesv2.list_email_identities(PageSize=2, NextToken=second["NextToken"])
    assert "NextToken" not in third
    listed = first["EmailIdentities"] + second["EmailIdentities"] + third["EmailIdentities"]
    assert listed == [
        {
            "IdentityType": "EMAIL_ADDRESS" if "@" in name else "DOMAIN",
            "IdentityName": name,
            "SendingEnabled": True,
            "VerificationStatus": "SUCCESS",
        }
        for name in names
    ]
    domains = sesv2.list_email_identities(Filter={"IDENTITY_TYPE": "DOMAIN"})
    assert [i["IdentityName"] for i in domains["EmailIdentities"]] == [
        n for n in names if "@" not in n
    ]
    contains = sesv2.list_email_identities(Filter={"IDENTITY_NAME_CONTAINS": names[0][:12]})
    assert [i["IdentityName"] for i in contains["EmailIdentities"]] == [names[0]]
    pending = sesv2.list_email_identities(Filter={"VERIFICATION_STATUS": "PENDING"})
    assert pending["EmailIdentities"] == []


@pytest.mark.parametrize("size", [0, 1001])
def test_list_email_identities_page_size_out_of_range(sesv2: Any, size: int) -> None:
    with pytest.raises(sesv2.exceptions.BadRequestException) as raised:
        sesv2.list_email_identities(PageSize=size)
    assert error_tuple(raised) == (
        "BadRequestException",
        "The page size must be between 1 and 1000",
        400,
    )


def test_list_email_identities_bad_filter(sesv2: Any) -> None:
    with pytest.raises(sesv2.exceptions.BadRequestException) as raised:
        sesv2.list_email_identities(Filter={"IDENTITY_TYPE": "PIGEON"})
    assert error_tuple(raised) == (
        "BadRequestException",
        "Invalid value PIGEON for filter IDENTITY_TYPE.",
        400,
    )


def test_list_email_identities_legacy_get_route(server: LiveServer) -> None:
    key = _account()
    sesv2 = server.client("sesv2", access_key=key)
    names = sorted([_address(), _domain()])
    for name in names:
        sesv2.create_email_identity(EmailIdentity=name)
    response = httpx.get(
        f"{server.url}/v2/email/identities",
        params={"PageSize": "1"},
        headers={"Authorization": authorization(key)},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["EmailIdentities"] == [
        {
            "IdentityType": "EMAIL_ADDRESS" if "@" in names[0] else "DOMAIN",
            "IdentityName": names[0],
            "SendingEnabled": True,
            "VerificationStatus": "SUCCESS",
        }
    ]
    rest = sesv2.list_email_identities(NextToken=body["NextToken"])
    assert [i["IdentityName"] for i in rest["EmailIdentities"]] == names[1:]


# -- v1 -----------------------------------------------------------------------------------------


def test_v1_verify_email_identity_is_idempotent(clients: tuple[Any, Any]) -> None:
    sesv2, ses = clients
    address = _address()
    assert strip_metadata(ses.verify_email_identity(EmailAddress=address)) == {}
    assert strip_metadata(ses.verify_email_identity(EmailAddress=address)) == {}
    assert ses.list_identities()["Identities"] == [address]
    assert sesv2.get_email_identity(EmailIdentity=address)["VerificationStatus"] == "SUCCESS"
    assert ses.get_identity_verification_attributes(Identities=[address])[
        "VerificationAttributes"
    ] == {address: {"VerificationStatus": "Success"}}


def test_v1_verify_email_address(clients: tuple[Any, Any]) -> None:
    _, ses = clients
    address = _address()
    assert strip_metadata(ses.verify_email_address(EmailAddress=address)) == {}
    assert ses.list_verified_email_addresses()["VerifiedEmailAddresses"] == [address]
    assert strip_metadata(ses.delete_verified_email_address(EmailAddress=address)) == {}
    assert ses.list_verified_email_addresses()["VerifiedEmailAddresses"] == []
    # Deleting it again is no error.
    ses.delete_verified_email_address(EmailAddress=address)


@pytest.mark.parametrize("operation", ["verify_email_identity", "verify_email_address"])
def test_v1_invalid_email_address(ses: Any, operation: str) -> None:
    with pytest.raises(ses.exceptions.ClientError) as raised:
        getattr(ses, operation)(EmailAddress="fake_email")
    assert error_tuple(raised) == (
        "InvalidParameterValue",
        "Invalid email address<fake_email>.",
        400,
    )


def test_v1_verify_domain_identity_token(clients: tuple[Any, Any]) -> None:
    sesv2, ses = clients
    domain = _domain()
    token = ses.verify_domain_identity(Domain=domain)["VerificationToken"]
    assert re.fullmatch(r"[A-Za-z0-9+/]{43}=", token)
    assert ses.verify_domain_identity(Domain=domain)["VerificationToken"] == token
    assert ses.get_identity_verification_attributes(Identities=[domain])[
        "VerificationAttributes"
    ] == {domain: {"VerificationStatus": "Success", "VerificationToken": token}}
    assert sesv2.get_email_identity(EmailIdentity=domain)["IdentityType"] == "DOMAIN"


def test_v1_invalid_domain(ses: Any) -> None:
    with pytest.raises(ses.exceptions.ClientError) as raised:
        ses.verify_domain_identity(Domain="not a domain")
    assert error_tuple(raised) == (
        "InvalidParameterValue",
        "Invalid domain name <not a domain>.",
        400,
    )


def test_v1_list_identities(clients: tuple[Any, Any]) -> None:
    sesv2, ses = clients
    addresses = sorted([_address(), _address()])
    domains = sorted([_domain(), _domain()])
    for address in addresses:
        ses.verify_email_identity(EmailAddress=address)
    for domain in domains:
        sesv2.create_email_identity(EmailIdentity=domain)

    assert ses.list_identities()["Identities"] == sorted(addresses + domains)
    assert ses.list_identities(IdentityType="EmailAddress")["Identities"] == addresses
    assert ses.list_identities(IdentityType="Domain")["Identities"] == domains
    first = ses.list_identities(MaxItems=3)
    assert first["Identities"] == sorted(addresses + domains)[:3]
    rest = ses.list_identities(MaxItems=3, NextToken=first["NextToken"])
    assert rest["Identities"] == sorted(addresses + domains)[3:]
    assert "NextToken" not in rest


def test_v1_verification_attributes_leave_out_unknown(clients: tuple[Any, Any]) -> None:
    _, ses = clients
    known = _address()
    ses.verify_email_identity(EmailAddress=known)
    response = ses.get_identity_verification_attributes(Identities=[_address(), known])
    assert response["VerificationAttributes"] == {known: {"VerificationStatus": "Success"}}
    assert ses.get_identity_verification_attributes(Identities=[])["VerificationAttributes"] == {}


def test_v1_delete_identity_is_idempotent(clients: tuple[Any, Any]) -> None:
    sesv2, ses = clients
    domain = _domain()
    sesv2.create_email_identity(EmailIdentity=domain)
    assert strip_metadata(ses.delete_identity(Identity=domain)) == {}
    assert ses.list_identities()["Identities"] == []
    assert strip_metadata(ses.delete_identity(Identity=domain)) == {}
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.get_email_identity(EmailIdentity=domain)


# -- isolation ------------------------------------------------------------------------------------


def test_identities_are_scoped_to_account_and_region(server: LiveServer) -> None:
    first_key, second_key = _account(), _account()
    first = server.client("sesv2", access_key=first_key)
    second = server.client("sesv2", access_key=second_key)
    first_west = server.client("sesv2", access_key=first_key, region="eu-west-1")
    second_v1 = server.client("ses", access_key=second_key)
    address = _address()
    first.create_email_identity(EmailIdentity=address)

    for other in (second, first_west):
        with pytest.raises(other.exceptions.NotFoundException):
            other.get_email_identity(EmailIdentity=address)
        with pytest.raises(other.exceptions.NotFoundException):
            other.delete_email_identity(EmailIdentity=address)
        assert other.list_email_identities()["EmailIdentities"] == []
    assert (
        second_v1.get_identity_verification_attributes(Identities=[address])[
            "VerificationAttributes"
        ]
        == {}
    )
    second_v1.delete_identity(Identity=address)

    # The same name is free in the other account, and leaves the first one's in place.
    second.create_email_identity(EmailIdentity=address, Tags=[{"Key": "k", "Value": "2"}])
    assert first.get_email_identity(EmailIdentity=address)["Tags"] == []
    second.delete_email_identity(EmailIdentity=address)
    assert first.get_email_identity(EmailIdentity=address)["IdentityType"] == "EMAIL_ADDRESS"


# -- verification by the operator ---------------------------------------------------------------


@pytest.fixture
def manual_server(backend: str, tmp_path: Path) -> Iterator[LiveServer]:
    """A server that leaves new identities Pending until the operator verifies them."""
    with database_url(backend, str(tmp_path)) as url:
        settings = Settings(database_url=url, auto_verify_identities=False)
        with serve_in_thread(settings) as live:
            yield live


def test_pending_until_the_operator_verifies(manual_server: LiveServer) -> None:
    key = _account()
    sesv2 = manual_server.client("sesv2", access_key=key)
    ses = manual_server.client("ses", access_key=key)
    address, domain = _address(), _domain()
    created = sesv2.create_email_identity(EmailIdentity=address)
    assert strip_metadata(created) == {
        "IdentityType": "EMAIL_ADDRESS",
        "VerifiedForSendingStatus": False,
    }
    token = ses.verify_domain_identity(Domain=domain)["VerificationToken"]
    # v1 VerifyDomainIdentity starts no DKIM: VerifyDomainDkim does (tests/api/test_dkim.py).
    dkim = sesv2.get_email_identity(EmailIdentity=domain)["DkimAttributes"]
    assert dkim["Status"] == "NOT_STARTED"
    assert ses.get_identity_verification_attributes(Identities=[address, domain])[
        "VerificationAttributes"
    ] == {
        address: {"VerificationStatus": "Pending"},
        domain: {"VerificationStatus": "Pending", "VerificationToken": token},
    }
    assert ses.list_verified_email_addresses()["VerifiedEmailAddresses"] == []
    listed = sesv2.list_email_identities(Filter={"VERIFICATION_STATUS": "PENDING"})
    assert [(i["IdentityName"], i["SendingEnabled"]) for i in listed["EmailIdentities"]] == sorted(
        [(address, False), (domain, False)]
    )

    response = httpx.post(
        f"{manual_server.url}/_openses/identities/{address}/verify",
        headers={"Authorization": authorization(key)},
    )
    assert response.status_code == 200
    assert response.json() == {"identity": address, "verificationStatus": "SUCCESS"}
    got = sesv2.get_email_identity(EmailIdentity=address)
    assert (got["VerificationStatus"], got["VerifiedForSendingStatus"]) == ("SUCCESS", True)
    assert ses.list_verified_email_addresses()["VerifiedEmailAddresses"] == [address]
    assert ses.get_identity_verification_attributes(Identities=[domain])[
        "VerificationAttributes"
    ] == {domain: {"VerificationStatus": "Pending", "VerificationToken": token}}


def test_operator_verify_is_scoped_to_the_caller(manual_server: LiveServer) -> None:
    key = _account()
    sesv2 = manual_server.client("sesv2", access_key=key)
    address = _address()
    sesv2.create_email_identity(EmailIdentity=address)
    for headers in (
        {"Authorization": authorization(_account())},
        {"Authorization": authorization(key, "eu-west-1")},
        {},
    ):
        response = httpx.post(
            f"{manual_server.url}/_openses/identities/{address}/verify", headers=headers
        )
        assert response.status_code == 404
        assert response.json() == {"message": f"Email identity {address} does not exist."}
    assert sesv2.get_email_identity(EmailIdentity=address)["VerificationStatus"] == "PENDING"


# -- the sender check of the sending pipeline -----------------------------------------------------


@pytest.fixture
def unit_of_work(server: LiveServer) -> Iterator[tuple[Any, UnitOfWork]]:
    """A v2 client of a fresh account, and a unit of work on the same account and database."""
    key = _account()
    engine = make_engine(server.settings.database_url)
    try:
        yield (
            server.client("sesv2", access_key=key),
            UnitOfWork(EngineSource(engine, write=False), key, "us-east-1"),
        )
    finally:
        engine.dispose()


def _sender_of(uow: UnitOfWork, address: str) -> str | None:
    with uow:
        identity = identities.sending_identity(uow, address)
    return None if identity is None else identity.name


def test_sending_identity(unit_of_work: tuple[Any, UnitOfWork]) -> None:
    sesv2, uow = unit_of_work
    domain = _domain()
    address = f"Owner@{domain}"
    assert _sender_of(uow, address) is None
    sesv2.create_email_identity(EmailIdentity=address)
    assert _sender_of(uow, address) == address
    # The domain part matches in any case; the local part only exactly.
    assert _sender_of(uow, f"Owner@{domain.upper()}") == address
    assert _sender_of(uow, f"owner@{domain}") is None
    assert _sender_of(uow, f"other@{domain}") is None

    sesv2.create_email_identity(EmailIdentity=domain)
    assert _sender_of(uow, address) == address
    assert _sender_of(uow, f"other@{domain}") == domain
    assert _sender_of(uow, f"other@mail.{domain.upper()}") == domain
    assert _sender_of(uow, f"other@x{domain}") is None
    assert _sender_of(uow, "not-an-address") is None


def test_sending_identity_needs_verification(manual_server: LiveServer) -> None:
    key = _account()
    sesv2 = manual_server.client("sesv2", access_key=key)
    domain = _domain()
    address = f"someone@{domain}"
    sesv2.create_email_identity(EmailIdentity=address)
    sesv2.create_email_identity(EmailIdentity=domain)
    engine = make_engine(manual_server.settings.database_url)
    uow = UnitOfWork(EngineSource(engine, write=False), key, "us-east-1")
    try:
        assert _sender_of(uow, address) is None
        httpx.post(
            f"{manual_server.url}/_openses/identities/{domain}/verify",
            headers={"Authorization": authorization(key)},
        ).raise_for_status()
        # A pending address identity inherits its verified domain's verification.
        assert _sender_of(uow, address) == domain
    finally:
        engine.dispose()


def test_list_bad_next_token(sesv2: Any, ses: Any) -> None:
    with pytest.raises(sesv2.exceptions.BadRequestException) as raised:
        sesv2.list_email_identities(NextToken="!!")
    assert error_tuple(raised) == ("BadRequestException", "invalid nextToken !!", 400)
    with pytest.raises(ses.exceptions.ClientError) as raised_v1:
        ses.list_identities(NextToken="!!")
    assert error_tuple(raised_v1) == ("InvalidParameterValue", "invalid nextToken !!", 400)
