"""Quotas hold across several ``openses serve`` processes on one database: the counters are the
store's, and a send takes them under a lock of the account's (issue 17)."""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest

from tests.api.quota_support import simple
from tests.support import (
    CLIENT_CONFIG,
    authorization,
    database_url,
    free_port,
    fresh_account,
    serve_process,
)

SENDS = 24


@contextlib.contextmanager
def two_servers(backend: str, tmp_path: Path, **limits: str) -> Iterator[tuple[list[str], str]]:
    with database_url(backend, str(tmp_path)) as url:
        env = {
            "OPENSES_DATABASE_URL": url,
            "OPENSES_VALIDATE_DESTINATIONS": "false",
            "OPENSES_DISPATCH_EVENTS": "false",
            **limits,
        }
        processes = []
        urls = []
        try:
            for index in range(2):
                port = free_port()
                processes.append(serve_process(env, port, tmp_path / f"serve-{index}.log"))
                urls.append(f"http://127.0.0.1:{port}")
            yield urls, url
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=30)


def client(url: str, account: str) -> Any:
    return boto3.client(
        "sesv2",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=account,
        aws_secret_access_key="test",
        config=CLIENT_CONFIG,
    )


def send_from_both(urls: list[str], account: str) -> list[tuple[str, str]]:
    """SENDS single-recipient sends at once, alternating between the servers; each one's
    outcome: ("ok", message id) or (error code, message)."""
    clients = [client(url, account) for url in urls]
    clients[0].create_email_identity(EmailIdentity="quota.example.com")

    def one(index: int) -> tuple[str, str]:
        sesv2 = clients[index % 2]
        try:
            got = sesv2.send_email(**simple("me@quota.example.com", "you@example.net"))
        except sesv2.exceptions.TooManyRequestsException as error:
            return error.response["Error"]["Code"], error.response["Error"]["Message"]
        return "ok", got["MessageId"]

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(one, range(SENDS)))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_daily_quota_is_shared(backend: str, tmp_path: Path) -> None:
    with two_servers(backend, tmp_path, OPENSES_MAX_24_HOUR_SEND="10") as (urls, _):
        outcomes = send_from_both(urls, fresh_account())
    assert collections.Counter(outcomes[i][0] for i in range(SENDS)) == {
        "ok": 10,
        "TooManyRequestsException": SENDS - 10,
    }
    assert {message for code, message in outcomes if code != "ok"} == {
        "Daily message quota exceeded."
    }


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_send_rate_is_shared(backend: str, tmp_path: Path) -> None:
    account = fresh_account()
    with two_servers(backend, tmp_path, OPENSES_MAX_SEND_RATE="3") as (urls, _):
        outcomes = send_from_both(urls, account)
        listed = httpx.get(
            f"{urls[0]}/_openses/messages",
            params={"limit": 100},
            headers={"Authorization": authorization(account)},  # the account's own mail
        ).json()
    accepted = {message_id for code, message_id in outcomes if code == "ok"}
    assert 3 <= len(accepted) < SENDS  # some sends were refused: the rate was reached
    assert {message for code, message in outcomes if code != "ok"} <= {
        "Maximum sending rate exceeded."
    }
    seconds = collections.Counter(
        datetime.datetime.fromisoformat(m["timestamp"].replace("Z", "+00:00")).replace(
            microsecond=0
        )
        for m in listed["messages"]
        if m["messageId"] in accepted
    )
    assert sum(seconds.values()) == len(accepted)
    assert max(seconds.values()) <= 3
