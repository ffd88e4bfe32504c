"""Settings from the environment, through config.py's table: every variable, its strict cast,
its default, and README's tables listing them all."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from openses.config import SETTINGS, PublishSettings, Settings, SettingsError


def test_publish_settings_come_from_openses_publish_variables() -> None:
    settings = Settings.from_environ(
        {
            "OPENSES_PUBLISH_MAX_ATTEMPTS": "3",
            "OPENSES_PUBLISH_MAX_AGE_SECONDS": "600",
            "OPENSES_PUBLISH_BACKOFF_BASE_SECONDS": "0.5",
            "OPENSES_PUBLISH_BACKOFF_MAX_SECONDS": "30",
            "OPENSES_PUBLISH_LEASE_SECONDS": "15",
            "OPENSES_PUBLISH_POLL_SECONDS": "0.25",
            "OPENSES_PUBLISH_BATCH_SIZE": "50",
            "OPENSES_PUBLISH_TIMEOUT_SECONDS": "5",
        }
    )
    assert settings.publish == PublishSettings(
        max_attempts=3,
        max_age_seconds=600.0,
        backoff_base_seconds=0.5,
        backoff_max_seconds=30.0,
        lease_seconds=15.0,
        poll_seconds=0.25,
        batch_size=50,
        timeout_seconds=5.0,
    )


def test_openses_delivery_variables_are_not_the_publish_settings() -> None:
    # OPENSES_DELIVERY_* belongs to delivering mail; no alias before 1.0.
    settings = Settings.from_environ(
        {"OPENSES_DELIVERY_MAX_ATTEMPTS": "3", "OPENSES_DELIVERY_BATCH_SIZE": "50"}
    )
    assert settings.publish == PublishSettings()
    assert settings.publish.max_attempts == 10
    assert settings.publish.batch_size == 500


def test_identity_signing_settings() -> None:
    settings = Settings.from_environ(
        {
            "OPENSES_DNS_SERVERS": "127.0.0.1:5353, 10.0.0.2,[::1]:5300 ,",
            "OPENSES_DKIM_DOMAIN": "Keys.Example.NET.",
            "OPENSES_RETURN_PATH_DOMAIN": "bounces.{region}.example.net",
        }
    )
    assert settings.dns_servers == (("127.0.0.1", 5353), ("10.0.0.2", 53), ("::1", 5300))
    assert settings.dkim_domain == "keys.example.net"
    assert settings.return_path_domain == "bounces.{region}.example.net"
    unset = Settings.from_environ({})
    assert (unset.dns_servers, unset.dkim_domain, unset.return_path_domain) == ((), None, None)


def test_every_variable_of_the_table_reaches_its_setting() -> None:
    settings = Settings.from_environ(
        {
            "OPENSES_HOST": "0.0.0.0",
            "OPENSES_PORT": "9000",
            "OPENSES_DATABASE_URL": "postgresql://me@db:5432/ses",
            "OPENSES_ACCESS_KEYS": "AKIAONE=111111111111, AKIATWO=222222222222",
            "OPENSES_DEFAULT_ACCOUNT_ID": "333333333333",
            "OPENSES_MAX_CONFIGURATION_SETS": "20",
            "OPENSES_AUTO_VERIFY_IDENTITIES": "false",
            "OPENSES_ACCESS_LOG": "YES",
            "OPENSES_DATABASE_THREADS": "4",
            "OPENSES_PUBLIC_URL": "https://mail.example.com",
            "OPENSES_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16,",
            "OPENSES_VALIDATE_DESTINATIONS": "0",
            "OPENSES_DISPATCH_EVENTS": "off",
            "OPENSES_ASSUME_ROLES": "on",
            "OPENSES_CLOUDWATCH_NAMESPACE": "Test/SES",
            "OPENSES_EVENTBRIDGE_SOURCE": "test.ses",
            "OPENSES_AWS_ENDPOINT_URL": "http://aws:5000",
            "OPENSES_AWS_ENDPOINT_URL_SNS": "http://sns:5000",
            "OPENSES_AWS_ENDPOINT_URL_STS": "http://sts:5000",
            "OPENSES_PUBLISH_MAX_ATTEMPTS": "3",
        }
    )
    assert settings == Settings(
        host="0.0.0.0",
        port=9000,
        database_url="postgresql://me@db:5432/ses",
        access_keys={"AKIAONE": "111111111111", "AKIATWO": "222222222222"},
        default_account_id="333333333333",
        max_configuration_sets=20,
        auto_verify_identities=False,
        access_log=True,
        database_threads=4,
        public_url="https://mail.example.com",
        trusted_proxies=("10.0.0.1", "192.168.0.0/16"),
        validate_destinations=False,
        dispatch_events=False,
        assume_roles=True,
        cloudwatch_namespace="Test/SES",
        eventbridge_source="test.ses",
        aws_endpoint_url="http://aws:5000",
        aws_endpoint_urls={"sns": "http://sns:5000", "sts": "http://sts:5000"},
        publish=PublishSettings(max_attempts=3),
    )


def test_no_variables_and_empty_ones_are_the_defaults() -> None:
    assert Settings.from_environ({}) == Settings()
    assert Settings.from_environ({setting.variable: "" for setting in SETTINGS}) == Settings()
    assert Settings.from_environ({setting.variable: "  " for setting in SETTINGS}) == Settings()


def test_the_command_line_wins_over_the_environment() -> None:
    settings = Settings.from_environ(
        {"OPENSES_PORT": "9000", "OPENSES_HOST": "0.0.0.0"}, port=7000, host=None
    )
    assert (settings.port, settings.host) == (7000, "0.0.0.0")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        *((word, True) for word in ("true", "TRUE", "True", "1", "yes", "on", " on ")),
        *((word, False) for word in ("false", "FALSE", "0", "no", "off", "Off")),
    ],
)
def test_booleans_take_the_usual_words(text: str, value: bool) -> None:
    assert Settings.from_environ({"OPENSES_ACCESS_LOG": text}).access_log is value
    assert (
        Settings.from_environ({"OPENSES_AUTO_VERIFY_IDENTITIES": text}).auto_verify_identities
        is value
    )


BOOLEANS = "accepted values are true, 1, yes, on, false, 0, no, off"
INTEGER = "an integer is expected, such as 10"
NUMBER = "a number is expected, such as 10 or 0.5"
FINITE = "a finite number is expected, such as 10 or 0.5"
PAIRS = "KEY=ACCOUNT pairs separated by commas are expected"


@pytest.mark.parametrize(
    ("variable", "text", "accepted"),
    [
        ("OPENSES_ACCESS_LOG", "tru", BOOLEANS),
        ("OPENSES_AUTO_VERIFY_IDENTITIES", "flase", BOOLEANS),
        ("OPENSES_VALIDATE_DESTINATIONS", "2", BOOLEANS),
        ("OPENSES_DISPATCH_EVENTS", "enabled", BOOLEANS),
        ("OPENSES_ASSUME_ROLES", "y", BOOLEANS),
        ("OPENSES_PORT", "80a", INTEGER),
        ("OPENSES_PORT", "8585.0", INTEGER),
        ("OPENSES_MAX_CONFIGURATION_SETS", "ten", INTEGER),
        ("OPENSES_DATABASE_THREADS", "1e3", INTEGER),
        ("OPENSES_PUBLISH_MAX_ATTEMPTS", "3.5", INTEGER),
        ("OPENSES_PUBLISH_BATCH_SIZE", "lots", INTEGER),
        ("OPENSES_PUBLISH_POLL_SECONDS", "half", NUMBER),
        ("OPENSES_PUBLISH_MAX_AGE_SECONDS", "1d", NUMBER),
        ("OPENSES_PUBLISH_TIMEOUT_SECONDS", "nan", FINITE),
        ("OPENSES_PUBLISH_BACKOFF_MAX_SECONDS", "inf", FINITE),
        ("OPENSES_ACCESS_KEYS", "AKIAONE", PAIRS),
        ("OPENSES_ACCESS_KEYS", "AKIAONE=111111111111,=222222222222", PAIRS),
        ("OPENSES_ACCESS_KEYS", "AKIAONE=", PAIRS),
    ],
)
def test_a_bad_value_names_the_variable_and_what_it_accepts(
    variable: str, text: str, accepted: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_environ({variable: text})
    assert str(caught.value) == f"{variable}={text!r} is not valid: {accepted}"


def test_every_settings_field_has_a_variable() -> None:
    covered = {setting.field.split(".")[0] for setting in SETTINGS}
    assert covered == {f.name for f in dataclasses.fields(Settings)}
    publish = {s.field.removeprefix("publish.") for s in SETTINGS if s.field.startswith("publish.")}
    assert publish == {f.name for f in dataclasses.fields(PublishSettings)}
    assert len({setting.variable for setting in SETTINGS}) == len(SETTINGS)


def test_the_tables_defaults_are_the_dataclasses() -> None:
    defaults = {setting.variable: setting.default for setting in SETTINGS}
    assert defaults["OPENSES_PORT"] == 8585
    assert defaults["OPENSES_ACCESS_KEYS"] == {}
    assert defaults["OPENSES_PUBLISH_POLL_SECONDS"] == 0.5
    assert defaults["OPENSES_AWS_ENDPOINT_URL_SNS"] is None
    assert defaults["OPENSES_AUTO_VERIFY_IDENTITIES"] is True


def _readme_variables() -> set[str]:
    """Every ``OPENSES_*`` name in README's tables, ``OPENSES_X_{A,B}`` expanded."""
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    rows = "\n".join(line for line in readme.splitlines() if line.startswith("|"))
    names: set[str] = set()
    for prefix, braces in re.findall(r"(OPENSES_[A-Z0-9_]*)(?:\{([A-Z_,]+)\})?", rows):
        if braces:
            names.update(prefix + tail for tail in braces.split(","))
        else:
            names.add(prefix)
    return names


def test_readme_tables_list_every_variable_and_no_other() -> None:
    assert _readme_variables() == {setting.variable for setting in SETTINGS}
