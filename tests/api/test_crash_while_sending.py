"""A send that was answered survives ``kill -9``: on SQLite the event loop commits the writes
of one turn together (store/loop.py), and no request may answer before its group's commit."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest
from botocore.config import Config

from tests.support import database_url, free_port, serve_process, unique

SENDERS = 8
ANSWERED_BEFORE_THE_KILL = 400


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    with database_url(backend, str(tmp_path)) as url:
        yield url


def _client(url: str) -> object:
    return boto3.client(
        "sesv2",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10),
    )


def test_every_answered_send_is_there_after_kill_9(db_url: str, tmp_path: Path) -> None:
    port, log = free_port(), tmp_path / "serve.log"
    url = f"http://127.0.0.1:{port}"
    settings = {"OPENSES_DATABASE_URL": db_url, "OPENSES_DISPATCH_EVENTS": "false"}
    process = serve_process(settings, port, log)
    domain = f"{unique('d')}.example.com"
    _client(url).create_email_identity(EmailIdentity=domain)  # type: ignore[attr-defined]

    answered: list[str] = []
    lock = threading.Lock()
    enough = threading.Event()

    def sender(index: int) -> None:
        sesv2 = _client(url)
        for number in range(1_000_000):
            try:
                reply = sesv2.send_email(  # type: ignore[attr-defined]
                    FromEmailAddress=f"sender@{domain}",
                    Destination={"ToAddresses": [f"reader{index}-{number}@example.com"]},
                    Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}},
                )
            except Exception:
                return  # the server is gone
            with lock:
                answered.append(reply["MessageId"])
                if len(answered) >= ANSWERED_BEFORE_THE_KILL:
                    enough.set()

    threads = [threading.Thread(target=sender, args=(i,), daemon=True) for i in range(SENDERS)]
    for thread in threads:
        thread.start()
    try:
        assert enough.wait(timeout=60), "the senders did not get going"
    finally:
        process.send_signal(signal.SIGKILL)  # while the senders are still sending
        process.wait(timeout=10)
    for thread in threads:
        thread.join(timeout=30)
    with lock:
        acknowledged = list(answered)

    process = serve_process(settings, port, log)
    try:
        missing = [
            message_id
            for message_id in acknowledged
            if httpx.get(f"{url}/_openses/messages/{message_id}").status_code != 200
        ]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    assert len(acknowledged) >= ANSWERED_BEFORE_THE_KILL
    assert missing == []
