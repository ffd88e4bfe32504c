"""Custom MAIL FROM domains through the wire (issue 15): v2 and v1 settings and their errors,
the status with and without auto-verification (the MX check through a local DNS server),
BehaviorOnMxFailure on the send path, and the VERP envelope sender."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from openses.domain.identity import EmailIdentity
from openses.domain.message import new_message_id
from openses.domain.signing import MailFromSettings, SigningStatus
from openses.services import identities, return_path
from openses.store.database import make_engine
from openses.store.sources import EngineSource
from openses.store.unit_of_work import UnitOfWork
from tests.dns_server import Zone, pending_server
from tests.support import LiveServer, authorization, fresh_account, unique, verify_identity


def _domain() -> str:
    return f"{unique('d')}.example.org"


def _error(raised: pytest.ExceptionInfo[Any]) -> tuple[str, str, int]:
    response = raised.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def _not_below(mail_from: str, identity: str) -> str:
    return (
        f"Provided MAIL-FROM domain <{mail_from}> is not subdomain of the domain of the "
        f"identity <{identity}>."
    )


def _send_v2(sesv2: Any, sender: str) -> str:
    message_id: str = sesv2.send_email(
        FromEmailAddress=sender,
        Destination={"ToAddresses": ["someone@example.net"]},
        Content={"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello."}}}},
    )["MessageId"]
    return message_id


def _send_v1(ses: Any, sender: str) -> str:
    message_id: str = ses.send_email(
        Source=sender,
        Destination={"ToAddresses": ["someone@example.net"]},
        Message={"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello."}}},
    )["MessageId"]
    return message_id


def _captured_from(server: LiveServer, key: str, sender: str) -> int:
    response = httpx.get(
        f"{server.url}/_openses/messages",
        params={"from": sender},
        headers={"Authorization": authorization(key)},
    )
    assert response.status_code == 200
    return len(response.json()["messages"])


@pytest.fixture
def clients(server: LiveServer) -> tuple[str, Any, Any]:
    key = fresh_account()
    return key, server.client("sesv2", access_key=key), server.client("ses", access_key=key)


def test_v2_and_v1_settings(clients: tuple[str, Any, Any]) -> None:
    _key, sesv2, ses = clients
    domain = _domain()
    sesv2.create_email_identity(EmailIdentity=domain)
    assert (
        ses.get_identity_mail_from_domain_attributes(Identities=[domain])[
            "MailFromDomainAttributes"
        ]
        == {}
    )
    sesv2.put_email_identity_mail_from_attributes(
        EmailIdentity=domain, MailFromDomain=f"bounce.{domain}"
    )
    assert sesv2.get_email_identity(EmailIdentity=domain)["MailFromAttributes"] == {
        "MailFromDomain": f"bounce.{domain}",
        "MailFromDomainStatus": "SUCCESS",
        "BehaviorOnMxFailure": "USE_DEFAULT_VALUE",
    }
    ses.set_identity_mail_from_domain(
        Identity=domain, MailFromDomain=f"Mail.{domain}", BehaviorOnMXFailure="RejectMessage"
    )
    assert ses.get_identity_mail_from_domain_attributes(Identities=[domain, "x.example.org"])[
        "MailFromDomainAttributes"
    ] == {
        domain: {
            "MailFromDomain": f"mail.{domain}",
            "MailFromDomainStatus": "Success",
            "BehaviorOnMXFailure": "RejectMessage",
        }
    }
    assert sesv2.get_email_identity(EmailIdentity=domain)["MailFromAttributes"] == {
        "MailFromDomain": f"mail.{domain}",
        "MailFromDomainStatus": "SUCCESS",
        "BehaviorOnMxFailure": "REJECT_MESSAGE",
    }
    # An address identity takes a MAIL FROM domain below its own domain.
    address = f"me@{domain}"
    ses.verify_email_identity(EmailAddress=address)
    ses.set_identity_mail_from_domain(Identity=address, MailFromDomain=f"me.{domain}")
    assert sesv2.get_email_identity(EmailIdentity=address)["MailFromAttributes"] == {
        "MailFromDomain": f"me.{domain}",
        "MailFromDomainStatus": "SUCCESS",
        "BehaviorOnMxFailure": "USE_DEFAULT_VALUE",
    }
    # No domain turns it off.
    sesv2.put_email_identity_mail_from_attributes(
        EmailIdentity=domain, BehaviorOnMxFailure="REJECT_MESSAGE"
    )
    assert sesv2.get_email_identity(EmailIdentity=domain)["MailFromAttributes"] == {
        "BehaviorOnMxFailure": "REJECT_MESSAGE"
    }
    assert (
        ses.get_identity_mail_from_domain_attributes(Identities=[domain])[
            "MailFromDomainAttributes"
        ]
        == {}
    )
    _send_v2(sesv2, f"other@{domain}")  # REJECT_MESSAGE without a custom domain rejects nothing


def test_bad_mail_from_domains_change_nothing(clients: tuple[str, Any, Any]) -> None:
    _key, sesv2, ses = clients
    domain = _domain()
    sesv2.create_email_identity(EmailIdentity=domain)
    sesv2.put_email_identity_mail_from_attributes(
        EmailIdentity=domain, MailFromDomain=f"bounce.{domain}"
    )
    before = sesv2.get_email_identity(EmailIdentity=domain)["MailFromAttributes"]
    for value, message in (
        ("mail.example.org", _not_below("mail.example.org", domain)),
        (domain, _not_below(domain, domain)),
        ("not a domain", "Invalid domain name <not a domain>."),
    ):
        with pytest.raises(sesv2.exceptions.ClientError) as raised:
            sesv2.put_email_identity_mail_from_attributes(
                EmailIdentity=domain, MailFromDomain=value
            )
        assert _error(raised) == ("BadRequestException", message, 400)
        with pytest.raises(ses.exceptions.ClientError) as raised:
            ses.set_identity_mail_from_domain(Identity=domain, MailFromDomain=value)
        assert _error(raised) == ("InvalidParameterValue", message, 400)
    assert sesv2.get_email_identity(EmailIdentity=domain)["MailFromAttributes"] == before
    missing = f"missing-{domain}"
    with pytest.raises(sesv2.exceptions.ClientError) as raised:
        sesv2.put_email_identity_mail_from_attributes(
            EmailIdentity=missing, MailFromDomain=f"m.{missing}"
        )
    assert _error(raised) == ("NotFoundException", f"Email identity {missing} does not exist.", 404)
    with pytest.raises(ses.exceptions.ClientError) as raised:
        ses.set_identity_mail_from_domain(Identity=missing, MailFromDomain=f"m.{missing}")
    assert _error(raised) == (
        "InvalidParameterValue",
        f"Email identity {missing} does not exist.",
        400,
    )


# -- without auto-verification: the MX check and BehaviorOnMxFailure ---------------------------


@pytest.fixture(scope="module")
def checked(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, Zone]]:
    tmp = tmp_path_factory.mktemp(f"mail-from-{backend}")
    with pending_server(backend, str(tmp), return_path_domain="returns.{region}.example.net") as (
        live,
        zone,
    ):
        yield live, zone


def test_reject_message_until_the_mx_record_is_found(checked: tuple[LiveServer, Zone]) -> None:
    server, zone = checked
    key = fresh_account()
    sesv2 = server.client("sesv2", access_key=key)
    ses = server.client("ses", access_key=key)
    domain = _domain()
    ses.verify_domain_identity(Domain=domain)
    address = f"me@{domain}"
    ses.verify_email_identity(EmailAddress=address)
    verify_identity(server, key, address)
    mail_from = f"bounce.{domain}"
    ses.set_identity_mail_from_domain(
        Identity=domain, MailFromDomain=mail_from, BehaviorOnMXFailure="RejectMessage"
    )
    assert sesv2.get_email_identity(EmailIdentity=domain)["MailFromAttributes"] == {
        "MailFromDomain": mail_from,
        "MailFromDomainStatus": "PENDING",
        "BehaviorOnMxFailure": "REJECT_MESSAGE",
    }
    assert httpx.get(
        f"{server.url}/_openses/identities/{domain}/dns",
        headers={"Authorization": authorization(key)},
    ).json() == {
        "identity": domain,
        "records": [
            {
                "name": mail_from,
                "type": "MX",
                "value": "10 returns.us-east-1.example.net",
                "purpose": "MAIL FROM",
                "publishedBy": "owner",
            }
        ],
    }
    # No MX record yet: the domain verifies, its MAIL FROM fails, and sends are refused.
    assert verify_identity(server, key, domain) == {
        "identity": domain,
        "verificationStatus": "SUCCESS",
        "mailFromDomainStatus": "FAILED",
    }
    message = (
        f"The custom MAIL FROM domain <{mail_from}> of identity <{domain}> is not verified, "
        "and the identity rejects messages while it is not."
    )
    for sender in (f"news@{domain}", address):  # an address uses its domain's MAIL FROM
        with pytest.raises(sesv2.exceptions.ClientError) as raised:
            _send_v2(sesv2, sender)
        assert _error(raised) == ("MailFromDomainNotVerifiedException", message, 400)
        with pytest.raises(ses.exceptions.ClientError) as raised:
            _send_v1(ses, sender)
        assert _error(raised) == ("MailFromDomainNotVerifiedException", message, 400)
        assert _captured_from(server, key, sender) == 0
    # USE_DEFAULT_VALUE sends while the domain is not verified.
    ses.set_identity_mail_from_domain(
        Identity=domain, MailFromDomain=mail_from, BehaviorOnMXFailure="UseDefaultValue"
    )
    assert sesv2.get_email_identity(EmailIdentity=domain)["MailFromAttributes"] == {
        "MailFromDomain": mail_from,
        "MailFromDomainStatus": "FAILED",
        "BehaviorOnMxFailure": "USE_DEFAULT_VALUE",
    }
    message_id = _send_v2(sesv2, f"news@{domain}")
    assert _envelope_sender(server, key, domain, message_id) == (
        f"{message_id}@returns.us-east-1.example.net"
    )
    # The MX record is published: SUCCESS, and REJECT_MESSAGE no longer rejects.
    ses.set_identity_mail_from_domain(
        Identity=domain, MailFromDomain=mail_from, BehaviorOnMXFailure="RejectMessage"
    )
    zone.mx(mail_from, 10, "returns.us-east-1.example.net")
    assert verify_identity(server, key, domain)["mailFromDomainStatus"] == "SUCCESS"
    message_id = _send_v1(ses, address)
    assert _captured_from(server, key, address) == 1
    assert _envelope_sender(server, key, address, message_id) == f"{message_id}@{mail_from}"


def test_a_dns_failure_is_temporary(checked: tuple[LiveServer, Zone]) -> None:
    server, _zone = checked
    key = fresh_account()
    ses = server.client("ses", access_key=key)
    domain = _domain()
    ses.verify_domain_identity(Domain=domain)
    ses.set_identity_mail_from_domain(Identity=domain, MailFromDomain=f"x.servfail.{domain}")
    assert verify_identity(server, key, domain)["mailFromDomainStatus"] == "TEMPORARY_FAILURE"
    assert (
        ses.get_identity_mail_from_domain_attributes(Identities=[domain])[
            "MailFromDomainAttributes"
        ][domain]["MailFromDomainStatus"]
        == "TemporaryFailure"
    )


def _envelope_sender(server: LiveServer, key: str, name: str, message_id: str) -> str:
    """The MAIL FROM openses gives a message of ``name``, as the delivery engine asks it."""
    engine = make_engine(server.settings.database_url)
    try:
        identity = identities.get(
            UnitOfWork(EngineSource(engine, write=False), key, "us-east-1"), name
        )
        uow = UnitOfWork(EngineSource(engine, write=False), key, "us-east-1")
        with uow:
            return return_path.envelope_sender_for(
                uow,
                identity,
                message_id,
                default_return_domain=server.settings.return_path_domain,
            )
    finally:
        engine.dispose()


# -- the VERP envelope sender -------------------------------------------------------------------


def test_envelope_sender_and_its_parser() -> None:
    now = datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC)
    message_id = new_message_id(now)
    identity = EmailIdentity(name="example.com", created_at=now)
    assert return_path.envelope_sender(identity, message_id, "eu-west-1") == (
        f"{message_id}@eu-west-1.openses.invalid"
    )
    assert (
        return_path.envelope_sender(
            identity, message_id, "eu-west-1", default_return_domain="bounces.{region}.example.net"
        )
        == f"{message_id}@bounces.eu-west-1.example.net"
    )
    identity.mail_from = MailFromSettings(domain="mail.example.com", status=SigningStatus.SUCCESS)
    sender = return_path.envelope_sender(identity, message_id, "eu-west-1")
    assert sender == f"{message_id}@mail.example.com"
    identity.mail_from = MailFromSettings(domain="mail.example.com", status=SigningStatus.PENDING)
    assert return_path.envelope_sender(identity, message_id, "eu-west-1") == (
        f"{message_id}@eu-west-1.openses.invalid"
    )
    assert return_path.message_id_from_return_path(sender) == message_id
    assert return_path.message_id_from_return_path(f"<{sender.upper()}>") == message_id
    for other in ("someone@example.com", "", "no-at-sign", f"{message_id}@", f"x{message_id}@a.b"):
        assert return_path.message_id_from_return_path(other) is None
