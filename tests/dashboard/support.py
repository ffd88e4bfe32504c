"""What the dashboard's tests share: a verified sender in an account, and a mail sent from it."""

from __future__ import annotations

from typing import Any

from tests.events.peerside import eventually
from tests.support import LiveServer, unique

__all__ = ["eventually", "new_sender", "send"]


def new_sender(server: LiveServer, access_key: str = "test") -> tuple[Any, str]:
    """A v2 client of ``access_key``'s account and an address on a new verified domain."""
    sesv2 = server.client("sesv2", access_key=access_key)
    domain = f"{unique('dash')}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    return sesv2, f"sender@{domain}"


def send(
    sesv2: Any,
    sender: str,
    *,
    subject: str | None = None,
    html: str = "<p>html body</p>",
    configuration_set: str | None = None,
    to: str = "someone@example.net",
) -> str:
    kwargs: dict[str, Any] = {
        "FromEmailAddress": sender,
        "Destination": {"ToAddresses": [to]},
        "Content": {
            "Simple": {
                "Subject": {"Data": subject or unique("subject")},
                "Body": {"Text": {"Data": "plain body"}, "Html": {"Data": html}},
            }
        },
    }
    if configuration_set:
        kwargs["ConfigurationSetName"] = configuration_set
    return str(sesv2.send_email(**kwargs)["MessageId"])
