"""Sending statistics: the counters of the rollup (store/statistics.py), the 15-minute interval
they are kept in, and the recipient's ISP (BatchGetMetricData's ISP dimension)."""

from __future__ import annotations

import datetime
from enum import StrEnum

INTERVAL = datetime.timedelta(minutes=15)


class Counter(StrEnum):
    """What the rollup counts, one per recipient (opens and clicks: one per event)."""

    SEND = "send"
    DELIVERY = "delivery"
    PERMANENT_BOUNCE = "permanent_bounce"
    TRANSIENT_BOUNCE = "transient_bounce"
    # a Permanent bounce of sub-type OnAccountSuppressionList: a bounce in GetSendStatistics,
    # not in the bounce rate or VDM's PERMANENT_BOUNCE (SES developer guide)
    SUPPRESSED_BOUNCE = "suppressed_bounce"
    COMPLAINT = "complaint"
    REJECT = "reject"
    OPEN = "open"
    CLICK = "click"


def interval_start(moment: datetime.datetime) -> datetime.datetime:
    """The start of the 15-minute interval (UTC) that holds ``moment``."""
    utc = moment.astimezone(datetime.UTC)
    return utc.replace(minute=utc.minute - utc.minute % 15, second=0, microsecond=0)


def next_interval_start(moment: datetime.datetime) -> datetime.datetime:
    """The first interval that starts at or after ``moment``."""
    start = interval_start(moment)
    return start if start == moment.astimezone(datetime.UTC) else start + INTERVAL


# The mailbox providers VDM names in its ISP dimension ("Gmail", "Yahoo", ...), by the
# recipient's domain; any other domain is "Other" (GUESS, docs/aws-behaviour.md).
OTHER_ISP = "Other"
_ISPS = {
    "Gmail": ("gmail.com", "googlemail.com"),
    "Hotmail": ("hotmail.com", "outlook.com", "live.com", "msn.com"),
    "Yahoo": ("yahoo.com", "ymail.com", "rocketmail.com"),
    "AOL": ("aol.com",),
    "iCloud": ("icloud.com", "me.com", "mac.com"),
    "Comcast": ("comcast.net",),
}
_ISP_OF_DOMAIN = {domain: isp for isp, domains in _ISPS.items() for domain in domains}


def isp_of(address: str) -> str:
    domain = address.rpartition("@")[2].lower().rstrip(">").strip()
    return _ISP_OF_DOMAIN.get(domain, OTHER_ISP)
