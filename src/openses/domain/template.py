"""Email templates: a named subject, text and HTML part, rendered with Handlebars as SES does."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field

from openses import handlebars
from openses.domain import names
from openses.domain.errors import (
    InvalidRenderingParameter,
    InvalidTemplate,
    MissingRenderingAttribute,
)
from openses.domain.options import Tag

# AWS: "SES doesn't escape HTML content when rendering the HTML template for a message"
# (developer guide, send-personalized-email-advanced). So ``{{x}}`` renders like ``{{{x}}}``.
ESCAPE_HTML = False


def check_name(name: str) -> None:
    if not name:
        raise InvalidTemplate("The template name must be specified.")
    if len(name) > names.MAX_NAME_LENGTH:
        raise InvalidTemplate("Template name cannot exceed 64 characters.")
    if not names.is_valid_name(name):
        raise InvalidTemplate(
            f"Invalid template name <{name}>: only alphanumeric ASCII characters, '_', "
            "and '-' are allowed."
        )


def parse_template_data(raw: str) -> dict[str, object]:
    """TemplateData must be a JSON object; anything else is an InvalidRenderingParameter."""
    try:
        data = json.loads(raw)
    except ValueError:
        raise InvalidRenderingParameter("Template data must be a valid JSON object.") from None
    if not isinstance(data, dict):
        raise InvalidRenderingParameter("Template data must be a valid JSON object.")
    return data


OPEN_TRACKER = "ses:openTracker"


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderedContent:
    subject: str | None
    text: str | None
    html: str | None


@dataclass(slots=True, kw_only=True)
class EmailTemplate:
    name: str
    created_at: datetime.datetime
    subject: str | None = None
    text: str | None = None
    html: str | None = None
    tags: list[Tag] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_name(self.name)

    def compile(self) -> CompiledTemplate:
        """Parse every part once; a syntax error in any part is an InvalidTemplate."""
        return CompiledTemplate(
            name=self.name,
            subject=self._compile_part("subject", self.subject),
            text=self._compile_part("text", self.text),
            html=self._compile_part("html", self.html),
        )

    def render(self, data: dict[str, object]) -> RenderedContent:
        return self.compile().render(data)

    def _compile_part(self, part: str, source: str | None) -> handlebars.Template | None:
        if source is None:
            return None
        try:
            return handlebars.compile(source)
        except handlebars.TemplateSyntaxError as error:
            raise InvalidTemplate(
                f"Template {self.name} is invalid: the {part} part cannot be parsed: {error}",
                template_name=self.name,
            ) from None


@dataclass(frozen=True, slots=True, kw_only=True)
class CompiledTemplate:
    """A template parsed once, for rendering to many recipients (SendBulkEmail)."""

    name: str
    subject: handlebars.Template | None
    text: handlebars.Template | None
    html: handlebars.Template | None

    def render(self, data: dict[str, object]) -> RenderedContent:
        # The open-tracking placeholder survives rendering, for the tracker to replace.
        html_data = {OPEN_TRACKER: "{{" + OPEN_TRACKER + "}}", **data}
        return RenderedContent(
            subject=self._render(self.subject, data),
            text=self._render(self.text, data),
            html=self._render(self.html, html_data),
        )

    def _render(self, part: handlebars.Template | None, data: dict[str, object]) -> str | None:
        if part is None:
            return None
        try:
            return part.render(data, escape=ESCAPE_HTML)
        except handlebars.MissingAttribute as error:
            raise MissingRenderingAttribute(self.name, error.name) from None
        except handlebars.TemplateSyntaxError as error:
            raise InvalidTemplate(
                f"Template {self.name} is invalid: {error}", template_name=self.name
            ) from None
