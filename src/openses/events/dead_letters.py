"""A dead letter as the operator sees it, the same from ``GET /_openses/dead-letters`` and
``openses dead-letters list``."""

from __future__ import annotations

from typing import Any

from openses.protocol.timestamps import iso8601
from openses.store.publications import Publication


def as_json(row: Publication) -> dict[str, Any]:
    return {
        "id": row.id,
        "accountId": row.account_id,
        "region": row.region,
        "kind": row.kind,
        "target": row.target,
        "configurationSet": row.configuration_set,
        "destinationName": row.destination_name,
        "messageId": row.message_id,
        "attempts": row.attempts,
        "lastError": row.last_error,
        "createdAt": iso8601(row.created_at),
        "payload": row.payload,
    }
