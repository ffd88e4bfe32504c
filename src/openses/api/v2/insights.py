"""SES v2 insights: GetMessageInsights (``/v2/email/insights/{MessageId}/``) and
GetEmailAddressInsights (``/v2/email/email-address-insights/``)."""

from __future__ import annotations

from openses.api.context import RequestContext
from openses.api.registry import Output, Wire, operation
from openses.protocol.models import V2
from openses.services import insights as service


@operation(V2, "GetMessageInsights")
def get_message_insights(context: RequestContext, *, message_id: str) -> Output:
    found = service.message_insights(context.reading(), message_id)
    return {
        "MessageId": found.message_id,
        "FromEmailAddress": found.from_address,
        "Subject": found.subject,
        "EmailTags": [{"Name": name, "Value": value} for name, value in found.tags],
        "Insights": [
            {"Destination": insight.destination, "Events": [_event(e) for e in insight.events]}
            for insight in found.insights
        ],
    }


def _event(event: service.InsightEvent) -> Wire:
    wire: Wire = {"Timestamp": event.timestamp, "Type": event.type}
    if event.bounce is not None:
        wire["Details"] = {"Bounce": dict(event.bounce)}
    elif event.complaint is not None:
        wire["Details"] = {"Complaint": dict(event.complaint)}
    return wire


# Its DNS look-up blocks: it runs in a thread (calls_out).
@operation(V2, "GetEmailAddressInsights", calls_out=True)
def get_email_address_insights(context: RequestContext, *, email_address: str) -> Output:
    found = service.address_insights(context.reading(), email_address, context.settings.dns_servers)
    return {
        "MailboxValidation": {
            "IsValid": {"ConfidenceVerdict": found.is_valid},
            "Evaluations": {
                "HasValidSyntax": {"ConfidenceVerdict": found.has_valid_syntax},
                "HasValidDnsRecords": {"ConfidenceVerdict": found.has_valid_dns_records},
                "MailboxExists": {"ConfidenceVerdict": found.mailbox_exists},
                "IsRoleAddress": {"ConfidenceVerdict": found.is_role_address},
                "IsDisposable": {"ConfidenceVerdict": found.is_disposable},
                "IsRandomInput": {"ConfidenceVerdict": found.is_random_input},
            },
        }
    }
