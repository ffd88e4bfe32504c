"""One publisher per destination kind, behind one Protocol. A publisher sends a run of items to
one target, in batches within its API's limits, and reports which items failed and why."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from openses.events.aws import AwsClients, AwsError, describe

Payload = dict[str, Any] | str
Target = dict[str, Any]
# item id -> error; an item not in it went out
Failures = dict[int, str]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Item:
    id: int
    payload: Payload


@dataclass(frozen=True)
class AwsPublisher:
    """What every destination kind's publisher holds: the AWS clients it calls through
    (events/aws.py). A kind with settings of its own adds them as keyword-only fields."""

    clients: AwsClients


class Publisher(Protocol):
    def publish(self, target: Target, items: Sequence[Item], *, region: str) -> Failures:
        """Send to one target; ``region`` is the events' own, for targets without an ARN."""
        ...


def compact(record: Payload) -> str:
    """The event JSON as AWS sends it: compact, one line."""
    return record if isinstance(record, str) else json.dumps(record, separators=(",", ":"))


def chunks(
    entries: Sequence[T], *, max_count: int, max_bytes: int, size: Callable[[T], int]
) -> Iterator[list[T]]:
    """Consecutive runs of at most ``max_count`` entries and ``max_bytes`` in all."""
    run: list[T] = []
    total = 0
    for entry in entries:
        weight = size(entry)
        if run and (len(run) == max_count or total + weight > max_bytes):
            yield run
            run, total = [], 0
        run.append(entry)
        total += weight
    if run:
        yield run


def each_call(
    runs: Iterator[list[T]], ids: Callable[[T], int], send: Callable[[list[T]], Failures]
) -> Failures:
    """Call ``send`` per run; a call that fails as a whole fails only its own entries."""
    failures: Failures = {}
    for run in runs:
        try:
            failures.update(send(run))
        except AwsError as error:
            reason = describe(error)
            failures.update({ids(entry): reason for entry in run})
    return failures


def entry_failures(run: Sequence[tuple[int, Any]], results: Sequence[dict[str, Any]]) -> Failures:
    """The entries a batch call refused, from its per-entry results in the order sent (Firehose
    PutRecordBatch, EventBridge PutEvents): ``ErrorCode: ErrorMessage`` by item id."""
    return {
        item_id: f"{result['ErrorCode']}: {result.get('ErrorMessage', '')}"
        for (item_id, _), result in zip(run, results, strict=True)
        if result.get("ErrorCode")
    }
