"""SES v1 identity-notification operations: the per-identity SNS topics, email feedback
forwarding and headers in notifications (``SetIdentity*``, ``GetIdentityNotificationAttributes``).
"""

from __future__ import annotations

from openses.api.context import RequestContext
from openses.api.registry import Output, operation
from openses.api.v1 import shapes
from openses.domain.feedback import FeedbackSettings, NotificationType
from openses.protocol.models import V1
from openses.services import identity_notifications as service


@operation(V1, "SetIdentityNotificationTopic")
def set_identity_notification_topic(
    context: RequestContext,
    *,
    identity: str,
    notification_type: str,
    sns_topic: str | None = None,
) -> Output:
    """An absent (or empty) SnsTopic clears the topic (API reference)."""
    service.set_topic(
        context.writing(),
        identity,
        NotificationType(notification_type),
        sns_topic or None,
        context.clock(),
    )
    return {}


@operation(V1, "SetIdentityFeedbackForwardingEnabled")
def set_identity_feedback_forwarding_enabled(
    context: RequestContext, *, identity: str, forwarding_enabled: bool
) -> Output:
    service.set_forwarding(context.writing(), identity, forwarding_enabled, require_topics=True)
    return {}


@operation(V1, "SetIdentityHeadersInNotificationsEnabled")
def set_identity_headers_in_notifications_enabled(
    context: RequestContext, *, identity: str, notification_type: str, enabled: bool
) -> Output:
    service.set_headers(context.writing(), identity, NotificationType(notification_type), enabled)
    return {}


@operation(V1, "GetIdentityNotificationAttributes")
def get_identity_notification_attributes(
    context: RequestContext, *, identities: list[str]
) -> Output:
    """Names that are not identities of the account are left out, as in
    GetIdentityVerificationAttributes (GUESS)."""

    def entry(name: str, settings: FeedbackSettings) -> Output:
        attributes: Output = {}
        for kind in NotificationType:
            topic = settings.topic(kind)
            if topic is not None:
                attributes[f"{kind}Topic"] = topic
        attributes["ForwardingEnabled"] = settings.forwarding_enabled
        for kind in NotificationType:
            attributes[f"HeadersIn{kind}NotificationsEnabled"] = kind in settings.headers_included
        return attributes

    found = service.settings_of(context.reading(), identities)
    return {"NotificationAttributes": shapes.attributes_of(identities, found, entry)}
