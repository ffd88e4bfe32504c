"""Email templates through boto3, v1 and v2, against the running app."""

from __future__ import annotations

import contextlib
import datetime
import email
import email.policy
import json
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from typing import Any

import pytest

from tests.support import LiveServer, error_tuple, fresh_account, strip_metadata, unique

NOT_FOUND_V1 = ("TemplateDoesNotExist", 400)


def _account_clients(server: LiveServer) -> tuple[Any, Any]:
    """v1 and v2 clients of a fresh account, so that listings see only this test's templates."""
    account = fresh_account()
    return server.client("ses", access_key=account), server.client("sesv2", access_key=account)


@pytest.fixture
def make_template(sesv2: Any) -> Iterator[Callable[..., str]]:
    created: list[str] = []

    def make(subject: str | None = "s", text: str | None = "t", html: str | None = None) -> str:
        name = unique("tpl")
        content = {"Subject": subject, "Text": text, "Html": html}
        sesv2.create_email_template(
            TemplateName=name,
            TemplateContent={k: v for k, v in content.items() if v is not None},
        )
        created.append(name)
        return name

    yield make
    for name in created:
        with contextlib.suppress(sesv2.exceptions.NotFoundException):
            sesv2.delete_email_template(TemplateName=name)


def _render_v2(sesv2: Any, name: str, data: object) -> EmailMessage:
    rendered = sesv2.test_render_email_template(TemplateName=name, TemplateData=json.dumps(data))
    return _parse(rendered["RenderedTemplate"])


def _parse(rendered: str) -> EmailMessage:
    message = email.message_from_string(rendered, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body((subtype,))
    assert part is not None
    content = part.get_content()
    assert isinstance(content, str)
    return content.replace("\r\n", "\n")


# --- v2 CRUD -------------------------------------------------------------------------------------


def test_v2_create_and_get(sesv2: Any, make_template: Callable[..., str]) -> None:
    name = make_template(subject="Hi {{name}}", text="Dear {{name}}", html="<p>{{name}}</p>")
    assert strip_metadata(sesv2.get_email_template(TemplateName=name)) == {
        "TemplateName": name,
        "TemplateContent": {
            "Subject": "Hi {{name}}",
            "Text": "Dear {{name}}",
            "Html": "<p>{{name}}</p>",
        },
        "Tags": [],
    }


def test_v2_create_with_tags(sesv2: Any) -> None:
    name = unique("tpl")
    sesv2.create_email_template(
        TemplateName=name,
        TemplateContent={"Subject": "s", "Html": "<p>h</p>"},
        Tags=[{"Key": "team", "Value": "growth"}],
    )
    try:
        assert strip_metadata(sesv2.get_email_template(TemplateName=name)) == {
            "TemplateName": name,
            "TemplateContent": {"Subject": "s", "Html": "<p>h</p>"},
            "Tags": [{"Key": "team", "Value": "growth"}],
        }
    finally:
        sesv2.delete_email_template(TemplateName=name)


def test_v2_create_twice(sesv2: Any, make_template: Callable[..., str]) -> None:
    name = make_template()
    with pytest.raises(sesv2.exceptions.AlreadyExistsException) as caught:
        sesv2.create_email_template(TemplateName=name, TemplateContent={"Subject": "again"})
    assert error_tuple(caught) == (
        "AlreadyExistsException",
        f"Template {name} already exists.",
        400,
    )


def test_v2_get_missing(sesv2: Any) -> None:
    with pytest.raises(sesv2.exceptions.NotFoundException) as caught:
        sesv2.get_email_template(TemplateName="no-such-template")
    assert error_tuple(caught) == (
        "NotFoundException",
        "Template no-such-template does not exist.",
        404,
    )


def test_v2_update_replaces_every_part(sesv2: Any, make_template: Callable[..., str]) -> None:
    name = make_template(subject="old", text="old", html="old")
    sesv2.update_email_template(TemplateName=name, TemplateContent={"Html": "<b>new</b>"})
    assert strip_metadata(sesv2.get_email_template(TemplateName=name))["TemplateContent"] == {
        "Html": "<b>new</b>"
    }


def test_v2_update_missing(sesv2: Any) -> None:
    with pytest.raises(sesv2.exceptions.NotFoundException) as caught:
        sesv2.update_email_template(TemplateName="gone-tpl", TemplateContent={"Subject": "s"})
    assert error_tuple(caught) == ("NotFoundException", "Template gone-tpl does not exist.", 404)


def test_v2_delete(sesv2: Any, make_template: Callable[..., str]) -> None:
    name = make_template()
    assert strip_metadata(sesv2.delete_email_template(TemplateName=name)) == {}
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.get_email_template(TemplateName=name)
    with pytest.raises(sesv2.exceptions.NotFoundException) as caught:
        sesv2.delete_email_template(TemplateName=name)
    assert error_tuple(caught) == ("NotFoundException", f"Template {name} does not exist.", 404)


def test_v2_list_pages(server: LiveServer) -> None:
    _, sesv2 = _account_clients(server)
    before = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=5)
    for name in ["c-tpl", "a-tpl", "b-tpl"]:
        sesv2.create_email_template(TemplateName=name, TemplateContent={"Subject": name})
    first = sesv2.list_email_templates(PageSize=2)
    assert [t["TemplateName"] for t in first["TemplatesMetadata"]] == ["a-tpl", "b-tpl"]
    for metadata in first["TemplatesMetadata"]:
        assert before <= metadata["CreatedTimestamp"] <= before + datetime.timedelta(minutes=1)
    rest = sesv2.list_email_templates(PageSize=2, NextToken=first["NextToken"])
    assert [t["TemplateName"] for t in rest["TemplatesMetadata"]] == ["c-tpl"]
    assert "NextToken" not in rest
    everything = sesv2.list_email_templates()
    assert [t["TemplateName"] for t in everything["TemplatesMetadata"]] == [
        "a-tpl",
        "b-tpl",
        "c-tpl",
    ]


@pytest.mark.parametrize("size", [0, 101])
def test_v2_list_page_size_out_of_range(sesv2: Any, size: int) -> None:
    with pytest.raises(sesv2.exceptions.BadRequestException) as caught:
        sesv2.list_email_templates(PageSize=size)
    assert error_tuple(caught) == (
        "BadRequestException",
        "The page size must be between 1 and 100",
        400,
    )


def test_v2_list_bad_token(sesv2: Any) -> None:
    with pytest.raises(sesv2.exceptions.BadRequestException) as caught:
        sesv2.list_email_templates(NextToken="%%%")
    assert error_tuple(caught) == ("BadRequestException", "invalid nextToken %%%", 400)


def test_v2_bad_name(sesv2: Any) -> None:
    with pytest.raises(sesv2.exceptions.BadRequestException) as caught:
        sesv2.create_email_template(TemplateName="bad name", TemplateContent={"Subject": "s"})
    assert error_tuple(caught) == (
        "BadRequestException",
        "Invalid template name <bad name>: only alphanumeric ASCII characters, '_', and '-' "
        "are allowed.",
        400,
    )


def test_v2_broken_template_is_refused(sesv2: Any) -> None:
    name = unique("tpl")
    with pytest.raises(sesv2.exceptions.BadRequestException) as caught:
        sesv2.create_email_template(
            TemplateName=name, TemplateContent={"Subject": "s", "Html": "{{#if a}}never closed"}
        )
    assert error_tuple(caught) == (
        "BadRequestException",
        f"Template {name} is invalid: the html part cannot be parsed: "
        "Unclosed block '{{#if}}' opened on line 1.",
        400,
    )
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.get_email_template(TemplateName=name)


def test_v2_update_to_a_broken_template_is_refused(
    sesv2: Any, make_template: Callable[..., str]
) -> None:
    name = make_template(subject="fine")
    with pytest.raises(sesv2.exceptions.BadRequestException):
        sesv2.update_email_template(TemplateName=name, TemplateContent={"Subject": "{{/if}}"})
    assert sesv2.get_email_template(TemplateName=name)["TemplateContent"]["Subject"] == "fine"


# --- v1 CRUD -------------------------------------------------------------------------------------


def test_v1_create_get_update_delete(ses: Any) -> None:
    name = unique("tpl")
    ses.create_template(
        Template={"TemplateName": name, "SubjectPart": "Hi {{n}}", "TextPart": "Dear {{n}}"}
    )
    assert strip_metadata(ses.get_template(TemplateName=name)) == {
        "Template": {"TemplateName": name, "SubjectPart": "Hi {{n}}", "TextPart": "Dear {{n}}"}
    }
    ses.update_template(Template={"TemplateName": name, "HtmlPart": "<p>{{n}}</p>"})
    assert strip_metadata(ses.get_template(TemplateName=name)) == {
        "Template": {"TemplateName": name, "HtmlPart": "<p>{{n}}</p>"}
    }
    assert strip_metadata(ses.delete_template(TemplateName=name)) == {}
    with pytest.raises(ses.exceptions.TemplateDoesNotExistException) as caught:
        ses.get_template(TemplateName=name)
    assert error_tuple(caught) == ("TemplateDoesNotExist", f"Template {name} does not exist.", 400)


def test_v1_create_twice(ses: Any) -> None:
    name = unique("tpl")
    ses.create_template(Template={"TemplateName": name, "SubjectPart": "s"})
    try:
        with pytest.raises(ses.exceptions.AlreadyExistsException) as caught:
            ses.create_template(Template={"TemplateName": name, "SubjectPart": "s"})
        assert error_tuple(caught) == ("AlreadyExists", f"Template {name} already exists.", 400)
    finally:
        ses.delete_template(TemplateName=name)


def test_v1_update_missing(ses: Any) -> None:
    with pytest.raises(ses.exceptions.TemplateDoesNotExistException) as caught:
        ses.update_template(Template={"TemplateName": "gone-v1", "SubjectPart": "s"})
    assert error_tuple(caught) == ("TemplateDoesNotExist", "Template gone-v1 does not exist.", 400)


def test_v1_delete_missing_succeeds(ses: Any) -> None:
    assert strip_metadata(ses.delete_template(TemplateName="never-existed")) == {}


def test_v1_bad_name_and_broken_template(ses: Any) -> None:
    with pytest.raises(ses.exceptions.InvalidTemplateException) as caught:
        ses.create_template(Template={"TemplateName": "a/b", "SubjectPart": "s"})
    assert error_tuple(caught)[0::2] == ("InvalidTemplate", 400)
    name = unique("tpl")
    with pytest.raises(ses.exceptions.InvalidTemplateException) as caught:
        ses.create_template(Template={"TemplateName": name, "TextPart": "{{#each x}}{{/if}}"})
    assert error_tuple(caught) == (
        "InvalidTemplate",
        f"Template {name} is invalid: the text part cannot be parsed: each doesn't match if "
        "(opened on line 1, closed on line 1).",
        400,
    )


def test_v1_list_pages(server: LiveServer) -> None:
    ses, _ = _account_clients(server)
    for name in ["z-tpl", "x-tpl", "y-tpl"]:
        ses.create_template(Template={"TemplateName": name, "SubjectPart": name})
    first = ses.list_templates(MaxItems=2)
    assert [t["Name"] for t in first["TemplatesMetadata"]] == ["x-tpl", "y-tpl"]
    assert all(
        isinstance(t["CreatedTimestamp"], datetime.datetime) for t in first["TemplatesMetadata"]
    )
    rest = ses.list_templates(MaxItems=2, NextToken=first["NextToken"])
    assert [t["Name"] for t in rest["TemplatesMetadata"]] == ["z-tpl"]
    assert "NextToken" not in rest
    # Above 100 the page is 100 (as documented), not an error.
    assert len(ses.list_templates(MaxItems=500)["TemplatesMetadata"]) == 3


# --- one model behind both APIs ------------------------------------------------------------------


def test_v1_template_is_visible_in_v2(ses: Any, sesv2: Any) -> None:
    name = unique("tpl")
    ses.create_template(Template={"TemplateName": name, "SubjectPart": "S", "HtmlPart": "H"})
    try:
        assert strip_metadata(sesv2.get_email_template(TemplateName=name)) == {
            "TemplateName": name,
            "TemplateContent": {"Subject": "S", "Html": "H"},
            "Tags": [],
        }
    finally:
        sesv2.delete_email_template(TemplateName=name)
    with pytest.raises(ses.exceptions.TemplateDoesNotExistException):
        ses.get_template(TemplateName=name)


def test_v2_template_is_visible_in_v1(
    ses: Any, sesv2: Any, make_template: Callable[..., str]
) -> None:
    name = make_template(subject="S", text="T", html="H")
    assert strip_metadata(ses.get_template(TemplateName=name)) == {
        "Template": {"TemplateName": name, "SubjectPart": "S", "TextPart": "T", "HtmlPart": "H"}
    }
    ses.update_template(Template={"TemplateName": name, "SubjectPart": "v1"})
    assert sesv2.get_email_template(TemplateName=name)["TemplateContent"] == {"Subject": "v1"}


def test_listings_agree(server: LiveServer) -> None:
    ses, sesv2 = _account_clients(server)
    ses.create_template(Template={"TemplateName": "one", "SubjectPart": "1"})
    sesv2.create_email_template(TemplateName="two", TemplateContent={"Subject": "2"})
    v1 = ses.list_templates()["TemplatesMetadata"]
    v2 = sesv2.list_email_templates()["TemplatesMetadata"]
    assert [(t["Name"], t["CreatedTimestamp"]) for t in v1] == [
        (t["TemplateName"], t["CreatedTimestamp"]) for t in v2
    ]


# --- TestRender ----------------------------------------------------------------------------------


def test_render_is_a_whole_mime_message(sesv2: Any, make_template: Callable[..., str]) -> None:
    name = make_template(subject="Hi {{name}}", text="Dear {{name}},", html="<h1>{{name}}</h1>")
    message = _render_v2(sesv2, name, {"name": "Ana"})
    assert message["Subject"] == "Hi Ana"
    assert message["MIME-Version"] == "1.0"
    assert message["From"] is None
    assert message.get_content_type() == "multipart/alternative"
    assert _body(message, "plain") == "Dear Ana,"
    assert _body(message, "html") == "<h1>Ana</h1>"


def test_render_text_only(sesv2: Any, make_template: Callable[..., str]) -> None:
    name = make_template(subject="s", text="only text")
    message = _render_v2(sesv2, name, {})
    assert message.get_content_type() == "text/plain"
    assert _body(message, "plain") == "only text"


def test_render_non_ascii_subject(sesv2: Any, make_template: Callable[..., str]) -> None:
    name = make_template(subject="Olá {{name}}", text="t")
    assert _render_v2(sesv2, name, {"name": "Zoë"})["Subject"] == "Olá Zoë"


@pytest.mark.parametrize(
    ("text", "data", "expected"),
    [
        ("{{contact.first}} {{contact.last}}", {"contact": {"first": "A", "last": "B"}}, "A B"),
        ("{{#if vip}}gold{{else}}standard{{/if}}", {"vip": False}, "standard"),
        ("{{#if vip}}gold{{else}}standard{{/if}}", {"vip": True}, "gold"),
        ("{{#unless paid}}pay now{{/unless}}", {}, "pay now"),
        (
            "{{#each items}}{{@index}}.{{name}}{{#unless @last}}, {{/unless}}{{/each}}",
            {"items": [{"name": "a"}, {"name": "b"}]},
            "0.a, 1.b",
        ),
        ("{{#each items}}x{{else}}nothing{{/each}}", {"items": []}, "nothing"),
        (
            "{{#with user}}{{name}} of {{../team}}{{/with}}",
            {"user": {"name": "N"}, "team": "T"},
            "N of T",
        ),
        ("{{#each tags}}{{@key}}={{this}} {{/each}}", {"tags": {"a": 1, "b": 2}}, "a=1 b=2 "),
        ("{{count}} {{ratio}} {{flag}}", {"count": 3, "ratio": 0.5, "flag": True}, "3 0.5 true"),
        (
            '{{#*inline "row"}}[{{this}}]{{/inline}}{{#each xs}}{{> row}}{{/each}}',
            {"xs": [1, 2]},
            "[1][2]",
        ),
    ],
)
def test_render_handlebars(
    sesv2: Any, make_template: Callable[..., str], text: str, data: object, expected: str
) -> None:
    name = make_template(subject="s", text=text)
    assert _body(_render_v2(sesv2, name, data), "plain") == expected


def test_render_does_not_escape_html(sesv2: Any, make_template: Callable[..., str]) -> None:
    """AWS: "SES doesn't escape HTML content when rendering the HTML template"."""
    name = make_template(subject="s", html="<p>{{note}} {{{raw}}}</p>")
    message = _render_v2(sesv2, name, {"note": "<b>A&B</b>", "raw": "<i>x</i>"})
    assert _body(message, "html") == "<p><b>A&B</b> <i>x</i></p>"


def test_render_missing_value_in_a_block_is_falsy(
    sesv2: Any, make_template: Callable[..., str]
) -> None:
    name = make_template(subject="Hi {{name}}", text="{{#if vip}}{{perk}}{{else}}none{{/if}}")
    assert _body(_render_v2(sesv2, name, {"name": "A"}), "plain") == "none"


def test_v2_render_errors(sesv2: Any, make_template: Callable[..., str]) -> None:
    name = make_template(subject="Hi {{name}}", text="{{#if vip}}gold{{/if}}")
    with pytest.raises(sesv2.exceptions.BadRequestException) as caught:
        sesv2.test_render_email_template(TemplateName=name, TemplateData='{"vip": true}')
    assert error_tuple(caught) == (
        "BadRequestException",
        "Attribute 'name' is not present in the rendering data.",
        400,
    )
    with pytest.raises(sesv2.exceptions.BadRequestException) as caught:
        sesv2.test_render_email_template(TemplateName=name, TemplateData="{not json")
    assert error_tuple(caught) == (
        "BadRequestException",
        "Template data must be a valid JSON object.",
        400,
    )
    with pytest.raises(sesv2.exceptions.NotFoundException) as caught:
        sesv2.test_render_email_template(TemplateName="absent-tpl", TemplateData="{}")
    assert error_tuple(caught) == ("NotFoundException", "Template absent-tpl does not exist.", 404)


def test_v1_render(ses: Any, make_template: Callable[..., str]) -> None:
    name = make_template(subject="Hi {{name}}", text="{{#each xs}}{{this}}{{/each}}")
    rendered = ses.test_render_template(
        TemplateName=name, TemplateData=json.dumps({"name": "V1", "xs": [1, 2]})
    )
    message = _parse(rendered["RenderedTemplate"])
    assert message["Subject"] == "Hi V1"
    assert _body(message, "plain") == "12"


def test_v1_render_errors(ses: Any, make_template: Callable[..., str]) -> None:
    name = make_template(subject="Hi {{name}}", text="t")
    with pytest.raises(ses.exceptions.MissingRenderingAttributeException) as caught:
        ses.test_render_template(TemplateName=name, TemplateData="{}")
    assert error_tuple(caught) == (
        "MissingRenderingAttribute",
        "Attribute 'name' is not present in the rendering data.",
        400,
    )
    with pytest.raises(ses.exceptions.InvalidRenderingParameterException) as caught:
        ses.test_render_template(TemplateName=name, TemplateData="[1, 2]")
    assert error_tuple(caught) == (
        "InvalidRenderingParameter",
        "Template data must be a valid JSON object.",
        400,
    )
    with pytest.raises(ses.exceptions.TemplateDoesNotExistException) as caught:
        ses.test_render_template(TemplateName="absent-v1", TemplateData="{}")
    assert error_tuple(caught) == (
        "TemplateDoesNotExist",
        "Template absent-v1 does not exist.",
        400,
    )
