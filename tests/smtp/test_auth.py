"""The SES SMTP password derivation, against the worked examples of the SES reference
(ses-reference smtp.md §2: public test suites and terraform-provider-aws), and open mode's
authenticator."""

from __future__ import annotations

import pytest

from openses.protocol.auth import Caller
from openses.smtp.auth import OpenAuthenticator, smtp_password

AWS_EXAMPLE = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.mark.parametrize(
    ("secret", "region", "password"),
    [
        (AWS_EXAMPLE, "us-east-1", "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9"),
        (AWS_EXAMPLE, "us-west-2", "BF2PynzbSCAjX08zhZZnP/kW+T9P5zs/1Er0pi5vTEmd"),
        (AWS_EXAMPLE, "eu-west-1", "BMW5RDrXmmVs0lV7GpI4oLkHXpZ4stDsk6q91z1g38Pk"),
        ("some+secret+key", "eu-central-1", "BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2"),
        ("another+secret+key", "us-west-1", "BKVmjjMDFk/qqw8EROW99bjCS65PF8WKvK5bSr4Y6EqF"),
    ],
)
def test_smtp_password_matches_the_published_examples(
    secret: str, region: str, password: str
) -> None:
    assert smtp_password(secret, region) == password


def test_open_mode_takes_any_password_and_maps_the_key_as_the_api_does() -> None:
    authenticator = OpenAuthenticator({"KEYA": "111111111111"}, "123456789012", "eu-west-1")
    assert authenticator.authenticate("KEYA", "x") == Caller("111111111111", "eu-west-1", "KEYA")
    assert authenticator.authenticate("222222222222", "") == Caller(
        "222222222222", "eu-west-1", "222222222222"
    )
    assert authenticator.authenticate("OTHER", "y") == Caller("123456789012", "eu-west-1", "OTHER")
    assert authenticator.authenticate("", "y") is None


def test_open_mode_takes_sessions_without_auth_from_loopback_only() -> None:
    authenticator = OpenAuthenticator({}, "123456789012", "us-east-1")
    assert authenticator.anonymous("127.0.0.1") == Caller("123456789012", "us-east-1")
    assert authenticator.anonymous("::1") == Caller("123456789012", "us-east-1")
    assert authenticator.anonymous("192.0.2.2") is None
    assert authenticator.anonymous("not an address") is None
