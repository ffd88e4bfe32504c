"""The dashboard's tests: openses with its dispatcher publishing to moto's server, and Debian's
Chromium driven by Playwright (never ``playwright install``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from openses.config import PublishSettings, Settings
from tests.peer import AwsPeer, aws_peer
from tests.support import LiveServer, database_url, serve_in_thread

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# One attempt: a destination whose topic is missing dead-letters at once.
FAST = PublishSettings(
    max_attempts=1,
    backoff_base_seconds=0.05,
    backoff_max_seconds=0.2,
    lease_seconds=5,
    poll_seconds=0.05,
    timeout_seconds=5,
)
TOKEN = "dashboard-admin-token"


@pytest.fixture(scope="session")
def peer() -> Iterator[AwsPeer]:
    with aws_peer() as running:
        yield running


@pytest.fixture(scope="session", autouse=True)
def _credentials(_credentials: None) -> None:
    """The dispatcher threads outlive each test's environment: every test here gives them
    tests/conftest.py's credentials."""


def dashboard_settings(url: str, peer: AwsPeer, **overrides: Any) -> Settings:
    return dataclasses.replace(
        Settings(
            database_url=url,
            validate_destinations=False,
            aws_endpoint_url=peer.url,
            publish=FAST,
            smtp_port=0,
            smtps_port=0,
        ),
        **overrides,
    )


@pytest.fixture(scope="session")
def dashboard(
    backend: str, tmp_path_factory: pytest.TempPathFactory, peer: AwsPeer
) -> Iterator[LiveServer]:
    """openses, open (no admin token), publishing its events to moto."""
    tmp = tmp_path_factory.mktemp(f"dashboard-{backend}")
    with (
        database_url(backend, str(tmp)) as url,
        serve_in_thread(dashboard_settings(url, peer)) as live,
    ):
        yield live


@pytest.fixture(scope="session")
def guarded(
    backend: str, tmp_path_factory: pytest.TempPathFactory, peer: AwsPeer
) -> Iterator[LiveServer]:
    """openses with OPENSES_ADMIN_TOKEN set."""
    tmp = tmp_path_factory.mktemp(f"guarded-{backend}")
    with (
        database_url(backend, str(tmp)) as url,
        serve_in_thread(dashboard_settings(url, peer, admin_token=TOKEN)) as live,
    ):
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Per module, not per session: Playwright's sync API keeps an asyncio loop running in
    this thread while it is open, and other tests' ``asyncio.run`` would find it."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    opened = context.new_page()
    yield opened
    context.close()
