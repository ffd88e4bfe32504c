"""The API benchmark: the same four request kinds against moto and openses."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from bench import load
from bench.clients import client
from bench.processes import Server

SET_NAME = "bench-set"
STORED_SETS = 10


@dataclass(frozen=True, slots=True)
class Scenario:
    key: str
    title: str


SCENARIOS = (
    Scenario("get", "v2 GetConfigurationSet"),
    Scenario("list", "v2 ListConfigurationSets (10 sets)"),
    Scenario("pair", "v2 CreateConfigurationSet + DeleteConfigurationSet"),
    Scenario("describe", "v1 DescribeConfigurationSet (all attributes)"),
)


def prepare(server: Server) -> None:
    """Ten sets; the one read has options, tags and a CloudWatch event destination."""
    sesv2 = client(server.url, "sesv2")
    sesv2.create_configuration_set(
        ConfigurationSetName=SET_NAME,
        DeliveryOptions={"TlsPolicy": "REQUIRE"},
        ReputationOptions={"ReputationMetricsEnabled": True},
        SendingOptions={"SendingEnabled": True},
        Tags=[{"Key": "team", "Value": "bench"}, {"Key": "tier", "Value": "gold"}],
    )
    # moto has no v2 event-destination operations, so this one goes through v1 on both.
    client(server.url, "ses").create_configuration_set_event_destination(
        ConfigurationSetName=SET_NAME,
        EventDestination={
            "Name": "metrics",
            "Enabled": True,
            "MatchingEventTypes": ["send", "delivery", "bounce"],
            "CloudWatchDestination": {
                "DimensionConfigurations": [
                    {
                        "DimensionName": "campaign",
                        "DimensionValueSource": "messageTag",
                        "DefaultDimensionValue": "none",
                    }
                ]
            },
        },
    )
    for index in range(1, STORED_SETS):
        sesv2.create_configuration_set(ConfigurationSetName=f"{SET_NAME}-{index:02d}")


def run(server: Server, seconds: float) -> dict[str, load.Result]:
    results = {}
    for scenario in SCENARIOS:
        params = {"set": SET_NAME, "prefix": f"pair-{uuid.uuid4().hex[:8]}"}
        load.run(server.url, scenario.key, min(1.0, seconds), **params)  # warm-up
        if scenario.key == "pair":
            params["prefix"] = f"pair-{uuid.uuid4().hex[:8]}"
        results[scenario.key] = load.run(server.url, scenario.key, seconds, **params)
    return results
