"""Signing keys and proxies as an operator meets them, with ``openses serve`` processes: links
survive restarts, ``openses tracking rotate-key`` keeps old links working through the grace
period and kills them without one, and X-Forwarded-For counts only from trusted proxies."""

from __future__ import annotations

import base64
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import SMTP_OFF, LiveServer, database_url, free_port, unique
from tests.tracking.wire import HREF, SRC, events_of, follow, inspect, send_html, tracked_set

OPENSES = [sys.executable, "-m", "openses"]


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    with database_url(backend, str(tmp_path)) as url:
        yield url


@contextlib.contextmanager
def serve(db_url: str, log: Path, **environ: str) -> Iterator[LiveServer]:
    port = free_port()
    env = {
        **os.environ,
        "OPENSES_DATABASE_URL": db_url,
        "OPENSES_PORT": str(port),
        "OPENSES_DISPATCH_EVENTS": "false",
        "OPENSES_VALIDATE_DESTINATIONS": "false",
        **SMTP_OFF,  # the default SMTP ports may be another run's
        **environ,
    }
    with log.open("ab") as output:
        process = subprocess.Popen([*OPENSES, "serve"], env=env, stdout=output, stderr=output)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/health").status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"openses serve did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield LiveServer(url, settings=None)  # type: ignore[arg-type]  # settings live in the child
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def openses(db_url: str, *args: str) -> str:
    done = subprocess.run(
        [*OPENSES, *args, "--database", db_url], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def key_id(tracking_url: str) -> int:
    token = tracking_url.rsplit("/", 1)[1]
    return int.from_bytes(base64.urlsafe_b64decode(token + "==")[1:5], "big")


def setup_sender(live: LiveServer) -> tuple[Any, str, str]:
    sesv2 = live.client("sesv2")
    domain = f"{unique('d')}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    return sesv2, f"news@{domain}", tracked_set(sesv2, ["OPEN", "CLICK"])


def test_links_survive_restarts_and_rotation_with_grace(db_url: str, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with serve(db_url, log, OPENSES_TRUSTED_PROXIES="10.0.0.0/8, 127.0.0.0/8") as first:
        sesv2, sender, config_set = setup_sender(first)
        message_id = send_html(sesv2, sender, config_set, '<a href="https://e.com/1">1</a>')
        html = inspect(first, message_id)["html"]
        old_link, old_pixel = HREF.findall(html)[0], SRC.findall(html)[0]
        clicked = follow(first, old_link, **{"X-Forwarded-For": "198.51.100.7, 10.1.2.3"})
        assert clicked.headers["location"] == "https://e.com/1"
        assert [e["click"]["ipAddress"] for e in events_of(first, message_id, "Click")] == [
            "198.51.100.7"
        ]
    assert openses(db_url, "tracking", "keys").splitlines()[1].split()[0] == str(key_id(old_link))

    openses(db_url, "tracking", "rotate-key", "--grace-days", "1")
    with serve(db_url, log) as second:
        response = follow(second, old_link, **{"X-Forwarded-For": "198.51.100.7"})
        assert response.status_code == 302
        assert response.headers["location"] == "https://e.com/1"
        assert follow(second, old_pixel).status_code == 200
        assert [e["click"]["ipAddress"] for e in events_of(second, message_id, "Click")] == [
            "198.51.100.7",
            "127.0.0.1",
        ]
        sesv2 = second.client("sesv2")
        newer = send_html(sesv2, sender, config_set, '<a href="https://e.com/2">2</a>')
        new_link = HREF.findall(inspect(second, newer)["html"])[0]
        assert key_id(new_link) == key_id(old_link) + 1

    openses(db_url, "tracking", "rotate-key", "--grace-days", "0")
    with serve(db_url, log) as third:
        for retired in (old_link, old_pixel, new_link):
            response = follow(third, retired)
            assert (response.status_code, response.headers.get("location")) == (404, None)
        sesv2 = third.client("sesv2")
        newest = send_html(sesv2, sender, config_set, '<a href="https://e.com/3">3</a>')
        link = HREF.findall(inspect(third, newest)["html"])[0]
        assert key_id(link) == key_id(old_link) + 2
        assert follow(third, link).headers["location"] == "https://e.com/3"
        assert len(events_of(third, message_id, "Click")) == 2
