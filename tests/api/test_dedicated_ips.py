"""Dedicated IP pools and dedicated IPs (SES v2) through boto3, on SQLite and PostgreSQL, and
the rule that a configuration set's SendingPoolName names a pool."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from openses.config import Settings, SettingsError, parse_dedicated_ips
from tests.support import LiveServer, database_url, serve_in_thread, unique

# TEST-NET-1 addresses (RFC 5737): never contacted. Configured out of order on purpose.
IPS = ("192.0.2.10", "192.0.2.9", "192.0.2.11")
DEFAULT = "ses-default-dedicated-pool"
SHARED = "ses-shared-pool"
RESERVED_MESSAGE = "Pool name describes either a shared or default dedicated ip pool"


@pytest.fixture(scope="module")
def ip_server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server whose operator configured three dedicated IPs."""
    tmp = tmp_path_factory.mktemp(f"dedicated-{backend}")
    with database_url(backend, str(tmp)) as url:
        settings = Settings(
            database_url=url,
            validate_destinations=False,
            dispatch_events=False,
            dedicated_ips=IPS,
        )
        with serve_in_thread(settings) as live:
            yield live


Client = Any
NewClient = Callable[..., Client]


@pytest.fixture
def account_id() -> str:
    """A fresh account: every test starts with no pools and untouched IPs."""
    return str(random.randrange(10**11, 10**12))


@pytest.fixture
def account(ip_server: LiveServer, account_id: str) -> NewClient:
    """v2 clients of the test's account (a 12-digit access key is the account)."""

    def make(*, region: str = "us-east-1", validate: bool = True) -> Client:
        return ip_server.client("sesv2", access_key=account_id, region=region, validate=validate)

    return make


@pytest.fixture
def sesv2_ips(account: NewClient) -> Client:
    return account()


def _error(caught: pytest.ExceptionInfo[Any]) -> tuple[str, str, int]:
    response = caught.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def _strip(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def _ip(address: str, pool: str = DEFAULT, percentage: int = 100) -> dict[str, Any]:
    status = "DONE" if percentage == 100 else "IN_PROGRESS"
    if percentage == -1:
        status = "NOT_APPLICABLE"
    return {
        "Ip": address,
        "WarmupStatus": status,
        "WarmupPercentage": percentage,
        "PoolName": pool,
    }


def _arn(account_id: str, name: str) -> str:
    return f"arn:aws:ses:us-east-1:{account_id}:dedicated-ip-pool/{name}"


# --- pools ---------------------------------------------------------------------------------------


def test_pool_lifecycle(sesv2_ips: Client) -> None:
    sesv2_ips.create_dedicated_ip_pool(PoolName="marketing")
    sesv2_ips.create_dedicated_ip_pool(PoolName="alerts", ScalingMode="MANAGED")
    assert _strip(sesv2_ips.get_dedicated_ip_pool(PoolName="marketing")) == {
        "DedicatedIpPool": {"PoolName": "marketing", "ScalingMode": "STANDARD"}
    }
    assert _strip(sesv2_ips.get_dedicated_ip_pool(PoolName="alerts")) == {
        "DedicatedIpPool": {"PoolName": "alerts", "ScalingMode": "MANAGED"}
    }
    assert _strip(sesv2_ips.list_dedicated_ip_pools()) == {
        "DedicatedIpPools": ["alerts", "marketing"]
    }
    sesv2_ips.delete_dedicated_ip_pool(PoolName="marketing")
    assert _strip(sesv2_ips.list_dedicated_ip_pools()) == {"DedicatedIpPools": ["alerts"]}
    with pytest.raises(sesv2_ips.exceptions.NotFoundException) as caught:
        sesv2_ips.get_dedicated_ip_pool(PoolName="marketing")
    assert _error(caught) == (
        "NotFoundException",
        "The requested pool <marketing> does not exist.",
        404,
    )


def test_duplicate_pool_is_already_exists(sesv2_ips: Client) -> None:
    sesv2_ips.create_dedicated_ip_pool(PoolName="dup", ScalingMode="STANDARD")
    with pytest.raises(sesv2_ips.exceptions.AlreadyExistsException) as caught:
        sesv2_ips.create_dedicated_ip_pool(PoolName="dup", ScalingMode="MANAGED")
    assert _error(caught) == ("AlreadyExistsException", "The pool <dup> already exists.", 400)
    assert _strip(sesv2_ips.get_dedicated_ip_pool(PoolName="dup"))["DedicatedIpPool"] == {
        "PoolName": "dup",
        "ScalingMode": "STANDARD",
    }


def test_missing_pool_is_not_found(sesv2_ips: Client) -> None:
    calls: list[Callable[[], object]] = [
        lambda: sesv2_ips.get_dedicated_ip_pool(PoolName="ghost"),
        lambda: sesv2_ips.delete_dedicated_ip_pool(PoolName="ghost"),
        lambda: sesv2_ips.put_dedicated_ip_pool_scaling_attributes(
            PoolName="ghost", ScalingMode="MANAGED"
        ),
        lambda: sesv2_ips.get_dedicated_ips(PoolName="ghost"),
    ]
    for call in calls:
        with pytest.raises(sesv2_ips.exceptions.NotFoundException) as caught:
            call()
        assert _error(caught) == (
            "NotFoundException",
            "The requested pool <ghost> does not exist.",
            404,
        )


@pytest.mark.parametrize("name", [DEFAULT, SHARED])
def test_reserved_pools_cannot_be_made_read_or_changed(sesv2_ips: Client, name: str) -> None:
    calls: list[Callable[[], object]] = [
        lambda: sesv2_ips.create_dedicated_ip_pool(PoolName=name),
        lambda: sesv2_ips.get_dedicated_ip_pool(PoolName=name),
        lambda: sesv2_ips.delete_dedicated_ip_pool(PoolName=name),
        lambda: sesv2_ips.put_dedicated_ip_pool_scaling_attributes(
            PoolName=name, ScalingMode="MANAGED"
        ),
    ]
    for call in calls:
        with pytest.raises(sesv2_ips.exceptions.BadRequestException) as caught:
            call()
        assert _error(caught) == ("BadRequestException", RESERVED_MESSAGE, 400)
    assert _strip(sesv2_ips.list_dedicated_ip_pools()) == {"DedicatedIpPools": []}


@pytest.mark.parametrize("name", ["Upper", "dots.in.name", "a" * 65, "", "spa ce"])
def test_bad_pool_name_is_bad_request(account: NewClient, name: str) -> None:
    client = account(validate=False)
    with pytest.raises(client.exceptions.BadRequestException) as caught:
        client.create_dedicated_ip_pool(PoolName=name)
    assert _error(caught) == (
        "BadRequestException",
        f"Invalid pool name <{name}>: a pool name is 1 to 64 lowercase ASCII letters, digits, "
        "'_' and '-'.",
        400,
    )
    assert _strip(client.list_dedicated_ip_pools()) == {"DedicatedIpPools": []}


def test_longest_pool_name_is_taken(sesv2_ips: Client) -> None:
    name = "a_-9" * 16
    sesv2_ips.create_dedicated_ip_pool(PoolName=name)
    assert _strip(sesv2_ips.list_dedicated_ip_pools()) == {"DedicatedIpPools": [name]}


def test_bad_scaling_mode_is_bad_request(account: NewClient) -> None:
    client = account(validate=False)
    with pytest.raises(client.exceptions.BadRequestException) as caught:
        client.create_dedicated_ip_pool(PoolName="p", ScalingMode="AUTO")
    assert _error(caught) == (
        "BadRequestException",
        "1 validation error detected: Value 'AUTO' at 'scalingMode' failed to satisfy "
        "constraint: Member must satisfy enum value set: [STANDARD, MANAGED]",
        400,
    )
    assert _strip(client.list_dedicated_ip_pools()) == {"DedicatedIpPools": []}


def test_pools_are_per_account_and_region(account: NewClient, ip_server: LiveServer) -> None:
    east, west = account(), account(region="eu-west-1")
    east.create_dedicated_ip_pool(PoolName="east-only")
    assert _strip(west.list_dedicated_ip_pools()) == {"DedicatedIpPools": []}
    with pytest.raises(west.exceptions.NotFoundException):
        west.get_dedicated_ip_pool(PoolName="east-only")
    other = ip_server.client("sesv2", access_key=str(random.randrange(10**11, 10**12)))
    assert _strip(other.list_dedicated_ip_pools()) == {"DedicatedIpPools": []}


def test_list_pools_pages(sesv2_ips: Client) -> None:
    names = [f"pool-{n}" for n in range(5)]
    for name in reversed(names):
        sesv2_ips.create_dedicated_ip_pool(PoolName=name)
    seen: list[str] = []
    pages = 0
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"PageSize": 2}
        if token:
            kwargs["NextToken"] = token
        page = sesv2_ips.list_dedicated_ip_pools(**kwargs)
        pages += 1
        seen.extend(page["DedicatedIpPools"])
        token = page.get("NextToken")
        if token is None:
            break
    assert (seen, pages) == (names, 3)


def test_list_pools_refuses_bad_paging(sesv2_ips: Client) -> None:
    with pytest.raises(sesv2_ips.exceptions.BadRequestException) as caught:
        sesv2_ips.list_dedicated_ip_pools(NextToken="not-a-token")
    assert _error(caught) == ("BadRequestException", "invalid nextToken not-a-token", 400)
    for size in (0, 1001):
        with pytest.raises(sesv2_ips.exceptions.BadRequestException) as caught:
            sesv2_ips.list_dedicated_ip_pools(PageSize=size)
        assert _error(caught) == (
            "BadRequestException",
            "The page size must be between 1 and 1000",
            400,
        )


# --- scaling mode --------------------------------------------------------------------------------


def test_standard_pool_becomes_managed_but_not_back(sesv2_ips: Client) -> None:
    sesv2_ips.create_dedicated_ip_pool(PoolName="grow")
    sesv2_ips.put_dedicated_ip_pool_scaling_attributes(PoolName="grow", ScalingMode="STANDARD")
    sesv2_ips.put_dedicated_ip_pool_scaling_attributes(PoolName="grow", ScalingMode="MANAGED")
    sesv2_ips.put_dedicated_ip_pool_scaling_attributes(PoolName="grow", ScalingMode="MANAGED")
    with pytest.raises(sesv2_ips.exceptions.BadRequestException) as caught:
        sesv2_ips.put_dedicated_ip_pool_scaling_attributes(PoolName="grow", ScalingMode="STANDARD")
    assert _error(caught) == (
        "BadRequestException",
        "Pool <grow> is MANAGED: a MANAGED pool cannot be converted to STANDARD.",
        400,
    )
    assert _strip(sesv2_ips.get_dedicated_ip_pool(PoolName="grow"))["DedicatedIpPool"] == {
        "PoolName": "grow",
        "ScalingMode": "MANAGED",
    }


# --- tags ----------------------------------------------------------------------------------------


def test_pool_tags(sesv2_ips: Client, account_id: str) -> None:
    sesv2_ips.create_dedicated_ip_pool(
        PoolName="tagged", Tags=[{"Key": "team", "Value": "mail"}, {"Key": "env", "Value": ""}]
    )
    arn = _arn(account_id, "tagged")
    assert _strip(sesv2_ips.list_tags_for_resource(ResourceArn=arn)) == {
        "Tags": [{"Key": "team", "Value": "mail"}, {"Key": "env", "Value": ""}]
    }
    sesv2_ips.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "prod"}])
    sesv2_ips.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert _strip(sesv2_ips.list_tags_for_resource(ResourceArn=arn)) == {
        "Tags": [{"Key": "env", "Value": "prod"}]
    }
    sesv2_ips.delete_dedicated_ip_pool(PoolName="tagged")
    with pytest.raises(sesv2_ips.exceptions.NotFoundException) as caught:
        sesv2_ips.list_tags_for_resource(ResourceArn=arn)
    assert _error(caught) == (
        "NotFoundException",
        "No DedicatedIpPool present with name: tagged",
        404,
    )
    # A pool made again under the name starts without the old one's tags.
    sesv2_ips.create_dedicated_ip_pool(PoolName="tagged")
    assert _strip(sesv2_ips.list_tags_for_resource(ResourceArn=arn)) == {"Tags": []}


def test_tags_of_reserved_pool_are_not_found(sesv2_ips: Client, account_id: str) -> None:
    with pytest.raises(sesv2_ips.exceptions.NotFoundException) as caught:
        sesv2_ips.tag_resource(
            ResourceArn=_arn(account_id, DEFAULT), Tags=[{"Key": "k", "Value": "v"}]
        )
    assert _error(caught) == (
        "NotFoundException",
        f"No DedicatedIpPool present with name: {DEFAULT}",
        404,
    )


def test_bad_tags_make_no_pool(sesv2_ips: Client) -> None:
    with pytest.raises(sesv2_ips.exceptions.BadRequestException) as caught:
        sesv2_ips.create_dedicated_ip_pool(
            PoolName="badtags", Tags=[{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]
        )
    assert _error(caught) == ("BadRequestException", "Duplicate tag keys are not allowed.", 400)
    assert _strip(sesv2_ips.list_dedicated_ip_pools()) == {"DedicatedIpPools": []}


# --- dedicated IPs -------------------------------------------------------------------------------


def test_configured_ips_start_in_the_default_pool(sesv2_ips: Client) -> None:
    assert _strip(sesv2_ips.get_dedicated_ips()) == {
        "DedicatedIps": [_ip("192.0.2.9"), _ip("192.0.2.10"), _ip("192.0.2.11")]
    }
    assert _strip(sesv2_ips.get_dedicated_ips(PoolName=DEFAULT)) == {
        "DedicatedIps": [_ip("192.0.2.9"), _ip("192.0.2.10"), _ip("192.0.2.11")]
    }
    assert _strip(sesv2_ips.get_dedicated_ips(PoolName=SHARED)) == {"DedicatedIps": []}
    assert _strip(sesv2_ips.get_dedicated_ip(Ip="192.0.2.10")) == {"DedicatedIp": _ip("192.0.2.10")}


def test_get_dedicated_ips_pages(sesv2_ips: Client) -> None:
    first = sesv2_ips.get_dedicated_ips(PageSize=2)
    assert first["DedicatedIps"] == [_ip("192.0.2.9"), _ip("192.0.2.10")]
    second = sesv2_ips.get_dedicated_ips(PageSize=2, NextToken=first["NextToken"])
    assert _strip(second) == {"DedicatedIps": [_ip("192.0.2.11")]}
    with pytest.raises(sesv2_ips.exceptions.BadRequestException) as caught:
        sesv2_ips.get_dedicated_ips(NextToken="bm90LWFuLWlw")  # base64 of "not-an-ip"
    assert _error(caught) == ("BadRequestException", "invalid nextToken bm90LWFuLWlw", 400)


@pytest.mark.parametrize("ip", ["192.0.2.99", "192.0.2.010", "not-an-ip"])
def test_unknown_ip_is_not_found(sesv2_ips: Client, ip: str) -> None:
    sesv2_ips.create_dedicated_ip_pool(PoolName="somewhere")
    calls: list[Callable[[], object]] = [
        lambda: sesv2_ips.get_dedicated_ip(Ip=ip),
        lambda: sesv2_ips.put_dedicated_ip_in_pool(Ip=ip, DestinationPoolName="somewhere"),
        lambda: sesv2_ips.put_dedicated_ip_in_pool(Ip=ip, DestinationPoolName="ghost"),
        lambda: sesv2_ips.put_dedicated_ip_warmup_attributes(Ip=ip, WarmupPercentage=50),
    ]
    for call in calls:
        with pytest.raises(sesv2_ips.exceptions.NotFoundException) as caught:
            call()
        assert _error(caught) == (
            "NotFoundException",
            f"Could not find dedicated IP <{ip}> under this account.",
            404,
        )


def test_move_ip_between_pools(sesv2_ips: Client) -> None:
    sesv2_ips.create_dedicated_ip_pool(PoolName="transactional")
    sesv2_ips.put_dedicated_ip_in_pool(Ip="192.0.2.11", DestinationPoolName="transactional")
    assert _strip(sesv2_ips.get_dedicated_ip(Ip="192.0.2.11")) == {
        "DedicatedIp": _ip("192.0.2.11", "transactional")
    }
    assert _strip(sesv2_ips.get_dedicated_ips(PoolName="transactional")) == {
        "DedicatedIps": [_ip("192.0.2.11", "transactional")]
    }
    assert _strip(sesv2_ips.get_dedicated_ips(PoolName=DEFAULT)) == {
        "DedicatedIps": [_ip("192.0.2.9"), _ip("192.0.2.10")]
    }
    sesv2_ips.put_dedicated_ip_in_pool(Ip="192.0.2.11", DestinationPoolName=DEFAULT)
    assert _strip(sesv2_ips.get_dedicated_ips(PoolName="transactional")) == {"DedicatedIps": []}
    assert _strip(sesv2_ips.get_dedicated_ip(Ip="192.0.2.11")) == {"DedicatedIp": _ip("192.0.2.11")}


def test_moves_are_per_account_and_region(account: NewClient) -> None:
    east, west = account(), account(region="eu-west-1")
    east.create_dedicated_ip_pool(PoolName="east")
    east.put_dedicated_ip_in_pool(Ip="192.0.2.9", DestinationPoolName="east")
    assert _strip(west.get_dedicated_ip(Ip="192.0.2.9")) == {"DedicatedIp": _ip("192.0.2.9")}


def test_bad_moves_change_nothing(account: NewClient) -> None:
    client = account(validate=False)
    client.create_dedicated_ip_pool(PoolName="managed", ScalingMode="MANAGED")
    cases: list[tuple[str, str, str, int]] = [
        ("ghost", "NotFoundException", "The requested pool <ghost> does not exist.", 404),
        ("", "BadRequestException", "Pool name can't be blank.", 400),
        (SHARED, "BadRequestException", RESERVED_MESSAGE, 400),
        (
            "managed",
            "BadRequestException",
            "Pool <managed> is MANAGED: SES chooses its dedicated IPs itself.",
            400,
        ),
    ]
    for destination, code, message, status in cases:
        with pytest.raises(client.exceptions.ClientError) as caught:
            client.put_dedicated_ip_in_pool(Ip="192.0.2.9", DestinationPoolName=destination)
        assert _error(caught) == (code, message, status)
    assert _strip(client.get_dedicated_ip(Ip="192.0.2.9")) == {"DedicatedIp": _ip("192.0.2.9")}


def test_warmup_attributes(sesv2_ips: Client) -> None:
    sesv2_ips.put_dedicated_ip_warmup_attributes(Ip="192.0.2.10", WarmupPercentage=0)
    assert _strip(sesv2_ips.get_dedicated_ip(Ip="192.0.2.10")) == {
        "DedicatedIp": _ip("192.0.2.10", percentage=0)
    }
    sesv2_ips.put_dedicated_ip_warmup_attributes(Ip="192.0.2.10", WarmupPercentage=40)
    assert _strip(sesv2_ips.get_dedicated_ip(Ip="192.0.2.10")) == {
        "DedicatedIp": _ip("192.0.2.10", percentage=40)
    }
    # Moving keeps the warm-up; warming up keeps the pool.
    sesv2_ips.create_dedicated_ip_pool(PoolName="warm")
    sesv2_ips.put_dedicated_ip_in_pool(Ip="192.0.2.10", DestinationPoolName="warm")
    assert _strip(sesv2_ips.get_dedicated_ip(Ip="192.0.2.10")) == {
        "DedicatedIp": _ip("192.0.2.10", "warm", 40)
    }
    sesv2_ips.put_dedicated_ip_warmup_attributes(Ip="192.0.2.10", WarmupPercentage=100)
    assert _strip(sesv2_ips.get_dedicated_ip(Ip="192.0.2.10")) == {
        "DedicatedIp": _ip("192.0.2.10", "warm", 100)
    }


@pytest.mark.parametrize("ip", ["192.0.2.10", "192.0.2.99"])
@pytest.mark.parametrize("percentage", [-1, 101])
def test_warmup_percentage_out_of_range(sesv2_ips: Client, ip: str, percentage: int) -> None:
    """The range is checked before the IP is looked up."""
    with pytest.raises(sesv2_ips.exceptions.BadRequestException) as caught:
        sesv2_ips.put_dedicated_ip_warmup_attributes(Ip=ip, WarmupPercentage=percentage)
    assert _error(caught) == (
        "BadRequestException",
        "Warmup Percentage must be between 0 and 100.",
        400,
    )
    assert _strip(sesv2_ips.get_dedicated_ip(Ip="192.0.2.10")) == {"DedicatedIp": _ip("192.0.2.10")}


def test_ips_of_a_managed_pool(sesv2_ips: Client) -> None:
    sesv2_ips.create_dedicated_ip_pool(PoolName="auto")
    sesv2_ips.put_dedicated_ip_warmup_attributes(Ip="192.0.2.9", WarmupPercentage=30)
    sesv2_ips.put_dedicated_ip_in_pool(Ip="192.0.2.9", DestinationPoolName="auto")
    sesv2_ips.put_dedicated_ip_pool_scaling_attributes(PoolName="auto", ScalingMode="MANAGED")
    assert _strip(sesv2_ips.get_dedicated_ip(Ip="192.0.2.9")) == {
        "DedicatedIp": _ip("192.0.2.9", "auto", -1)
    }
    assert _strip(sesv2_ips.get_dedicated_ips(PoolName="auto")) == {
        "DedicatedIps": [_ip("192.0.2.9", "auto", -1)]
    }
    with pytest.raises(sesv2_ips.exceptions.BadRequestException) as caught:
        sesv2_ips.put_dedicated_ip_warmup_attributes(Ip="192.0.2.9", WarmupPercentage=50)
    assert _error(caught) == (
        "BadRequestException",
        "Dedicated IP <192.0.2.9> is in the MANAGED pool <auto>, which SES warms up itself.",
        400,
    )
    with pytest.raises(sesv2_ips.exceptions.BadRequestException) as caught:
        sesv2_ips.put_dedicated_ip_in_pool(Ip="192.0.2.9", DestinationPoolName=DEFAULT)
    assert _error(caught) == (
        "BadRequestException",
        "Dedicated IP <192.0.2.9> is in the MANAGED pool <auto>, whose IPs SES chooses itself.",
        400,
    )
    # Deleting a MANAGED pool is allowed with IPs in it: they go back to the default pool.
    sesv2_ips.delete_dedicated_ip_pool(PoolName="auto")
    assert _strip(sesv2_ips.get_dedicated_ip(Ip="192.0.2.9")) == {
        "DedicatedIp": _ip("192.0.2.9", percentage=30)
    }


def test_standard_pool_with_ips_is_not_deleted(sesv2_ips: Client) -> None:
    sesv2_ips.create_dedicated_ip_pool(PoolName="busy")
    sesv2_ips.put_dedicated_ip_in_pool(Ip="192.0.2.10", DestinationPoolName="busy")
    with pytest.raises(sesv2_ips.exceptions.BadRequestException) as caught:
        sesv2_ips.delete_dedicated_ip_pool(PoolName="busy")
    assert _error(caught) == (
        "BadRequestException",
        "Pool <busy> has dedicated IPs: a STANDARD pool with dedicated IPs cannot be deleted.",
        400,
    )
    assert _strip(sesv2_ips.get_dedicated_ips(PoolName="busy")) == {
        "DedicatedIps": [_ip("192.0.2.10", "busy")]
    }
    sesv2_ips.put_dedicated_ip_in_pool(Ip="192.0.2.10", DestinationPoolName=DEFAULT)
    sesv2_ips.delete_dedicated_ip_pool(PoolName="busy")
    assert _strip(sesv2_ips.list_dedicated_ip_pools()) == {"DedicatedIpPools": []}


def test_server_without_dedicated_ips(sesv2: Client) -> None:
    """The session server has no OPENSES_DEDICATED_IPS: the account has no dedicated IP."""
    assert _strip(sesv2.get_dedicated_ips()) == {"DedicatedIps": []}
    with pytest.raises(sesv2.exceptions.NotFoundException) as caught:
        sesv2.get_dedicated_ip(Ip="192.0.2.10")
    assert _error(caught) == (
        "NotFoundException",
        "Could not find dedicated IP <192.0.2.10> under this account.",
        404,
    )


# --- configuration sets' SendingPoolName ---------------------------------------------------------


def test_set_must_name_an_existing_pool(sesv2_ips: Client) -> None:
    name = unique("cs")
    with pytest.raises(sesv2_ips.exceptions.BadRequestException) as caught:
        sesv2_ips.create_configuration_set(
            ConfigurationSetName=name, DeliveryOptions={"SendingPoolName": "ghost"}
        )
    assert _error(caught) == ("BadRequestException", "SendingPool <ghost> doesn't exist", 400)
    assert _strip(sesv2_ips.list_configuration_sets()) == {"ConfigurationSets": []}

    sesv2_ips.create_dedicated_ip_pool(PoolName="real")
    sesv2_ips.create_configuration_set(
        ConfigurationSetName=name,
        DeliveryOptions={"TlsPolicy": "REQUIRE", "SendingPoolName": "real"},
    )
    with pytest.raises(sesv2_ips.exceptions.BadRequestException) as caught:
        sesv2_ips.put_configuration_set_delivery_options(
            ConfigurationSetName=name, TlsPolicy="OPTIONAL", SendingPoolName="ghost"
        )
    assert _error(caught) == ("BadRequestException", "SendingPool <ghost> doesn't exist", 400)
    got = sesv2_ips.get_configuration_set(ConfigurationSetName=name)
    assert got["DeliveryOptions"] == {"TlsPolicy": "REQUIRE", "SendingPoolName": "real"}


def test_missing_set_is_reported_before_missing_pool(sesv2_ips: Client) -> None:
    with pytest.raises(sesv2_ips.exceptions.NotFoundException) as caught:
        sesv2_ips.put_configuration_set_delivery_options(
            ConfigurationSetName="nope", SendingPoolName="ghost"
        )
    assert _error(caught) == ("NotFoundException", "Configuration set <nope> does not exist.", 404)


@pytest.mark.parametrize("pool", [DEFAULT, SHARED])
def test_set_may_name_a_reserved_pool(sesv2_ips: Client, pool: str) -> None:
    name = unique("cs")
    sesv2_ips.create_configuration_set(
        ConfigurationSetName=name, DeliveryOptions={"SendingPoolName": pool}
    )
    assert sesv2_ips.get_configuration_set(ConfigurationSetName=name)["DeliveryOptions"] == {
        "TlsPolicy": "OPTIONAL",
        "SendingPoolName": pool,
    }


def test_pool_of_a_set_is_not_deleted(sesv2_ips: Client) -> None:
    sesv2_ips.create_dedicated_ip_pool(PoolName="used")
    name = unique("cs")
    sesv2_ips.create_configuration_set(ConfigurationSetName=name)
    sesv2_ips.put_configuration_set_delivery_options(
        ConfigurationSetName=name, SendingPoolName="used"
    )
    with pytest.raises(sesv2_ips.exceptions.BadRequestException) as caught:
        sesv2_ips.delete_dedicated_ip_pool(PoolName="used")
    assert _error(caught) == (
        "BadRequestException",
        f"Pool <used> is used by configuration set <{name}>: give the set another "
        "SendingPoolName before deleting the pool.",
        400,
    )
    assert _strip(sesv2_ips.list_dedicated_ip_pools()) == {"DedicatedIpPools": ["used"]}
    sesv2_ips.put_configuration_set_delivery_options(ConfigurationSetName=name)
    sesv2_ips.delete_dedicated_ip_pool(PoolName="used")
    assert _strip(sesv2_ips.list_dedicated_ip_pools()) == {"DedicatedIpPools": []}


# --- the account's automatic warm-up -------------------------------------------------------------


def test_account_auto_warmup(account: NewClient) -> None:
    client, west = account(), account(region="eu-west-1")
    assert client.get_account()["DedicatedIpAutoWarmupEnabled"] is False
    client.put_account_dedicated_ip_warmup_attributes(AutoWarmupEnabled=True)
    assert client.get_account()["DedicatedIpAutoWarmupEnabled"] is True
    assert west.get_account()["DedicatedIpAutoWarmupEnabled"] is False
    client.put_account_dedicated_ip_warmup_attributes(AutoWarmupEnabled=False)
    assert client.get_account()["DedicatedIpAutoWarmupEnabled"] is False
    client.put_account_dedicated_ip_warmup_attributes(AutoWarmupEnabled=True)
    client.put_account_dedicated_ip_warmup_attributes()  # absent: false
    assert client.get_account()["DedicatedIpAutoWarmupEnabled"] is False


# --- the operator's setting ----------------------------------------------------------------------


def test_dedicated_ips_setting() -> None:
    assert parse_dedicated_ips(" 192.0.2.10, 192.0.2.11,,192.0.2.10 ") == (
        "192.0.2.10",
        "192.0.2.11",
    )
    assert parse_dedicated_ips("") == ()
    settings = Settings.from_environ({"OPENSES_DEDICATED_IPS": "198.51.100.7"})
    assert settings.dedicated_ips == ("198.51.100.7",)
    assert Settings.from_environ({}).dedicated_ips == ()
    for bad in ("192.0.2.256", "2001:db8::1", "example.com", "192.0.2.010"):
        with pytest.raises(ValueError, match="is not an IPv4 address") as caught:
            parse_dedicated_ips(bad)
        assert str(caught.value) == f"{bad!r} is not an IPv4 address"
        with pytest.raises(SettingsError) as refused:
            Settings.from_environ({"OPENSES_DEDICATED_IPS": bad})
        assert str(refused.value) == (
            f"OPENSES_DEDICATED_IPS={bad!r} is not valid: {bad!r} is not an IPv4 address"
        )
