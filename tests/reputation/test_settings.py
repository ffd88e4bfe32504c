"""The OPENSES_REPUTATION_* settings: their casts, defaults and refusals."""

from __future__ import annotations

import pytest

from openses.config import ReputationSettings, Settings, SettingsError


def test_defaults() -> None:
    assert Settings.from_environ({}).reputation == ReputationSettings(
        window_hours=336.0,
        min_volume=20,
        count_simulator=True,
        publish_seconds=60.0,
        enforcement="warn",
        auto_pause_sets=False,
    )


def test_values() -> None:
    environ = {
        "OPENSES_REPUTATION_WINDOW_HOURS": "24",
        "OPENSES_REPUTATION_MIN_VOLUME": "0",
        "OPENSES_REPUTATION_COUNT_SIMULATOR": "off",
        "OPENSES_REPUTATION_PUBLISH_SECONDS": "0.5",
        "OPENSES_REPUTATION_ENFORCEMENT": "AWS",
        "OPENSES_REPUTATION_AUTO_PAUSE_SETS": "yes",
    }
    assert Settings.from_environ(environ).reputation == ReputationSettings(
        window_hours=24.0,
        min_volume=0,
        count_simulator=False,
        publish_seconds=0.5,
        enforcement="aws",
        auto_pause_sets=True,
    )


@pytest.mark.parametrize(
    ("variable", "value", "accepts"),
    [
        ("OPENSES_REPUTATION_ENFORCEMENT", "strict", "accepted values are off, warn, aws"),
        (
            "OPENSES_REPUTATION_WINDOW_HOURS",
            "0",
            "a number above 0 is expected, such as 60 or 0.5",
        ),
        (
            "OPENSES_REPUTATION_PUBLISH_SECONDS",
            "-1",
            "a number above 0 is expected, such as 60 or 0.5",
        ),
        (
            "OPENSES_REPUTATION_MIN_VOLUME",
            "-3",
            "a whole number from 0 up is expected, such as 20",
        ),
        ("OPENSES_REPUTATION_MIN_VOLUME", "many", "an integer is expected, such as 10"),
    ],
)
def test_refusals(variable: str, value: str, accepts: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_environ({variable: value})
    assert str(raised.value) == f"{variable}={value!r} is not valid: {accepts}"
