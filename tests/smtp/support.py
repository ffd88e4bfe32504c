"""SMTP test helpers: a client TLS context that trusts the server's own certificate, and the
captured message of a send."""

from __future__ import annotations

import ssl
from typing import Any

import httpx

from tests.support import LiveServer, authorization

MESSAGE = (
    b"From: {sender}\r\nTo: you@example.net\r\nSubject: over SMTP\r\n"
    b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHello over SMTP\r\n"
)


def trusting(server: LiveServer) -> ssl.SSLContext:
    """A verifying client context whose one trusted certificate is the server's."""
    pem = ssl.get_server_certificate(("127.0.0.1", server.settings.smtps_port))
    return ssl.create_default_context(cadata=pem)


def message(sender: str, *headers: str) -> bytes:
    extra = "".join(f"{h}\r\n" for h in headers).encode()
    return extra + MESSAGE.replace(b"{sender}", sender.encode())


def captured(server: LiveServer, message_id: str, account: str | None = None) -> dict[str, Any]:
    """A captured message, read as ``account`` (unsigned: the default account)."""
    headers = {"Authorization": authorization(account)} if account else {}
    got = httpx.get(f"{server.url}/_openses/messages/{message_id}", headers=headers)
    assert got.status_code == 200
    body: dict[str, Any] = got.json()
    return body


def message_id_of(reply: bytes) -> str:
    assert reply.startswith(b"Ok ")
    return reply.removeprefix(b"Ok ").decode()
