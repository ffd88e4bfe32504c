"""The dashboard's pages in the browser: inbox filters, a message's parts, templates, the
suppression list, identities, and the operator's overview of one picked account."""

from __future__ import annotations

import datetime
import json
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.dashboard.conftest import TOKEN
from tests.dashboard.support import new_sender, send
from tests.events.peerside import topic_with_queue
from tests.peer import AwsPeer
from tests.support import LiveServer, fresh_account, unique


def _inbox_ids(page: Page) -> list[str]:
    return [
        row.get_attribute("data-message") or ""
        for row in page.locator("#inbox-rows tr[data-message]").all()
    ]


def test_inbox_filters(dashboard: LiveServer, page: Page) -> None:
    sesv2, sender = new_sender(dashboard)
    name = unique("filter")
    sesv2.create_configuration_set(ConfigurationSetName=name)
    to = f"{unique('reader')}@example.net"
    word = unique("word")
    first = send(sesv2, sender, to=to, subject=f"About {word} today")
    second = sesv2.send_email(
        FromEmailAddress=sender,
        Destination={"ToAddresses": [to]},
        ConfigurationSetName=name,
        EmailTags=[{"Name": "campaign", "Value": word}],
        Content={"Simple": {"Subject": {"Data": "tagged"}, "Body": {"Text": {"Data": "x"}}}},
    )["MessageId"]
    other = send(sesv2, sender, subject=f"{word} elsewhere")

    base = f"{dashboard.url}/_openses/inbox"
    page.goto(f"{base}?to={to}")
    assert _inbox_ids(page) == [second, first]
    page.goto(f"{base}?q={word.upper()}")
    assert _inbox_ids(page) == [other, first]
    page.goto(f"{base}?set={name}")
    assert _inbox_ids(page) == [second]
    page.goto(f"{base}?tag=campaign={word}")
    assert _inbox_ids(page) == [second]
    page.goto(f"{base}?tag=campaign=nothing-{word}")
    assert _inbox_ids(page) == []
    page.goto(f"{base}?from={sender}&to={to}")
    assert _inbox_ids(page) == [second, first]
    today = datetime.datetime.now(datetime.UTC).date()
    page.goto(f"{base}?to={to}&since={today}&until={today}")
    assert _inbox_ids(page) == [second, first]
    page.goto(f"{base}?to={to}&since={today + datetime.timedelta(days=1)}")
    assert _inbox_ids(page) == []
    # the form filters in place (htmx), and the address bar follows
    page.goto(base)
    page.get_by_label("Recipient").fill(to)
    page.get_by_label("Subject contains").fill(word)
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#inbox-rows tr[data-message]")).to_have_count(1)
    assert _inbox_ids(page) == [first]
    assert f"to={to.replace('@', '%40')}" in page.url


def test_a_message_page_shows_every_part(dashboard: LiveServer, page: Page, peer: AwsPeer) -> None:
    sesv2, sender = new_sender(dashboard)
    name = unique("tracked")
    sesv2.create_configuration_set(ConfigurationSetName=name)
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestinationName="clicks",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "CLICK"],
            "SnsDestination": {"TopicArn": topic_with_queue(peer).arn},
        },
    )
    content: dict[str, Any] = {
        "Subject": {"Data": "With parts"},
        "Body": {
            "Text": {"Data": "the text part"},
            "Html": {"Data": "<p>See <a href='https://example.org/offer'>the offer</a></p>"},
        },
        "Attachments": [
            {
                "FileName": "report.txt",
                "RawContent": b"report body",  # boto3 base64-encodes the blob
                "ContentType": "text/plain",
            }
        ],
    }
    message_id = sesv2.send_email(
        FromEmailAddress=sender,
        Destination={"ToAddresses": ["reader@example.net"]},
        ConfigurationSetName=name,
        Content={"Simple": content},
    )["MessageId"]
    page.goto(f"{dashboard.url}/_openses/inbox/{message_id}")
    expect(page.locator("pre.text")).to_have_text("the text part")
    facts = page.locator("dl.card")
    expect(facts).to_contain_text("reader@example.net")
    expect(facts).to_contain_text(sender)
    link = page.locator("ul.links li")
    expect(link).to_have_count(1)
    expect(link.locator("span").first).to_have_text("https://example.org/offer")
    expect(link.locator("code")).to_contain_text("/_openses/t/c/")
    expect(page.locator("ol.timeline > li > strong")).to_have_text(["Send", "Delivery"])
    # the reader follows the link: a Click joins the timeline
    tracked = link.locator("code").inner_text()
    followed = httpx.get(dashboard.url + urlsplit(tracked).path)  # OPENSES_PUBLIC_URL unset
    assert (followed.status_code, followed.headers["location"]) == (
        302,
        "https://example.org/offer",
    )
    page.reload()
    expect(page.locator("ol.timeline > li > strong")).to_have_text(["Send", "Delivery", "Click"])
    expect(page.get_by_role("row", name="Subject With parts")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="report.txt").click()
    path = download.value.path()
    assert download.value.suggested_filename == "report.txt"
    assert path.read_bytes() == b"report body"
    page.get_by_text("Show", exact=True).click()
    expect(page.locator("pre.raw")).to_contain_text("Subject: With parts")


def test_a_template_renders_with_sample_data(dashboard: LiveServer, page: Page) -> None:
    sesv2 = dashboard.client("sesv2")
    name = unique("welcome")
    sesv2.create_email_template(
        TemplateName=name,
        TemplateContent={"Subject": "Hello {{who}}", "Text": "Dear {{who}}", "Html": "<b>x</b>"},
    )
    page.goto(f"{dashboard.url}/_openses/templates")
    page.get_by_role("link", name=name).click()
    page.get_by_label("Sample data").fill(json.dumps({"who": "Ada"}))
    page.get_by_role("button", name="Render").click()
    expected = sesv2.test_render_email_template(
        TemplateName=name, TemplateData=json.dumps({"who": "Ada"})
    )["RenderedTemplate"]
    rendered = page.locator("#rendered").inner_text()
    assert "Subject: Hello Ada" in rendered.splitlines()
    # the same rendering as TestRenderEmailTemplate (its boundary and ids are fresh each time)
    assert "Dear Ada" in rendered.splitlines()
    assert "Dear Ada" in expected.splitlines()
    page.get_by_label("Sample data").fill("{}")
    page.get_by_role("button", name="Render").click()
    expect(page.get_by_role("alert")).to_be_visible()
    page.goto(f"{dashboard.url}/_openses/templates")
    page.get_by_role("button", name=f"Delete {name}").click()
    expect(page.get_by_role("link", name=name)).to_have_count(0)
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.get_email_template(TemplateName=name)


def test_a_template_is_created_from_the_page(dashboard: LiveServer, page: Page) -> None:
    sesv2 = dashboard.client("sesv2")
    name = unique("made")
    page.goto(f"{dashboard.url}/_openses/templates")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Subject").fill("Hi {{who}}")
    page.get_by_label("Text").fill("Dear {{who}}")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    got = sesv2.get_email_template(TemplateName=name)["TemplateContent"]
    assert got == {"Subject": "Hi {{who}}", "Text": "Dear {{who}}"}
    # CreateEmailTemplate's checks: a name held already is refused, nothing changes
    page.goto(f"{dashboard.url}/_openses/templates")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Subject").fill("Other")
    page.get_by_role("button", name="Create").click()
    assert "already exists" in page.content()
    assert sesv2.get_email_template(TemplateName=name)["TemplateContent"]["Subject"] == "Hi {{who}}"


def test_the_suppression_list_is_managed_from_the_page(dashboard: LiveServer, page: Page) -> None:
    sesv2 = dashboard.client("sesv2")
    address = f"{unique('gone')}@example.net"
    page.goto(f"{dashboard.url}/_openses/suppression")
    page.get_by_label("Address").fill(address)
    page.get_by_label("Reason").select_option("COMPLAINT")
    page.get_by_role("button", name="Suppress").click()
    expect(page.get_by_role("cell", name=address, exact=True)).to_be_visible()
    got = sesv2.get_suppressed_destination(EmailAddress=address)["SuppressedDestination"]
    assert (got["EmailAddress"], got["Reason"]) == (address, "COMPLAINT")
    page.get_by_role("button", name=f"Remove {address}").click()
    expect(page.get_by_role("cell", name=address, exact=True)).to_have_count(0)
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.get_suppressed_destination(EmailAddress=address)


def test_an_identity_is_deleted_from_the_page(dashboard: LiveServer, page: Page) -> None:
    sesv2 = dashboard.client("sesv2")
    domain = f"{unique('listed')}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    page.goto(f"{dashboard.url}/_openses/identities")
    expect(page.get_by_role("row", name=domain)).to_contain_text("SUCCESS")
    page.get_by_role("button", name=f"Delete {domain}").click()
    expect(page.get_by_role("row", name=domain)).to_have_count(0)
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.get_email_identity(EmailIdentity=domain)


def test_the_operator_picks_an_account_and_sees_its_counts(
    guarded: LiveServer, page: Page, peer: AwsPeer
) -> None:
    account = fresh_account()
    sesv2, sender = new_sender(guarded, account)
    name = unique("counted")
    sesv2.create_configuration_set(ConfigurationSetName=name)
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestinationName="all",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "DELIVERY"],
            "SnsDestination": {"TopicArn": topic_with_queue(peer).arn},
        },
    )
    for _ in range(2):
        send(sesv2, sender, configuration_set=name)
    page.goto(f"{guarded.url}/_openses/login")
    page.get_by_label("Admin token").fill(TOKEN)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("textbox", name="Account").fill(account)
    page.get_by_role("textbox", name="Region").fill("us-east-1")
    page.get_by_role("button", name="Show").click()
    hour = page.get_by_role("row", name="Last hour")
    expect(hour.locator("td")).to_have_text(["2", "2", "0", "0", "0", "0"])
    expect(page.locator("#account-card")).to_contain_text("2 of 200")
    page.goto(f"{guarded.url}/_openses/sets")
    expect(page.get_by_role("link", name=name)).to_be_visible()
    expect(page.locator(".chart .uplot")).to_have_count(0)  # charts live on the overview
    page.goto(f"{guarded.url}/_openses/")
    expect(page.locator(".chart .uplot")).to_have_count(2)


def test_themes_follow_the_browser_and_the_keyboard_gets_around(
    dashboard: LiveServer, page: Page
) -> None:
    background = "getComputedStyle(document.body).backgroundColor"
    page.emulate_media(color_scheme="light")
    page.goto(f"{dashboard.url}/_openses/inbox")
    assert page.evaluate(background) == "rgb(255, 255, 255)"
    page.emulate_media(color_scheme="dark")
    assert page.evaluate(background) == "rgb(18, 21, 27)"
    # landmarks, and a skip link first in the tab order
    expect(page.get_by_role("navigation", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("main")).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    # every form field has a label
    unlabelled = page.evaluate(
        "[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]"
        ".filter(field => !field.labels || field.labels.length === 0).length"
    )
    assert unlabelled == 0
