"""The database goes away under load and comes back (issue 18): while it is gone, requests get
AWS's retryable ServiceUnavailable (503) with one log line, never a 500 with a traceback;
openses recovers by itself; every send answered with success is kept.

PostgreSQL "restarts" behind a TCP proxy that drops every connection and refuses new ones, so
the test does not stop the machine's shared server. SQLite's disk fills up on a small tmpfs the
test mounts (root only; skipped elsewhere), and a read-only one stops ``serve`` with one line."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.exceptions
import httpx
import pytest

from tests.support import SMTP_OFF, LiveServer, free_port, postgres_database, serve_process, unique


class Proxy:
    """A TCP proxy to PostgreSQL that can be cut (connections dropped, new ones refused) and
    restored on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        self._thread = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._thread.start()

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
            listener.close()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()
        if self._thread is not None:
            self._thread.join()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.extend((client, server))
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 1.0)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for sock in (a, b):
                with contextlib.suppress(OSError):
                    sock.close()


class Load:
    """Sends back to back on a thread, keeping every answer: ("ok", message id) or
    ("error", code, status)."""

    def __init__(self, server: LiveServer, sender: str) -> None:
        self.sesv2 = server.client("sesv2")
        self.sender = sender
        self.answers: list[tuple[Any, ...]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Load:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def ok(self) -> list[str]:
        return [answer[1] for answer in self.answers if answer[0] == "ok"]

    def errors(self) -> list[tuple[Any, ...]]:
        return [answer for answer in self.answers if answer[0] == "error"]

    def wait_for_successes(self, more: int, deadline: float = 60) -> None:
        target = len(self.ok()) + more
        end = time.monotonic() + deadline
        while len(self.ok()) < target:
            assert time.monotonic() < end, f"no recovery: {self.answers[-5:]}"
            time.sleep(0.05)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                sent = self.sesv2.send_email(
                    FromEmailAddress=self.sender,
                    Destination={"ToAddresses": ["someone@example.net"]},
                    Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "x"}}}},
                )
                self.answers.append(("ok", sent["MessageId"]))
            except botocore.exceptions.ClientError as error:
                response: Any = error.response
                status = response["ResponseMetadata"]["HTTPStatusCode"]
                self.answers.append(("error", response["Error"]["Code"], status))
            except botocore.exceptions.BotoCoreError as error:  # no answer at all
                self.answers.append(("error", type(error).__name__, None))


@contextlib.contextmanager
def openses(database_url: str, log: Path) -> Iterator[LiveServer]:
    port = free_port()
    process = serve_process({"OPENSES_DATABASE_URL": database_url}, port, log)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", settings=None)  # type: ignore[arg-type]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def sender(server: LiveServer) -> str:
    domain = f"{unique('d')}.example.com"
    server.client("sesv2").create_email_identity(EmailIdentity=domain)
    return f"app@{domain}"


def assert_kept(server: LiveServer, message_ids: list[str]) -> None:
    for message_id in message_ids:
        got = httpx.get(f"{server.url}/_openses/messages/{message_id}", timeout=10)
        assert got.status_code == 200, (message_id, got.status_code)


def assert_outage_answers(load: Load, log: Path) -> None:
    errors = load.errors()
    assert errors, "the outage was not felt: no request failed"
    assert {(code, status) for _, code, status in errors} == {("ServiceUnavailable", 503)}
    text = log.read_text()
    assert "the database is unavailable" in text
    assert "Traceback" not in text


def test_postgresql_restart_under_load(tmp_path: Path) -> None:
    with postgres_database() as url:
        proxy = Proxy(("127.0.0.1", 5432))
        proxy.start()
        proxied = url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
        assert proxied != url
        log = tmp_path / "serve.log"
        try:
            with openses(proxied, log) as server:
                with Load(server, sender(server)) as load:
                    load.wait_for_successes(20)
                    proxy.cut()
                    time.sleep(3)
                    down = len(load.errors())
                    proxy.start()
                    load.wait_for_successes(20)
                assert down > 0
                assert httpx.get(f"{server.url}/health", timeout=5).status_code == 200
                assert_outage_answers(load, log)
                assert_kept(server, load.ok())
        finally:
            proxy.cut()


@contextlib.contextmanager
def small_file_system(path: Path, size: str) -> Iterator[Path]:
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def remount(path: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(path)], check=True)


def test_sqlite_disk_full(tmp_path: Path) -> None:
    with small_file_system(tmp_path / "fs", "4m") as fs:
        log = tmp_path / "serve.log"
        with openses(f"sqlite:///{fs}/openses.db", log) as server:
            with Load(server, sender(server)) as load:
                load.wait_for_successes(10)
                filler = fs / "filler"
                # unbuffered, and the error of the last write (or of closing) suppressed too
                with contextlib.suppress(OSError), filler.open("wb", buffering=0) as out:
                    while True:  # until the disk is full
                        out.write(b"\0" * 65536)
                time.sleep(2)
                assert httpx.get(f"{server.url}/health", timeout=5).status_code == 200
                filler.unlink()
                load.wait_for_successes(10)
            assert_outage_answers(load, log)
            assert_kept(server, load.ok())


def test_sqlite_read_only_at_start_up_is_one_line(tmp_path: Path) -> None:
    with small_file_system(tmp_path / "fs", "4m") as fs:
        remount(fs, "ro")
        env = {
            **os.environ,
            **SMTP_OFF,
            "OPENSES_PORT": str(free_port()),
            "OPENSES_DATABASE_URL": f"sqlite:///{fs}/openses.db",
        }
        result = subprocess.run(
            [sys.executable, "-m", "openses", "serve"], env=env, capture_output=True, timeout=60
        )
        assert result.returncode != 0
        err = result.stderr.decode()
        assert "cannot use the database" in err, err
        assert "Traceback" not in err, err
