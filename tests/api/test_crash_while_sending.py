"""A send that was answered survives ``kill -9``: on SQLite the event loop commits the writes
of one turn together (store/loop.py), and no request may answer before its group's commit.

"Answered" means the client read the whole answer. uvicorn writes a response's head and its
body separately, so a kill between the two leaves the client a 200 with a short body, and
botocore (which reads bodies with urllib3's ``enforce_content_length=False``) parses that as
an empty success, ``{}``: the send had no MessageId to check, and the test used to fail with
``KeyError: 'MessageId'`` when the kill fell there. The senders' clients now treat a body
shorter than its Content-Length, or one that is not JSON, as no answer."""

from __future__ import annotations

import json
import signal
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


class CutShort(Exception):
    """The connection ended before the whole answer arrived."""


def _whole_answer(response_dict: dict[str, Any], **_: Any) -> None:
    body = response_dict["body"]
    length = response_dict["headers"].get("content-length")
    if length is not None and len(body) != int(length):
        raise CutShort(f"{len(body)} of {length} bytes")
    try:
        json.loads(body)
    except ValueError:
        raise CutShort(f"not JSON: {body!r}") from None


def _client(url: str) -> Any:
    client = boto3.client(
        "sesv2",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10),
    )
    client.meta.events.register("before-parse.sesv2.SendEmail", _whole_answer)
    return client


@pytest.mark.parametrize(
    "body", [b"", b'{"MessageId": "0100018c', b'{"MessageId":"x"}'], ids=["none", "part", "short"]
)
def test_an_answer_cut_short_is_no_answer(body: bytes) -> None:
    """What a kill between the head and the body looks like to the client."""
    with socket.create_server(("127.0.0.1", 0)) as listener:

        def answer() -> None:
            connection, _ = listener.accept()
            with connection:
                _read_request(connection)
                head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                connection.sendall(head + b"content-length: 48\r\n\r\n" + body)
                # End with FIN, never RST: closing with the request unread, or before the
                # client is done reading, would reset the connection instead of cutting short.
                connection.shutdown(socket.SHUT_WR)
                while connection.recv(65536):
                    pass

        thread = threading.Thread(target=answer, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        with pytest.raises(CutShort):
            _client(url).send_email(
                FromEmailAddress="sender@example.com",
                Destination={"ToAddresses": ["reader@example.com"]},
                Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}},
            )
        thread.join(timeout=10)


def _read_request(connection: socket.socket) -> None:
    """The whole request, head and body, however the client's writes arrive."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += connection.recv(65536)


def test_every_answered_send_is_there_after_kill_9(db_url: str, tmp_path: Path) -> None:
    port, log = free_port(), tmp_path / "serve.log"
    url = f"http://127.0.0.1:{port}"
    settings = {"OPENSES_DATABASE_URL": db_url, "OPENSES_DISPATCH_EVENTS": "false"}
    process = serve_process(settings, port, log)
    domain = f"{unique('d')}.example.com"
    _client(url).create_email_identity(EmailIdentity=domain)

    answered: list[str] = []
    lock = threading.Lock()
    enough = threading.Event()

    def sender(index: int) -> None:
        sesv2 = _client(url)
        for number in range(1_000_000):
            try:
                reply = sesv2.send_email(
                    FromEmailAddress=f"sender@{domain}",
                    Destination={"ToAddresses": [f"reader{index}-{number}@example.com"]},
                    Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}},
                )
            except Exception:
                return  # the server is gone (or went while answering: CutShort)
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
