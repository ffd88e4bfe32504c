"""Resource quotas as AWS's (issue 18): templates and identities per account and region
(OPENSES_MAX_TEMPLATES, OPENSES_MAX_IDENTITIES, AWS's 10,000 by default, lowered here), 500 KB
per template; and OPENSES_THROTTLE=aws, SES's one API call a second."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from openses.config import Settings
from tests.api.quota_support import simple
from tests.support import (
    LiveServer,
    database_url,
    error_dict,
    error_tuple,
    fresh_account,
    sender_error,
    serve_in_thread,
    unique,
)

LIMIT = 3
MAX_TEMPLATE_BYTES = 500 * 1024


@pytest.fixture(scope="module")
def limited(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp(f"resource-quotas-{backend}")
    with database_url(backend, str(tmp)) as url:
        settings = Settings(
            database_url=url,
            validate_destinations=False,
            dispatch_events=False,
            max_templates=LIMIT,
            max_identities=LIMIT,
            smtp_port=0,
            smtps_port=0,
        )
        with serve_in_thread(settings) as live:
            yield live


@pytest.fixture
def account() -> str:
    return fresh_account()


@pytest.fixture
def sesv2(limited: LiveServer, account: str) -> Any:
    return limited.client("sesv2", access_key=account)


@pytest.fixture
def ses(limited: LiveServer, account: str) -> Any:
    return limited.client("ses", access_key=account)


def test_templates_per_account(sesv2: Any, ses: Any, limited: LiveServer) -> None:
    content = {"Subject": "s", "Text": "t"}
    for index in range(LIMIT - 1):
        sesv2.create_email_template(TemplateName=f"t{index}", TemplateContent=content)
    ses.create_template(Template={"TemplateName": "v1", "SubjectPart": "s", "TextPart": "t"})
    with pytest.raises(sesv2.exceptions.LimitExceededException) as raised:
        sesv2.create_email_template(TemplateName="over", TemplateContent=content)
    message = f"Maximum number of templates ({LIMIT}) reached."
    assert error_tuple(raised) == ("LimitExceededException", message, 400)
    with pytest.raises(ses.exceptions.LimitExceededException) as v1_raised:
        ses.create_template(Template={"TemplateName": "over", "SubjectPart": "s"})
    assert error_dict(v1_raised) == sender_error("LimitExceeded", message)
    assert len(sesv2.list_email_templates()["TemplatesMetadata"]) == LIMIT
    # another account has its own
    other = limited.client("sesv2", access_key=fresh_account())
    other.create_email_template(TemplateName="over", TemplateContent=content)
    sesv2.delete_email_template(TemplateName="t0")
    sesv2.create_email_template(TemplateName="over", TemplateContent=content)


def test_identities_per_account(sesv2: Any, ses: Any) -> None:
    sesv2.create_email_identity(EmailIdentity="one@example.com")
    ses.verify_email_identity(EmailAddress="two@example.com")
    ses.verify_domain_dkim(Domain=f"{unique('dkim')}.example.com")
    message = f"Maximum number of identities ({LIMIT}) reached."
    with pytest.raises(sesv2.exceptions.LimitExceededException) as raised:
        sesv2.create_email_identity(EmailIdentity="over@example.com")
    assert error_tuple(raised) == ("LimitExceededException", message, 400)
    for method, arguments in [
        ("verify_email_identity", {"EmailAddress": "over@example.com"}),
        ("verify_email_address", {"EmailAddress": "over@example.com"}),
        ("verify_domain_identity", {"Domain": "over.example.com"}),
        ("verify_domain_dkim", {"Domain": "over.example.com"}),
    ]:
        with pytest.raises(ses.exceptions.ClientError) as v1_raised:
            getattr(ses, method)(**arguments)
        assert error_dict(v1_raised) == sender_error("LimitExceeded", message)
    # verifying one the account has is no new identity
    ses.verify_email_identity(EmailAddress="two@example.com")
    assert len(ses.list_identities()["Identities"]) == LIMIT


def test_a_template_holds_500_kb(sesv2: Any, ses: Any) -> None:
    body = "x" * (MAX_TEMPLATE_BYTES - 1)
    sesv2.create_email_template(TemplateName="full", TemplateContent={"Subject": "s", "Text": body})
    with pytest.raises(sesv2.exceptions.BadRequestException) as raised:
        sesv2.update_email_template(
            TemplateName="full", TemplateContent={"Subject": "s", "Text": body + "é"}
        )
    too_big = f"Template size {MAX_TEMPLATE_BYTES + 2} bytes exceeds the limit of 500 KB."
    assert error_tuple(raised) == ("BadRequestException", too_big, 400)
    with pytest.raises(ses.exceptions.InvalidTemplateException) as v1_raised:
        ses.create_template(
            Template={"TemplateName": "big", "SubjectPart": "ss", "HtmlPart": body + "x"}
        )
    too_big = f"Template size {MAX_TEMPLATE_BYTES + 2} bytes exceeds the limit of 500 KB."
    assert error_dict(v1_raised) == sender_error("InvalidTemplate", too_big)
    got = sesv2.get_email_template(TemplateName="full")["TemplateContent"]
    assert got["Text"] == body
    assert [t["TemplateName"] for t in sesv2.list_email_templates()["TemplatesMetadata"]] == [
        "full"
    ]


# -- OPENSES_THROTTLE=aws ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def throttled(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp(f"throttle-{backend}")
    with database_url(backend, str(tmp)) as url:
        settings = Settings(
            database_url=url,
            validate_destinations=False,
            dispatch_events=False,
            throttle="aws",
            smtp_port=0,
            smtps_port=0,
        )
        with serve_in_thread(settings) as live:
            yield live


def test_one_call_a_second(throttled: LiveServer) -> None:
    account = fresh_account()
    sesv2 = throttled.client("sesv2", access_key=account)
    ses = throttled.client("ses", access_key=account)
    sesv2.create_configuration_set(ConfigurationSetName="a")
    with pytest.raises(sesv2.exceptions.TooManyRequestsException) as raised:
        sesv2.create_configuration_set(ConfigurationSetName="b")
    assert error_tuple(raised) == (
        "TooManyRequestsException",
        "Too many requests have been made to the operation.",
        429,
    )
    assert sesv2.list_configuration_sets()["ConfigurationSets"] == ["a"]  # another operation
    ses.list_identities()
    with pytest.raises(ses.exceptions.ClientError) as v1_raised:
        ses.list_identities()
    assert error_dict(v1_raised) == sender_error("Throttling", "Rate exceeded")
    # another account, another region: buckets of their own
    throttled.client("sesv2", access_key=fresh_account()).create_configuration_set(
        ConfigurationSetName="b"
    )
    throttled.client("sesv2", access_key=account, region="eu-west-1").create_configuration_set(
        ConfigurationSetName="b"
    )
    time.sleep(1.05)
    sesv2.create_configuration_set(ConfigurationSetName="b")


def test_sends_are_not_throttled_by_call_rate(throttled: LiveServer) -> None:
    sesv2 = throttled.client("sesv2", access_key=fresh_account())
    domain = f"{unique('throttle')}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    for _ in range(5):
        sesv2.send_email(**simple(f"me@{domain}", "you@example.net"))
