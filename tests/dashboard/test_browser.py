"""The dashboard in a real browser (Debian's Chromium through Playwright), against openses
publishing to moto's server."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.dashboard.conftest import TOKEN
from tests.dashboard.support import eventually, new_sender, send
from tests.events.peerside import collect, topic_with_queue
from tests.peer import AwsPeer
from tests.support import LiveServer, error_tuple, unique

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "dashboard"


def test_a_set_appears_with_its_destinations(dashboard: LiveServer, page: Page) -> None:
    sesv2 = dashboard.client("sesv2")
    name = unique("shown")
    sesv2.create_configuration_set(
        ConfigurationSetName=name, DeliveryOptions={"TlsPolicy": "REQUIRE"}
    )
    topic = f"arn:aws:sns:us-east-1:123456789012:{unique('t')}"
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestinationName="to-sns",
        EventDestination={
            "Enabled": False,
            "MatchingEventTypes": ["SEND", "BOUNCE"],
            "SnsDestination": {"TopicArn": topic},
        },
    )
    page.goto(f"{dashboard.url}/_openses/sets")
    page.get_by_label("Search").fill(name)
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Configuration set {name}")
    row = page.locator("tr[data-destination='to-sns']")
    expect(row).to_contain_text("SnsDestination")
    expect(row).to_contain_text(topic)
    expect(row).to_contain_text("SEND, BOUNCE")
    delivery = page.locator("[data-block='Delivery'] dl")
    expect(delivery.locator("dt").first).to_have_text("TlsPolicy")
    expect(delivery.locator("dd").first).to_have_text("REQUIRE")
    expect(row.locator("td").nth(1)).to_contain_text("TopicArn")
    for block in ("Sending", "Tracking", "Reputation", "Suppression", "VDM", "Archiving"):
        expect(page.locator(f"[data-block='{block}']")).to_be_visible()


def test_a_sent_message_appears_live_and_its_script_does_not_run(
    dashboard: LiveServer, page: Page
) -> None:
    sesv2, sender = new_sender(dashboard)
    page.goto(f"{dashboard.url}/_openses/inbox")
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    page.wait_for_timeout(300)  # the stream is open
    subject = unique("live")
    html = (
        "<p id='greeting'>Hello from the mail</p>"
        "<script>document.getElementById('greeting').textContent = 'script ran';"
        "parent.document.title = 'script ran';</script>"
    )
    message_id = send(sesv2, sender, subject=subject, html=html)
    link = page.get_by_role("link", name=subject)
    expect(link).to_be_visible(timeout=2000)  # no reload
    link.click()
    expect(page).to_have_url(f"{dashboard.url}/_openses/inbox/{message_id}")
    preview = page.frame_locator("iframe#preview")
    expect(preview.locator("#greeting")).to_have_text("Hello from the mail")
    assert page.title() == f"{subject} · openses"
    sandbox = page.locator("iframe#preview").get_attribute("sandbox")
    assert sandbox == ""
    src = page.locator("iframe#preview").get_attribute("src") or ""
    assert src.startswith("/_openses-mail/")
    expect(page.locator("pre.text")).to_have_text("plain body")


def test_the_live_stream_shows_events_as_published(
    dashboard: LiveServer, page: Page, peer: AwsPeer
) -> None:
    sesv2, sender = new_sender(dashboard)
    name = unique("stream")
    sesv2.create_configuration_set(ConfigurationSetName=name)
    topic = topic_with_queue(peer)
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestinationName="to-sns",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "DELIVERY"],
            "SnsDestination": {"TopicArn": topic.arn},
        },
    )
    page.goto(f"{dashboard.url}/_openses/live?set={name}")
    expect(page.locator("#live-state")).to_have_text("Live: new events appear here.")
    message_id = send(sesv2, sender, configuration_set=name)
    send_item = page.locator(f"li[data-event-type='Send'][data-message-id='{message_id}']")
    delivery_item = page.locator(f"li[data-event-type='Delivery'][data-message-id='{message_id}']")
    expect(send_item).to_be_visible(timeout=5000)
    expect(delivery_item).to_be_visible(timeout=5000)
    published = {
        json.loads(envelope["Message"])["eventType"]: envelope["Message"]
        for envelope in collect(peer, topic.queue_url, 2)
    }
    assert send_item.locator("pre").inner_text() == published["Send"]
    assert delivery_item.locator("pre").inner_text() == published["Delivery"]

    # filtered by type: only the Delivery of the next message
    page.goto(f"{dashboard.url}/_openses/live?set={name}&type=Delivery")
    expect(page.locator("#live-state")).to_have_text("Live: new events appear here.")
    second = send(sesv2, sender, configuration_set=name)
    expect(page.locator(f"li[data-message-id='{second}']")).to_have_count(1, timeout=5000)
    expect(page.locator("#live-events > li")).to_have_count(1)
    expect(page.locator("#live-events > li")).to_have_attribute("data-event-type", "Delivery")


def test_pausing_a_set_from_the_page_pauses_sending(dashboard: LiveServer, page: Page) -> None:
    sesv2, sender = new_sender(dashboard)
    ses = dashboard.client("ses")
    name = unique("pause")
    sesv2.create_configuration_set(ConfigurationSetName=name)
    page.goto(f"{dashboard.url}/_openses/sets/{name}")
    page.get_by_role("button", name="Pause sending").click()
    expect(page.locator("#sending-state")).to_have_text("Sending is paused.")
    with pytest.raises(sesv2.exceptions.SendingPausedException) as raised:
        send(sesv2, sender, configuration_set=name)
    assert error_tuple(raised) == (
        "SendingPausedException",
        "Sending is paused for this configuration set.",
        400,
    )
    with pytest.raises(ses.exceptions.ConfigurationSetSendingPausedException) as raised_v1:
        ses.send_email(
            Source=sender,
            Destination={"ToAddresses": ["a@example.net"]},
            Message={"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}},
            ConfigurationSetName=name,
        )
    assert error_tuple(raised_v1) == (
        "ConfigurationSetSendingPausedException",
        "Sending is paused for this configuration set.",
        400,
    )
    page.get_by_role("button", name="Resume sending").click()
    expect(page.locator("#sending-state")).to_have_text("Sending is enabled.")
    assert send(sesv2, sender, configuration_set=name)


def test_a_dead_letter_is_retried_from_the_page(
    dashboard: LiveServer, page: Page, peer: AwsPeer
) -> None:
    sesv2, sender = new_sender(dashboard)
    name = unique("dead")
    missing = unique("later")
    sesv2.create_configuration_set(ConfigurationSetName=name)
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestinationName="later",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["SEND"],
            "SnsDestination": {"TopicArn": f"arn:aws:sns:us-east-1:123456789012:{missing}"},
        },
    )
    message_id = send(sesv2, sender, configuration_set=name)
    letters = eventually(
        lambda: [
            d
            for d in httpx.get(f"{dashboard.url}/_openses/dead-letters").json()
            if d["messageId"] == message_id
        ],
        lambda found: len(found) == 1,
    )
    fixed = topic_with_queue(peer, missing)
    page.goto(f"{dashboard.url}/_openses/dead")
    row = page.locator(f"tr[data-dead='{letters[0]['id']}']")
    expect(row).to_contain_text(message_id)
    row.get_by_role("button", name=f"Retry dead letter {letters[0]['id']}").click()
    expect(page.locator(f"tr[data-dead='{letters[0]['id']}']")).to_have_count(0)
    arrived = collect(peer, fixed.queue_url, 1)
    assert [json.loads(e["Message"]) for e in arrived] == [letters[0]["payload"]]


def test_login_in_the_browser(guarded: LiveServer, page: Page) -> None:
    page.goto(f"{guarded.url}/_openses/inbox")
    expect(page).to_have_url(f"{guarded.url}/_openses/login?next=%2F_openses%2Finbox")
    page.get_by_label("Admin token").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("That token is not the admin token.")
    page.get_by_label("Admin token").fill(TOKEN)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{guarded.url}/_openses/inbox")
    expect(page.get_by_label("Account")).to_be_visible()  # the operator's picker


@pytest.mark.skipif(
    os.environ.get("OPENSES_SCREENSHOTS") != "true", reason="OPENSES_SCREENSHOTS=true writes them"
)
def test_screenshots(dashboard: LiveServer, page: Page, backend: str) -> None:
    """docs/dashboard/*.png, from this browser (opt in: OPENSES_SCREENSHOTS=true)."""
    if backend != "sqlite":
        pytest.skip("one set of screenshots")
    sesv2, sender = new_sender(dashboard)
    name = unique("newsletter")
    sesv2.create_configuration_set(ConfigurationSetName=name)
    message_id = ""
    for _ in range(3):
        message_id = send(
            sesv2,
            sender,
            configuration_set=name,
            html="<h1>Monthly news</h1><p>Hello, <a href='https://example.org'>read on</a></p>",
        )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for shot, path in (
            ("overview", "/_openses/"),
            ("set", f"/_openses/sets/{name}"),
            ("inbox", "/_openses/inbox"),
            ("message", f"/_openses/inbox/{message_id}"),
        ):
            if scheme == "dark" and shot != "overview":
                continue
            page.goto(dashboard.url + path)
            page.wait_for_timeout(400)
            page.screenshot(path=str(SCREENSHOTS / f"{shot}-{scheme}.png"), full_page=False)
