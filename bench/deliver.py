"""The delivery benchmark (issue 15): how many queued messages one ``openses worker`` process
delivers a second through relay mode to an aiosmtpd sink (bench/smtp_sink.py, its own process).

The messages are accepted first, by ``openses serve`` in relay mode with its delivery worker
off (so they wait in the queue); then ``openses worker`` starts and the clock runs from its
first delivery to the last row settled. The capture-mode figure to compare with is the send
step's "accepted/s": in capture mode a send is its delivery.

``python -m bench.deliver [--stores sqlite,postgresql] [--messages N]`` runs it alone.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from bench import stores
from bench.clients import client
from bench.processes import VENV_BIN, free_port, openses
from openses.store.database import make_engine
from openses.store.tables import deliveries

SENDERS = 8
PER_CALL = 50


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    messages: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


@contextlib.contextmanager
def sink() -> Iterator[int]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.smtp_sink", str(port)],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        assert process.stdout is not None
        process.stdout.readline()  # "ready"
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def run(database_url: str, peer_url: str, tmp: Path, messages: int) -> DeliveryResult:
    with sink() as port:
        relay = {"OPENSES_DELIVERY_MODE": "relay", "OPENSES_SMTP_RELAY": f"smtp://127.0.0.1:{port}"}
        quiet = {**relay, "OPENSES_DELIVERY_WORKER": "false"}
        with openses(database_url, peer_url, tmp / "deliver-serve.log", extra=quiet) as server:
            _accept(server.url, messages)
        engine = make_engine(database_url)
        try:
            env = {**os.environ, **relay, "OPENSES_DATABASE_URL": database_url}
            with (tmp / "deliver-worker.log").open("wb") as log:
                worker = subprocess.Popen(
                    [str(VENV_BIN / "openses"), "worker"], env=env, stdout=log, stderr=log
                )
                try:
                    return _measure(engine, messages)
                finally:
                    worker.terminate()
                    worker.wait(timeout=60)
        finally:
            engine.dispose()


def _accept(url: str, messages: int) -> None:
    sesv2 = client(url, "sesv2")
    sesv2.create_email_identity(EmailIdentity="example.com")
    sesv2.create_email_template(
        TemplateName="bench-deliver", TemplateContent={"Subject": "Hi", "Text": "Hello {{n}}"}
    )
    calls = [min(PER_CALL, messages - start) for start in range(0, messages, PER_CALL)]
    lock = threading.Lock()

    def sender() -> None:
        mine = client(url, "sesv2")
        while True:
            with lock:
                if not calls:
                    return
                count = calls.pop()
            mine.send_bulk_email(
                FromEmailAddress="bench@example.com",
                DefaultContent={
                    "Template": {"TemplateName": "bench-deliver", "TemplateData": '{"n": 1}'}
                },
                BulkEmailEntries=[
                    {"Destination": {"ToAddresses": [f"reader{i}@example.net"]}}
                    for i in range(count)
                ],
            )

    threads = [threading.Thread(target=sender) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _pending(engine: object) -> tuple[int, int]:
    with engine.connect() as connection:  # type: ignore[attr-defined]
        rows = connection.execute(
            select(deliveries.c.status, func.count()).group_by(deliveries.c.status)
        ).all()
    counts = {status: int(n) for status, n in rows}
    return counts.get("pending", 0), sum(counts.values())


def _measure(engine: object, messages: int) -> DeliveryResult:
    deadline = time.monotonic() + 600
    started: float | None = None
    while time.monotonic() < deadline:
        pending, total = _pending(engine)
        if started is None and pending < total:
            started = time.monotonic()
        if pending == 0 and total >= messages:
            break
        time.sleep(0.05)
    finished = time.monotonic()
    pending, _ = _pending(engine)
    done = messages - pending
    return DeliveryResult(done, finished - (started or finished))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.deliver", description=__doc__)
    parser.add_argument("--stores", default=",".join(stores.STORES))
    parser.add_argument("--messages", type=int, default=5_000)
    args = parser.parse_args()
    from bench import processes

    with tempfile.TemporaryDirectory(prefix="openses-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        with processes.moto(tmp / "peer.log") as peer:
            for store in args.stores.split(","):
                with stores.database(store, tmp) as url:
                    result = run(url, peer.url, tmp, args.messages)
                print(
                    f"{stores.LABELS[store]}: {result.messages:,} messages delivered in "
                    f"{result.seconds:.1f} s: {result.per_second:,.0f}/s"
                )


if __name__ == "__main__":
    main()
