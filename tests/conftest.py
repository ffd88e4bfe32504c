from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from openses.config import Settings
from tests.support import LiveServer, database_url, serve_in_thread

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(autouse=True)
def _aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may reach for real credentials or the instance metadata service."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in list(os.environ):
        if name.startswith(("AWS_PROFILE", "AWS_ENDPOINT_URL")):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def _credentials() -> Iterator[None]:
    """moto's keys for threads that outlive each test's environment (event dispatchers, the
    job runner, receipt actions): requested, they stay for the rest of the session."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ACCESS_KEY_ID", "test")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "test")
        patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        yield


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp(backend)
    with database_url(backend, str(tmp)) as url:
        settings = Settings(database_url=url, validate_destinations=False, dispatch_events=False)
        with serve_in_thread(settings) as live:
            yield live


@pytest.fixture
def sesv2(server: LiveServer) -> Any:
    return server.client("sesv2")


@pytest.fixture
def ses(server: LiveServer) -> Any:
    return server.client("ses")


@pytest.fixture
def unchecked_sesv2(server: LiveServer) -> Any:
    """A v2 client that skips botocore's own parameter validation."""
    return server.client("sesv2", validate=False)


@pytest.fixture
def unchecked_ses(server: LiveServer) -> Any:
    return server.client("ses", validate=False)
