"""An identity's feedback settings: the SNS topics of its identity notifications, email
feedback forwarding, and whether notifications carry the original headers."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from openses.domain import names
from openses.domain.errors import FeedbackForwardingRequired, InvalidNotificationTopic


class NotificationType(StrEnum):
    BOUNCE = "Bounce"
    COMPLAINT = "Complaint"
    DELIVERY = "Delivery"


# Bounces and complaints must reach the sender one way or another: by SNS or by email.
FEEDBACK_TYPES = (NotificationType.BOUNCE, NotificationType.COMPLAINT)


def check_topic_arn(topic_arn: str | None) -> None:
    """A topic must be an SNS topic ARN; none (or empty) clears the type's topic."""
    if topic_arn and not names.is_sns_topic_arn(topic_arn):
        raise InvalidNotificationTopic(topic_arn)


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedbackSettings:
    topics: Mapping[NotificationType, str] = field(default_factory=dict)
    forwarding_enabled: bool = True
    headers_included: frozenset[NotificationType] = frozenset()

    def topic(self, kind: NotificationType) -> str | None:
        return self.topics.get(kind)

    def with_topic(self, kind: NotificationType, topic_arn: str | None) -> FeedbackSettings:
        """Clearing a bounce or complaint topic while forwarding is off turns forwarding back
        on, so that feedback still has a way out (GUESS; docs/aws-behaviour.md)."""
        topics = {k: v for k, v in self.topics.items() if k is not kind}
        if topic_arn:
            topics[kind] = topic_arn
        forwarding = self.forwarding_enabled or not all(t in topics for t in FEEDBACK_TYPES)
        return dataclasses.replace(self, topics=topics, forwarding_enabled=forwarding)

    def with_forwarding(self, enabled: bool, *, require_topics: bool) -> FeedbackSettings:
        """v1 refuses to turn forwarding off unless bounces and complaints both have a topic
        (API reference, SetIdentityFeedbackForwardingEnabled); v2 accepts it."""
        if not enabled and require_topics and not all(self.topic(t) for t in FEEDBACK_TYPES):
            raise FeedbackForwardingRequired()
        return dataclasses.replace(self, forwarding_enabled=enabled)

    def with_headers(self, kind: NotificationType, enabled: bool) -> FeedbackSettings:
        included = self.headers_included | {kind} if enabled else self.headers_included - {kind}
        return dataclasses.replace(self, headers_included=frozenset(included))

    def forwards(self, kind: NotificationType) -> bool:
        """Whether a bounce or complaint is emailed to the sender. Without a topic for it,
        SES emails it even when forwarding is off (API reference v2,
        PutEmailIdentityFeedbackAttributes). Deliveries are never emailed."""
        if kind not in FEEDBACK_TYPES:
            return False
        return self.forwarding_enabled or self.topic(kind) is None
