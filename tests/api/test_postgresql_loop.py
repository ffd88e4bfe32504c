"""On PostgreSQL the event loop runs handlers on asyncio connections (store/database.py,
make_loop_engine): a request waiting on the server leaves the loop free for the others. Driven
through the app's ASGI interface, with a lock held from outside the app."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from openses.app import create_app
from openses.config import Settings
from tests.support import asgi_scope, database_url

SCOPE_LOCK = "openses:configuration-sets:123456789012:us-east-1"  # store/configuration_sets.py


async def _call(app: Any, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    answers: list[tuple[int, Any]] = []
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else b""
        return {"type": "http.request", "body": data, "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])
        else:
            answers.append((status[0], json.loads(message["body"])))

    await app(asgi_scope(method, path), receive, send)
    return answers[0]


def test_a_request_waiting_on_a_lock_leaves_the_loop_to_the_others(tmp_path: Path) -> None:
    with database_url("postgresql", str(tmp_path)) as url:
        app = create_app(Settings(database_url=url, dispatch_events=False))
        outside = create_engine(url)

        async def scenario() -> None:
            created = await _call(
                app, "POST", "/v2/email/configuration-sets", {"ConfigurationSetName": "first"}
            )
            assert created[0] == 200
            with outside.connect() as holder, outside.connect() as watcher:
                holder.begin()
                holder.execute(
                    text("SELECT pg_advisory_xact_lock(hashtext(:s))"), {"s": SCOPE_LOCK}
                )
                # Were the loop itself to wait on the lock, nothing here would run again: let
                # the lock go after a while, so that the test fails instead of hanging.
                release = threading.Timer(10, holder.commit)
                release.start()
                waiting = asyncio.create_task(
                    _call(
                        app,
                        "POST",
                        "/v2/email/configuration-sets",
                        {"ConfigurationSetName": "second"},
                    )
                )
                for _ in range(500):
                    await asyncio.sleep(0.01)
                    blocked = watcher.execute(
                        text("SELECT count(*) FROM pg_locks WHERE NOT granted")
                    ).scalar_one()
                    if blocked:
                        break
                assert blocked, "the second create never reached the lock"
                # While the create waits, reads are answered on the same loop.
                for _ in range(5):
                    status, body = await _call(app, "GET", "/v2/email/configuration-sets/first")
                    assert status == 200
                    assert body["ConfigurationSetName"] == "first"
                listed = await _call(app, "GET", "/v2/email/configuration-sets")
                assert listed == (200, {"ConfigurationSets": ["first"]})
                assert not waiting.done()
                release.cancel()
                holder.commit()
                assert await asyncio.wait_for(waiting, 30) == (200, {})
            listed = await _call(app, "GET", "/v2/email/configuration-sets")
            assert listed == (200, {"ConfigurationSets": ["first", "second"]})
            await app.gateway.aclose()

        try:
            asyncio.run(scenario())
        finally:
            outside.dispose()
            app.engine.dispose()
