"""On SQLite, requests run on the event loop in one turn share a commit (store/loop.py), and
none answers before that commit: the row a SendEmail answer names is already visible to any
other connection when the answer is written. Driven through the ASGI interface of the app, so
that the test sees each answer at the moment the gateway writes it."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from openses.app import create_app
from openses.config import Settings
from tests.support import asgi_scope

SENDS = 20


async def _call(app: Any, path: str, body: dict[str, Any], seen: list[Any]) -> None:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": json.dumps(body).encode(), "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.body":
            seen.append(json.loads(message["body"]))

    await app(asgi_scope("POST", path), receive, send)


def test_answers_wait_for_the_commit_they_share(tmp_path: Path) -> None:
    path = tmp_path / "group.db"
    app = create_app(Settings(database_url=f"sqlite:///{path}", dispatch_events=False))
    watcher = sqlite3.connect(path)
    visible_when_answered: list[bool] = []

    def stored(message_id: str) -> bool:
        query = "SELECT count(*) FROM messages WHERE message_id = ?"
        return bool(watcher.execute(query, (message_id,)).fetchone()[0])

    async def send_one(index: int) -> None:
        answers: list[Any] = []

        async def observe(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.body":
                message_id = json.loads(message["body"])["MessageId"]
                visible_when_answered.append(stored(message_id))
                answers.append(message_id)

        body = {
            "FromEmailAddress": "sender@example.com",
            "Destination": {"ToAddresses": [f"reader{index}@example.com"]},
            "Content": {"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}},
        }

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": json.dumps(body).encode(), "more_body": False}

        await app(asgi_scope("POST", "/v2/email/outbound-emails"), receive, observe)
        assert len(answers) == 1

    async def scenario() -> None:
        created: list[Any] = []
        await _call(app, "/v2/email/identities", {"EmailIdentity": "example.com"}, created)
        assert "IdentityType" in created[0]
        before = watcher.execute("PRAGMA data_version").fetchone()[0]
        await asyncio.gather(*(send_one(index) for index in range(SENDS)))
        after = watcher.execute("PRAGMA data_version").fetchone()[0]
        assert 0 < after - before < SENDS  # the sends shared commits

    async def scenario_then_close() -> None:
        try:
            await scenario()
        finally:
            await app.gateway.aclose()

    try:
        asyncio.run(scenario_then_close())
    finally:
        app.engine.dispose()
        watcher.close()
    assert visible_when_answered == [True] * SENDS
