"""EmailTemplate: name rules, rendering data, and SES's errors around rendering."""

from __future__ import annotations

import datetime

import pytest

from openses.domain.errors import (
    InvalidRenderingParameter,
    InvalidTemplate,
    MissingRenderingAttribute,
)
from openses.domain.template import EmailTemplate, RenderedContent, parse_template_data

NOW = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)


def make(
    *, subject: str | None = None, text: str | None = None, html: str | None = None
) -> EmailTemplate:
    return EmailTemplate(name="welcome", created_at=NOW, subject=subject, text=text, html=html)


def test_render_every_part() -> None:
    template = make(subject="Hi {{name}}", text="Dear {{name}}", html="<p>{{name}}</p>")
    assert template.render({"name": "Ana"}) == RenderedContent(
        subject="Hi Ana", text="Dear Ana", html="<p>Ana</p>"
    )


def test_absent_parts_stay_absent() -> None:
    assert make(subject="s").render({}) == RenderedContent(subject="s", text=None, html=None)


def test_html_is_not_escaped_as_ses_documents() -> None:
    assert make(html="{{v}}").render({"v": "<b>&</b>"}).html == "<b>&</b>"


def test_missing_attribute_names_the_attribute() -> None:
    with pytest.raises(MissingRenderingAttribute) as caught:
        make(subject="{{a}}", text="{{b}}").render({"a": 1})
    assert caught.value.message == "Attribute 'b' is not present in the rendering data."
    assert caught.value.template_name == "welcome"


def test_syntax_error_is_an_invalid_template() -> None:
    with pytest.raises(InvalidTemplate) as caught:
        make(text="ok", html="{{#if a}}").compile()
    assert caught.value.message == (
        "Template welcome is invalid: the html part cannot be parsed: "
        "Unclosed block '{{#if}}' opened on line 1."
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "The template name must be specified."),
        ("x" * 65, "Template name cannot exceed 64 characters."),
        (
            "bad name",
            "Invalid template name <bad name>: only alphanumeric ASCII characters, '_', and '-' "
            "are allowed.",
        ),
    ],
)
def test_name_rules(name: str, message: str) -> None:
    with pytest.raises(InvalidTemplate) as caught:
        EmailTemplate(name=name, created_at=NOW)
    assert caught.value.message == message


def test_a_64_character_name_is_fine() -> None:
    assert EmailTemplate(name="a" * 64, created_at=NOW).name == "a" * 64


@pytest.mark.parametrize("raw", ["", "{", "[1]", '"text"', "null", "1"])
def test_template_data_must_be_a_json_object(raw: str) -> None:
    with pytest.raises(InvalidRenderingParameter):
        parse_template_data(raw)


def test_template_data_object() -> None:
    assert parse_template_data('{"a": {"b": [1]}}') == {"a": {"b": [1]}}


def test_the_open_tracker_placeholder_survives_rendering() -> None:
    template = EmailTemplate(
        name="tracked",
        created_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        subject="Hi {{name}}",
        html="<p>{{name}}</p>{{ses:openTracker}}",
    )
    rendered = template.render({"name": "Ada"})
    assert rendered.html == "<p>Ada</p>{{ses:openTracker}}"
    assert rendered.subject == "Hi Ada"
