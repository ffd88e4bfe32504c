"""Clients racing each other through the wire: the database decides, exactly once."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from openses.config import Settings
from tests.support import (
    LiveServer,
    all_set_names,
    assert_recreated_set_starts_empty,
    database_url,
    serve_in_thread,
    unique,
)

SNS_TOPIC = "arn:aws:sns:us-east-1:123456789012:events"
DEFINITION = {"MatchingEventTypes": ["SEND"], "SnsDestination": {"TopicArn": SNS_TOPIC}}


def race(clients: list[Any], call: Callable[[Any, int], Any]) -> list[str]:
    """Run ``call(client, index)`` on one thread per client, all released at once.

    Returns, per thread, ``"ok"`` or the error code it got.
    """
    barrier = threading.Barrier(len(clients))

    def run(index: int) -> str:
        barrier.wait(timeout=10)
        try:
            call(clients[index], index)
        except ClientError as exc:
            return str(exc.response["Error"]["Code"])
        return "ok"

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        return list(pool.map(run, range(len(clients))))


@pytest.fixture
def v2_clients(server: LiveServer) -> list[Any]:
    # boto3 clients are thread-safe, but one client per thread keeps the connections apart.
    return [server.client("sesv2") for _ in range(12)]


@pytest.fixture
def cleanup(sesv2: Any) -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    for name in names:
        with contextlib.suppress(sesv2.exceptions.NotFoundException):
            sesv2.delete_configuration_set(ConfigurationSetName=name)


@pytest.mark.parametrize("contenders", [2, 8])
def test_same_name_created_at_once(
    sesv2: Any, v2_clients: list[Any], cleanup: list[str], contenders: int
) -> None:
    name = unique("race")
    cleanup.append(name)
    outcomes = race(
        v2_clients[:contenders],
        lambda client, index: client.create_configuration_set(
            ConfigurationSetName=name, Tags=[{"Key": "winner", "Value": str(index)}]
        ),
    )
    assert sorted(outcomes) == ["AlreadyExistsException"] * (contenders - 1) + ["ok"]
    winner = outcomes.index("ok")
    got = sesv2.get_configuration_set(ConfigurationSetName=name)
    assert got["Tags"] == [{"Key": "winner", "Value": str(winner)}]
    assert all_set_names(sesv2).count(name) == 1


def test_same_name_created_at_once_through_both_apis(
    server: LiveServer, sesv2: Any, cleanup: list[str]
) -> None:
    name = unique("race")
    cleanup.append(name)
    clients = [server.client("sesv2" if i % 2 else "ses") for i in range(8)]

    def create(client: Any, index: int) -> None:
        if index % 2:
            client.create_configuration_set(ConfigurationSetName=name)
        else:
            client.create_configuration_set(ConfigurationSet={"Name": name})

    outcomes = race(clients, create)
    assert outcomes.count("ok") == 1
    losers = sorted(code for code in outcomes if code != "ok")
    expected_v1 = ["ConfigurationSetAlreadyExists"] * (4 if outcomes.index("ok") % 2 else 3)
    expected_v2 = ["AlreadyExistsException"] * (7 - len(expected_v1))
    assert losers == sorted(expected_v2 + expected_v1)


def test_same_event_destination_created_at_once(
    sesv2: Any, v2_clients: list[Any], cleanup: list[str]
) -> None:
    name = unique("race")
    sesv2.create_configuration_set(ConfigurationSetName=name)
    cleanup.append(name)
    outcomes = race(
        v2_clients[:8],
        lambda client, index: client.create_configuration_set_event_destination(
            ConfigurationSetName=name,
            EventDestinationName="shared",
            EventDestination={
                **DEFINITION,
                "MatchingEventTypes": ["SEND", "BOUNCE"][: index % 2 + 1],
            },
        ),
    )
    assert sorted(outcomes) == ["AlreadyExistsException"] * 7 + ["ok"]
    winner = outcomes.index("ok")
    got = sesv2.get_configuration_set_event_destinations(ConfigurationSetName=name)
    assert got["EventDestinations"] == [
        {
            "Name": "shared",
            "Enabled": False,
            **DEFINITION,
            "MatchingEventTypes": ["SEND", "BOUNCE"][: winner % 2 + 1],
        }
    ]


def test_twelve_threads_never_exceed_ten_destinations(
    sesv2: Any, v2_clients: list[Any], cleanup: list[str]
) -> None:
    name = unique("race")
    sesv2.create_configuration_set(ConfigurationSetName=name)
    cleanup.append(name)
    outcomes = race(
        v2_clients,
        lambda client, index: client.create_configuration_set_event_destination(
            ConfigurationSetName=name, EventDestinationName=f"d{index}", EventDestination=DEFINITION
        ),
    )
    assert sorted(outcomes) == ["LimitExceededException"] * 2 + ["ok"] * 10
    got = sesv2.get_configuration_set_event_destinations(ConfigurationSetName=name)
    names = sorted(d["Name"] for d in got["EventDestinations"])
    assert names == sorted(f"d{i}" for i, outcome in enumerate(outcomes) if outcome == "ok")


def test_tagging_at_once_loses_no_tag(
    sesv2: Any, v2_clients: list[Any], cleanup: list[str]
) -> None:
    name = unique("race")
    sesv2.create_configuration_set(ConfigurationSetName=name)
    cleanup.append(name)
    arn = f"arn:aws:ses:us-east-1:123456789012:configuration-set/{name}"
    outcomes = race(
        v2_clients[:8],
        lambda client, index: client.tag_resource(
            ResourceArn=arn, Tags=[{"Key": f"k{index}", "Value": str(index)}]
        ),
    )
    assert outcomes == ["ok"] * 8
    got = sesv2.list_tags_for_resource(ResourceArn=arn)["Tags"]
    assert sorted(got, key=lambda tag: int(tag["Key"][1:])) == [
        {"Key": f"k{i}", "Value": str(i)} for i in range(8)
    ]


def test_delete_racing_updates(sesv2: Any, v2_clients: list[Any]) -> None:
    name = unique("race")
    sesv2.create_configuration_set(ConfigurationSetName=name)

    def act(client: Any, index: int) -> None:
        if index == 0:
            client.delete_configuration_set(ConfigurationSetName=name)
        else:
            client.create_configuration_set_event_destination(
                ConfigurationSetName=name,
                EventDestinationName=f"d{index}",
                EventDestination=DEFINITION,
            )

    outcomes = race(v2_clients[:6], act)
    assert outcomes[0] == "ok"
    assert set(outcomes[1:]) <= {"ok", "NotFoundException"}
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.get_configuration_set_event_destinations(ConfigurationSetName=name)
    # A set re-created under the name starts empty: nothing of the old one survives.
    assert_recreated_set_starts_empty(sesv2, name)


@pytest.fixture
def small_server(backend: str, tmp_path: Path) -> Iterator[LiveServer]:
    with (
        database_url(backend, str(tmp_path)) as url,
        serve_in_thread(Settings(database_url=url, max_configuration_sets=3)) as live,
    ):
        yield live


def test_quota_holds_under_concurrent_creates(small_server: LiveServer) -> None:
    clients = [small_server.client("sesv2") for _ in range(8)]
    names = [unique("quota") for _ in range(8)]
    outcomes = race(
        clients,
        lambda client, index: client.create_configuration_set(ConfigurationSetName=names[index]),
    )
    assert sorted(outcomes) == ["LimitExceededException"] * 5 + ["ok"] * 3
    listed = clients[0].list_configuration_sets()["ConfigurationSets"]
    assert listed == sorted(
        n for n, outcome in zip(names, outcomes, strict=True) if outcome == "ok"
    )
