"""The account suppression list through boto3 (sesv2), plus the pipeline's helpers."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from openses.domain.options import SuppressionReason
from openses.services import account as account_service
from openses.store.database import make_engine
from openses.store.sources import EngineSource
from openses.store.unit_of_work import UnitOfWork
from tests.support import LiveServer, error_tuple, fresh_account, strip_metadata, unique

UTC = datetime.UTC


def _address(domain: str = "example.net") -> str:
    return f"{unique('rcpt')}@{domain}"


@pytest.fixture
def account() -> str:
    return fresh_account()


@pytest.fixture
def sesv2(server: LiveServer, account: str) -> Any:
    return server.client("sesv2", access_key=account)


@pytest.fixture
def engine(server: LiveServer) -> Iterator[Any]:
    engine = make_engine(server.settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def suppress(engine: Any, account: str) -> Callable[..., None]:
    """Suppress as the sending pipeline does: in its own unit of work, at a given time."""

    def run(
        address: str,
        reason: SuppressionReason,
        now: datetime.datetime,
        message_id: str | None = None,
        feedback_id: str | None = None,
    ) -> None:
        uow = UnitOfWork(EngineSource(engine, write=True), account, "us-east-1")
        with uow:
            account_service.suppress(uow, address, reason, message_id, feedback_id, now)
            uow.commit()

    return run


def test_put_get_delete(sesv2: Any) -> None:
    address = _address()
    before = datetime.datetime.now(UTC) - datetime.timedelta(seconds=1)
    assert (
        strip_metadata(sesv2.put_suppressed_destination(EmailAddress=address, Reason="BOUNCE"))
        == {}
    )
    got = strip_metadata(sesv2.get_suppressed_destination(EmailAddress=address))
    updated = got["SuppressedDestination"].pop("LastUpdateTime")
    assert got == {"SuppressedDestination": {"EmailAddress": address, "Reason": "BOUNCE"}}
    assert before <= updated <= datetime.datetime.now(UTC)

    # Putting a listed address again replaces its reason.
    sesv2.put_suppressed_destination(EmailAddress=address, Reason="COMPLAINT")
    entry = sesv2.get_suppressed_destination(EmailAddress=address)["SuppressedDestination"]
    assert (entry["Reason"], entry["LastUpdateTime"] >= updated) == ("COMPLAINT", True)

    assert strip_metadata(sesv2.delete_suppressed_destination(EmailAddress=address)) == {}
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.get_suppressed_destination(EmailAddress=address)


@pytest.mark.parametrize("operation", ["get", "delete"])
def test_missing_address_is_not_found(sesv2: Any, operation: str) -> None:
    address = _address()
    call = {
        "get": sesv2.get_suppressed_destination,
        "delete": sesv2.delete_suppressed_destination,
    }[operation]
    with pytest.raises(sesv2.exceptions.NotFoundException) as raised:
        call(EmailAddress=address)
    assert error_tuple(raised) == (
        "NotFoundException",
        f"Email address {address} does not exist on your suppression list.",
        404,
    )


def test_domain_part_is_case_insensitive(sesv2: Any) -> None:
    local = unique("Mixed")
    sesv2.put_suppressed_destination(EmailAddress=f"{local}@Example.NET", Reason="BOUNCE")
    entry = sesv2.get_suppressed_destination(EmailAddress=f"{local}@example.net")
    assert entry["SuppressedDestination"]["EmailAddress"] == f"{local}@example.net"
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.get_suppressed_destination(EmailAddress=f"{local.lower()}@example.net")
    sesv2.delete_suppressed_destination(EmailAddress=f"{local}@EXAMPLE.net")


@pytest.mark.parametrize("operation", ["put", "get", "delete"])
def test_invalid_address(sesv2: Any, operation: str) -> None:
    call: Callable[[], Any] = {
        "put": lambda: sesv2.put_suppressed_destination(EmailAddress="nobody", Reason="BOUNCE"),
        "get": lambda: sesv2.get_suppressed_destination(EmailAddress="nobody"),
        "delete": lambda: sesv2.delete_suppressed_destination(EmailAddress="nobody"),
    }[operation]
    with pytest.raises(sesv2.exceptions.BadRequestException) as raised:
        call()
    assert error_tuple(raised) == ("BadRequestException", "Invalid email address<nobody>.", 400)


def test_unknown_tenant(sesv2: Any) -> None:
    address = _address()
    with pytest.raises(sesv2.exceptions.NotFoundException) as raised:
        sesv2.put_suppressed_destination(EmailAddress=address, Reason="BOUNCE", TenantName="t1")
    assert error_tuple(raised) == ("NotFoundException", "Tenant t1 does not exist.", 404)
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.list_suppressed_destinations(TenantName="t1")


def test_pipeline_suppression_keeps_message_and_feedback_ids(
    sesv2: Any, suppress: Callable[..., None]
) -> None:
    address = _address()
    at = datetime.datetime(2024, 5, 1, 12, 30, 15, 250000, tzinfo=UTC)
    suppress(address, SuppressionReason.COMPLAINT, at, "0100018f-msg", "0100018f-feedback")
    assert strip_metadata(sesv2.get_suppressed_destination(EmailAddress=address)) == {
        "SuppressedDestination": {
            "EmailAddress": address,
            "Reason": "COMPLAINT",
            "LastUpdateTime": at,
            "Attributes": {"MessageId": "0100018f-msg", "FeedbackId": "0100018f-feedback"},
        }
    }


def test_suppressed_among(
    sesv2: Any, engine: Any, account: str, suppress: Callable[..., None]
) -> None:
    address, other = _address(), _address()
    uow = UnitOfWork(EngineSource(engine, write=False), account, "us-east-1")
    with uow:
        assert account_service.suppressed_among(uow, [address]) == {}
        assert account_service.suppressed_among(uow, [address, other, "not an address"]) == {}
    at = datetime.datetime(2024, 5, 1, tzinfo=UTC)
    suppress(address, SuppressionReason.BOUNCE, at, "m-1", None)
    with uow:
        local, _, domain = address.partition("@")
        # The local part is case-sensitive, the domain is not.
        assert account_service.suppressed_among(uow, [f"{local.upper()}@{domain}"]) == {}
        spelled = f"{local}@{domain.upper()}"
        entry = account_service.suppressed_among(uow, [spelled])[spelled]
        assert (entry.email_address, entry.reason, entry.last_update_time, entry.message_id) == (
            address,
            SuppressionReason.BOUNCE,
            at,
            "m-1",
        )
        # Several recipients are looked up in one statement, each spelling answered.
        found = account_service.suppressed_among(
            uow, [other, spelled, "not an address", address, f"{local.upper()}@{domain}"]
        )
        assert found == {spelled: entry, address: entry}
        assert account_service.settings(uow).suppressed_reasons == (
            SuppressionReason.BOUNCE,
            SuppressionReason.COMPLAINT,
        )
    sesv2.put_account_suppression_attributes(SuppressedReasons=["COMPLAINT"])
    with uow:
        assert account_service.settings(uow).suppressed_reasons == (SuppressionReason.COMPLAINT,)


def test_list_pages_and_filters(sesv2: Any, suppress: Callable[..., None]) -> None:
    assert strip_metadata(sesv2.list_suppressed_destinations()) == {
        "SuppressedDestinationSummaries": []
    }
    entries = sorted(
        [
            (_address(), "BOUNCE", datetime.datetime(2024, 1, 1, tzinfo=UTC)),
            (_address(), "COMPLAINT", datetime.datetime(2024, 2, 1, tzinfo=UTC)),
            (_address(), "BOUNCE", datetime.datetime(2024, 3, 1, tzinfo=UTC)),
            (_address(), "COMPLAINT", datetime.datetime(2024, 4, 1, tzinfo=UTC)),
            (_address(), "BOUNCE", datetime.datetime(2024, 5, 1, tzinfo=UTC)),
        ]
    )
    for address, reason, at in entries:
        suppress(address, SuppressionReason(reason), at)

    def summary(entry: tuple[str, str, datetime.datetime]) -> dict[str, Any]:
        return {"EmailAddress": entry[0], "Reason": entry[1], "LastUpdateTime": entry[2]}

    first = sesv2.list_suppressed_destinations(PageSize=2)
    second = sesv2.list_suppressed_destinations(PageSize=2, NextToken=first["NextToken"])
    third = sesv2.list_suppressed_destinations(PageSize=2, NextToken=second["NextToken"])
    assert "NextToken" not in third
    listed = (
        first["SuppressedDestinationSummaries"]
        + second["SuppressedDestinationSummaries"]
        + third["SuppressedDestinationSummaries"]
    )
    assert listed == [summary(e) for e in entries]

    bounces = sesv2.list_suppressed_destinations(Reasons=["BOUNCE"])
    assert bounces["SuppressedDestinationSummaries"] == [
        summary(e) for e in entries if e[1] == "BOUNCE"
    ]
    both = sesv2.list_suppressed_destinations(Reasons=["BOUNCE", "COMPLAINT"])
    assert both["SuppressedDestinationSummaries"] == [summary(e) for e in entries]
    window = sesv2.list_suppressed_destinations(
        StartDate=datetime.datetime(2024, 2, 1, tzinfo=UTC),
        EndDate=datetime.datetime(2024, 4, 1, tzinfo=UTC),
    )
    assert window["SuppressedDestinationSummaries"] == [
        summary(e) for e in entries if e[2].month in (2, 3, 4)
    ]
    complaints_since_march = sesv2.list_suppressed_destinations(
        Reasons=["COMPLAINT"], StartDate=datetime.datetime(2024, 3, 1, tzinfo=UTC)
    )
    assert complaints_since_march["SuppressedDestinationSummaries"] == [
        summary(e) for e in entries if e[1] == "COMPLAINT" and e[2].month >= 3
    ]


@pytest.mark.parametrize("size", [0, 1001])
def test_list_page_size_out_of_range(sesv2: Any, size: int) -> None:
    with pytest.raises(sesv2.exceptions.BadRequestException) as raised:
        sesv2.list_suppressed_destinations(PageSize=size)
    assert error_tuple(raised) == (
        "BadRequestException",
        "The page size must be between 1 and 1000",
        400,
    )


def test_list_bad_next_token(sesv2: Any) -> None:
    with pytest.raises(sesv2.exceptions.BadRequestException) as raised:
        sesv2.list_suppressed_destinations(NextToken="!!")
    assert error_tuple(raised) == ("BadRequestException", "invalid nextToken !!", 400)


def test_list_is_per_account_and_region(server: LiveServer, sesv2: Any, account: str) -> None:
    address = _address()
    sesv2.put_suppressed_destination(EmailAddress=address, Reason="BOUNCE")
    for other in (
        server.client("sesv2", access_key=fresh_account()),
        server.client("sesv2", access_key=account, region="eu-west-1"),
    ):
        assert other.list_suppressed_destinations()["SuppressedDestinationSummaries"] == []
        with pytest.raises(other.exceptions.NotFoundException):
            other.get_suppressed_destination(EmailAddress=address)
        with pytest.raises(other.exceptions.NotFoundException):
            other.delete_suppressed_destination(EmailAddress=address)
        # The same address can be listed there independently.
        other.put_suppressed_destination(EmailAddress=address, Reason="COMPLAINT")
    assert (
        sesv2.get_suppressed_destination(EmailAddress=address)["SuppressedDestination"]["Reason"]
        == "BOUNCE"
    )
    assert [
        s["EmailAddress"]
        for s in sesv2.list_suppressed_destinations()["SuppressedDestinationSummaries"]
    ] == [address]


def test_bad_reason(sesv2: Any, unchecked_sesv2: Any) -> None:
    with pytest.raises(sesv2.exceptions.BadRequestException) as raised:
        unchecked_sesv2.put_suppressed_destination(EmailAddress=_address(), Reason="SPAM")
    assert error_tuple(raised) == (
        "BadRequestException",
        "1 validation error detected: Value 'SPAM' at 'reason' failed to satisfy constraint: "
        "Member must satisfy enum value set: [BOUNCE, COMPLAINT]",
        400,
    )
