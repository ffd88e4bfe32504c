"""The AWS side of event destinations: moto's server as a separate process on a free port.

It plays SNS, SQS, Firehose, S3, CloudWatch and EventBridge. Tests read what arrived there
(an SQS queue subscribed to a topic, the S3 object behind a Firehose stream, metric statistics).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import httpx
from botocore.config import Config

from tests.support import free_port

REGION = "us-east-1"


@dataclass
class AwsPeer:
    url: str
    process: subprocess.Popen[bytes] | None = None

    def client(self, service: str, region: str = REGION) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=region,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(retries={"max_attempts": 2}),
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def start(self) -> None:
        """(Re)start the server on the same port, e.g. after a test took it down."""
        port = int(self.url.rsplit(":", 1)[1])
        self.process = _spawn(port)
        _wait(self.url, self.process)


def _spawn(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MOTO_PORT": str(port)}
    return subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("moto's server exited at start-up")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{url}/moto-api/data.json", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("moto's server did not start")


@contextlib.contextmanager
def aws_peer() -> Iterator[AwsPeer]:
    port = free_port()
    peer = AwsPeer(f"http://127.0.0.1:{port}")
    peer.start()
    try:
        yield peer
    finally:
        peer.stop()
