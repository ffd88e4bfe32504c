"""Settings from the environment: the dispatcher's retry settings are ``OPENSES_PUBLISH_*``."""

from __future__ import annotations

from openses.config import PublishSettings, Settings


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
