"""SES v1 account operations: sending quota and statistics, and the account sending switch."""

from __future__ import annotations

from openses.api.context import RequestContext
from openses.api.registry import Output, operation
from openses.protocol.models import V1
from openses.services import account as service
from openses.services import quotas, reputation, statistics


@operation(V1, "GetSendQuota")
def get_send_quota(context: RequestContext) -> Output:
    quota = service.send_quota(context.reading(), context.clock())
    limits = quotas.account_access(context.reading(), quotas.policy(context.settings)).limits
    return {
        "Max24HourSend": limits.max_24_hour_send,
        "MaxSendRate": limits.max_send_rate,
        "SentLast24Hours": quota.sent_last_24_hours,
    }


@operation(V1, "GetSendStatistics")
def get_send_statistics(context: RequestContext) -> Output:
    points = statistics.send_statistics(context.reading(), context.clock())
    return {
        "SendDataPoints": [
            {
                "Timestamp": point.timestamp,
                "DeliveryAttempts": point.delivery_attempts,
                "Bounces": point.bounces,
                "Complaints": point.complaints,
                "Rejects": point.rejects,
            }
            for point in points
        ]
    }


@operation(V1, "GetAccountSendingEnabled")
def get_account_sending_enabled(context: RequestContext) -> Output:
    enabled = service.get_settings(context.reading()).sending_enabled
    # issue 17: reputation enforcement (OPENSES_REPUTATION_ENFORCEMENT=aws) pauses it too
    return {"Enabled": enabled and not reputation.standing(context.reading()).sending_paused}


@operation(V1, "UpdateAccountSendingEnabled")
def update_account_sending_enabled(context: RequestContext, *, enabled: bool = False) -> Output:
    service.set_sending_enabled(context.writing(), enabled)
    return {}
