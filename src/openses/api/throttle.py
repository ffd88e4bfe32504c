"""OPENSES_THROTTLE=aws: SES's API request rates, per account, region and operation.

"All actions (except for SendEmail, SendRawEmail, and SendTemplatedEmail) are throttled at
one request per second" (SES developer guide, quotas); sends are held to the account's send
rate instead (services/quotas.py), and BatchGetMetricData takes 16 calls a second (botocore
sesv2). Each (account, region, operation) has a bucket of one second's calls, refilled
continuously. The buckets are this process's: N processes let an account make N times the
rate (docs/aws-behaviour.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from openses.domain.errors import RequestRateExceeded

DEFAULT_RATE = 1.0
# per second, by operation name (v1 and v2 share names where the operation is the same)
RATES = {"BatchGetMetricData": 16.0}
UNTHROTTLED = frozenset(
    {"SendEmail", "SendRawEmail", "SendTemplatedEmail", "SendBulkTemplatedEmail", "SendBulkEmail"}
)
_FORGET_AFTER = 60.0  # seconds a bucket is kept unused


class Throttle:
    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._lock = threading.Lock()  # handlers also run in worker threads
        # key -> (calls left, when counted)
        self._buckets: dict[tuple[str, str, str], tuple[float, float]] = {}
        self._swept = monotonic()

    def check(self, account_id: str, region: str, operation: str) -> None:
        """Take one call from the bucket, or raise RequestRateExceeded."""
        if operation in UNTHROTTLED:
            return
        rate = RATES.get(operation, DEFAULT_RATE)
        key = (account_id, region, operation)
        with self._lock:
            now = self._monotonic()
            left, at = self._buckets.get(key, (rate, now))
            left = min(rate, left + (now - at) * rate)
            if left < 1.0:
                self._buckets[key] = (left, now)
                raise RequestRateExceeded()
            self._buckets[key] = (left - 1.0, now)
            if now - self._swept > _FORGET_AFTER:
                self._sweep(now)

    def _sweep(self, now: float) -> None:
        self._swept = now
        stale = [key for key, (_, at) in self._buckets.items() if now - at > _FORGET_AFTER]
        for key in stale:
            del self._buckets[key]
