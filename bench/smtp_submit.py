"""The SMTP submission benchmark (issue 16): messages a second that ``openses serve`` (capture
mode) accepts through smtplib over 8 connections (STARTTLS, AUTH, one message per MAIL
transaction, connections kept open), beside the same message sent with the API's SendRawEmail
from 8 boto3 clients. Both run for the same time, each client in a thread of this process.

``python -m bench.smtp_submit [--stores sqlite,postgresql] [--seconds N]`` runs it alone.
"""

from __future__ import annotations

import argparse
import smtplib
import ssl
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import stores
from bench.clients import client
from bench.processes import free_port, openses

CONNECTIONS = 8
SENDER = "bench@example.com"
MESSAGE = (
    b"From: bench@example.com\r\nTo: reader@example.net\r\nSubject: bench\r\n"
    b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHello over SMTP\r\n"
)


@dataclass(frozen=True, slots=True)
class Rate:
    messages: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


@dataclass(frozen=True, slots=True)
class SubmitResult:
    smtp: Rate
    send_raw_email: Rate


def run(database_url: str, peer_url: str, tmp: Path, seconds: float) -> SubmitResult:
    port = free_port()
    extra = {"OPENSES_SMTP_PORT": str(port), "OPENSES_SMTPS_PORT": "0"}
    with openses(database_url, peer_url, tmp / "smtp-submit.log", extra=extra) as server:
        client(server.url, "sesv2").create_email_identity(EmailIdentity="example.com")
        warm = min(1.0, seconds)
        _measure(lambda: _smtp_sender(port), warm)
        smtp = _measure(lambda: _smtp_sender(port), seconds)
        _measure(lambda: _api_sender(server.url), warm)
        api = _measure(lambda: _api_sender(server.url), seconds)
    return SubmitResult(smtp=smtp, send_raw_email=api)


Sender = Callable[[float], int]


def _smtp_sender(port: int) -> Sender:
    """A connection's loop: STARTTLS and AUTH once, then sends until the deadline."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the server's self-signed certificate

    def send(deadline: float) -> int:
        sent = 0
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as smtp:
            smtp.starttls(context=context)
            smtp.login("AKIABENCH", "any password")
            while time.monotonic() < deadline:
                smtp.sendmail(SENDER, ["reader@example.net"], MESSAGE)
                sent += 1
        return sent

    return send


def _api_sender(url: str) -> Sender:
    ses = client(url, "ses")

    def send(deadline: float) -> int:
        sent = 0
        while time.monotonic() < deadline:
            ses.send_raw_email(RawMessage={"Data": MESSAGE})
            sent += 1
        return sent

    return send


def _measure(make: Callable[[], Sender], seconds: float) -> Rate:
    senders = [make() for _ in range(CONNECTIONS)]
    counts = [0] * CONNECTIONS
    started = time.monotonic()
    deadline = started + seconds

    def work(index: int) -> None:
        counts[index] = senders[index](deadline)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Rate(sum(counts), time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.smtp_submit", description=__doc__)
    parser.add_argument("--stores", default=",".join(stores.STORES))
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    from bench import processes

    with tempfile.TemporaryDirectory(prefix="openses-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        with processes.moto(tmp / "peer.log") as peer:
            for store in args.stores.split(","):
                with stores.database(store, tmp) as url:
                    result = run(url, peer.url, tmp, args.seconds)
                print(
                    f"{stores.LABELS[store]}: SMTP {result.smtp.per_second:,.0f} messages/s, "
                    f"SendRawEmail {result.send_raw_email.per_second:,.0f}/s "
                    f"({CONNECTIONS} connections)"
                )


if __name__ == "__main__":
    main()
