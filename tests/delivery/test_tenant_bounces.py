"""A hard bounce of mail sent on behalf of a tenant with its own suppression list (relay mode)
puts the address on the tenant's list, not the account's, and the tenant's next send to it is
suppressed; SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from tests.delivery.conftest import by_type, delivering
from tests.delivery.peers import sink
from tests.peer import AwsPeer


def test_hard_bounce_goes_to_the_tenants_own_list(
    backend: str, tmp_path: Path, peer: AwsPeer
) -> None:
    with sink() as smarthost, delivering(backend, tmp_path, peer, smtp_relay=smarthost.url) as live:
        sesv2 = live.sesv2
        sesv2.create_tenant(TenantName="shop", SuppressionAttributes={"SuppressionScope": "TENANT"})
        for kind, name in (("identity", live.domain), ("configuration-set", live.set_name)):
            sesv2.create_tenant_resource_association(
                TenantName="shop", ResourceArn=f"arn:aws:ses:us-east-1:123456789012:{kind}/{name}"
            )

        def send() -> str:
            message_id: str = sesv2.send_email(
                FromEmailAddress=f"sender@{live.domain}",
                Destination={"ToAddresses": ["reject-carl@example.net"]},
                Content={"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hi"}}}},
                ConfigurationSetName=live.set_name,
                TenantName="shop",
            )["MessageId"]
            return message_id

        first = send()
        assert by_type(live.events(first, 2))["Bounce"][0]["bounce"]["bounceType"] == "Permanent"
        assert live.status(first, "bounced") == "bounced"
        entry = sesv2.get_suppressed_destination(
            EmailAddress="reject-carl@example.net", TenantName="shop"
        )["SuppressedDestination"]
        account_list = sesv2.list_suppressed_destinations()["SuppressedDestinationSummaries"]
        again = send()
        again_records = by_type(live.events(again, 2))
    assert (entry["EmailAddress"], entry["Reason"]) == ("reject-carl@example.net", "BOUNCE")
    assert entry["Attributes"]["MessageId"] == first
    assert account_list == []
    assert again_records["Bounce"][0]["bounce"]["bounceSubType"] == "OnAccountSuppressionList"
