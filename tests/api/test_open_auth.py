"""Open mode (issue 18): no signature is checked, but keys made with ``openses access-keys``
name their accounts as OPENSES_ACCESS_KEYS' do, and a presigned URL's credential names the
account and region as an Authorization header's does."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from click.testing import CliRunner

from openses.cli import main
from openses.config import Settings
from tests.support import CLIENT_CONFIG, LiveServer, fresh_account, serve_in_thread, unique


def client(server: LiveServer, service: str, key: str, region: str = "us-east-1") -> Any:
    return boto3.client(
        service,
        endpoint_url=server.url,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key="any secret in open mode",
        config=CLIENT_CONFIG,
    )


def test_a_stored_key_names_its_account_and_a_presigned_url_its_account_and_region(
    server: LiveServer,
) -> None:
    env = {"OPENSES_DATABASE_URL": server.settings.database_url, "OPENSES_SECRET_KEY": "open"}
    made = CliRunner().invoke(main, ["access-keys", "create", "--account", "888888888888"], env=env)
    key = json.loads(made.stdout)["AccessKey"]["AccessKeyId"]
    name = unique("open")
    client(server, "sesv2", "888888888888", "eu-west-2").create_configuration_set(
        ConfigurationSetName=name
    )
    try:
        # the key's account is 888888888888: it sees the set the 12-digit key id made
        stored_key = client(server, "sesv2", key, "eu-west-2")
        deadline = time.monotonic() + 10
        while name not in stored_key.list_configuration_sets()["ConfigurationSets"]:
            assert time.monotonic() < deadline  # new keys count within seconds
            time.sleep(0.3)
        url = client(server, "ses", key, "eu-west-2").generate_presigned_url(
            "list_configuration_sets", HttpMethod="GET"
        )
        listed = httpx.get(url)
        assert listed.status_code == 200
        assert f"<Name>{name}</Name>".encode() in listed.content
        elsewhere = client(server, "ses", key, "us-east-1").generate_presigned_url(
            "list_configuration_sets", HttpMethod="GET"
        )
        assert f"<Name>{name}</Name>".encode() not in httpx.get(elsewhere).content
    finally:
        client(server, "sesv2", "888888888888", "eu-west-2").delete_configuration_set(
            ConfigurationSetName=name
        )


def test_looking_up_a_new_key_does_not_wait_for_sqlites_write_lock(
    backend: str, tmp_path: Path
) -> None:
    """A key openses has not seen makes it read the stored keys again; on SQLite that read must
    not queue behind a writer (a long write held the whole server: every request waited)."""
    if backend != "sqlite":
        pytest.skip("SQLite's write lock")
    path = tmp_path / "locked.db"
    settings = Settings(database_url=f"sqlite:///{path}", smtp_port=0, smtps_port=0)
    with serve_in_thread(settings) as live:
        client(live, "sesv2", fresh_account()).list_configuration_sets()
        time.sleep(1.5)  # past the once-a-second limit on reading the keys again
        holder = sqlite3.connect(path, isolation_level=None, timeout=30)
        try:
            holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
            started = time.monotonic()
            listed = client(live, "sesv2", fresh_account()).list_configuration_sets()
            waited = time.monotonic() - started
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    assert listed["ConfigurationSets"] == []
    assert waited < 5, f"the read waited {waited:.1f} s for the write lock"
