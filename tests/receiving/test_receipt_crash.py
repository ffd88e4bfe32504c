"""Accepted mail survives a crash (issue 16): ``openses serve`` answers 250 to inbound mail and
is killed (``kill -9``) before the actions run; the next ``openses serve`` on the same database
runs them, at the moto peer."""

from __future__ import annotations

import signal
import smtplib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.events.peerside import eventually
from tests.peer import AwsPeer
from tests.receiving.test_inbound import MESSAGE, bucket, keys
from tests.support import database_url, free_port, serve_process, unique


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    with database_url(backend, str(tmp_path)) as url:
        yield url


def ses_at(port: int) -> Any:
    return boto3.client(
        "ses",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


@pytest.mark.usefixtures("_credentials")
def test_mail_accepted_before_a_crash_runs_its_actions_after(
    db_url: str, peer: AwsPeer, tmp_path: Path
) -> None:
    inbox = bucket(peer)
    domain = f"{unique('crash')}.example.org"
    port, inbound = free_port(), free_port()
    env = {"OPENSES_DATABASE_URL": db_url, "OPENSES_AWS_ENDPOINT_URL": peer.url}
    # the first server takes mail but dispatches nothing: it dies with every run pending
    first = serve_process(
        {**env, "OPENSES_DISPATCH_EVENTS": "false", "OPENSES_INBOUND_SMTP_PORT": str(inbound)},
        port,
        tmp_path / "first.log",
    )
    try:
        ses = ses_at(port)
        ses.verify_domain_identity(Domain=domain)
        ses.create_receipt_rule_set(RuleSetName="crash")
        ses.create_receipt_rule(
            RuleSetName="crash",
            Rule={
                "Name": "keep",
                "Enabled": True,
                "Actions": [{"S3Action": {"BucketName": inbox}}],
            },
        )
        ses.set_active_receipt_rule_set(RuleSetName="crash")
        with smtplib.SMTP("127.0.0.1", inbound, timeout=30) as smtp:
            smtp.ehlo("mx.sender.example")
            smtp.mail("a@sender.example")
            smtp.rcpt(f"x@{domain}")
            code, reply = smtp.data(MESSAGE.format(to=f"x@{domain}").encode())
        assert code == 250
        message_id = reply.decode().removeprefix("Ok ")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    assert keys(peer, inbox) == []

    second = serve_process(
        {**env, "OPENSES_PUBLISH_POLL_SECONDS": "0.05"}, free_port(), tmp_path / "second.log"
    )
    try:
        assert eventually(lambda: keys(peer, inbox), bool, deadline=60) == [message_id]
    finally:
        second.terminate()
        second.wait(timeout=30)
