"""Email templates: a named subject, text and HTML part, rendered with Handlebars as SES does."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from openses import handlebars, json_text
from openses.domain import names
from openses.domain.errors import (
    InvalidRenderingParameter,
    InvalidTemplate,
    MissingRenderingAttribute,
    RefusedRenderingParameter,
)
from openses.domain.message import MAX_V2_MESSAGE_BYTES, InvalidMessage, line_break_in
from openses.domain.options import Tag

# AWS: "SES doesn't escape HTML content when rendering the HTML template for a message"
# (developer guide, send-personalized-email-advanced). So ``{{x}}`` renders like ``{{{x}}}``.
ESCAPE_HTML = False


def check_name(name: str) -> None:
    names.check_name(name, "template", InvalidTemplate)


# "Each template can be up to 500 KB in size, including the text and HTML parts" (SES
# developer guide, send-personalized-email-api); the subject counts too, in UTF-8 bytes.
MAX_TEMPLATE_BYTES = 500 * 1024


def check_template_size(template: EmailTemplate) -> None:
    size = sum(
        len(part.encode()) for part in (template.subject, template.text, template.html) if part
    )
    if size > MAX_TEMPLATE_BYTES:
        # INFERRED wording (docs/aws-behaviour.md, "Quotas, sandbox and throttling")
        raise InvalidTemplate(f"Template size {size} bytes exceeds the limit of 500 KB.")


# The most steps (a node rendered, or a loop's iteration) one message's rendering may take. A
# table of 1,000 rows of 10 fields takes about 22,000; 200,000 take about 0.1 s.
MAX_RENDER_STEPS = 200_000


def parse_template_data(raw: str) -> dict[str, object]:
    """TemplateData must be a JSON object; anything else is an InvalidRenderingParameter, and
    data beyond the JSON reader's bounds (domain/json_text.py) a RefusedRenderingParameter."""
    try:
        data = json_text.loads(raw)
    except json_text.UnreadableJson as error:
        raise RefusedRenderingParameter(
            f"Template data must be a valid JSON object: {error.reason}."
        ) from None
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

    def render(
        self, data: dict[str, object], *, max_size: int = MAX_V2_MESSAGE_BYTES
    ) -> RenderedContent:
        return self.compile().render(data, max_size=max_size)

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

    def render(
        self, data: dict[str, object], *, max_size: int = MAX_V2_MESSAGE_BYTES
    ) -> RenderedContent:
        """The three parts, rendered within one budget: at most ``max_size`` characters in
        all (the API's message size limit) and MAX_RENDER_STEPS steps; rendering stops as
        soon as either runs out, with an InvalidMessage.

        A rendered subject holding CR or LF is a RefusedRenderingParameter."""
        budget = handlebars.Budget(max_chars=max_size, max_steps=MAX_RENDER_STEPS)
        # The open-tracking placeholder survives rendering, for the tracker to replace.
        html_data = {OPEN_TRACKER: "{{" + OPEN_TRACKER + "}}", **data}
        rendered = RenderedContent(
            subject=self._render(self.subject, data, budget),
            text=self._render(self.text, data, budget),
            html=self._render(self.html, html_data, budget),
        )
        if rendered.subject is not None and line_break_in(rendered.subject):
            raise RefusedRenderingParameter(
                f"The subject of template {self.name} renders with a line break (CR or LF)."
            )
        return rendered

    def _render(
        self, part: handlebars.Template | None, data: dict[str, object], budget: handlebars.Budget
    ) -> str | None:
        if part is None:
            return None
        try:
            return part.render(data, escape=ESCAPE_HTML, budget=budget)
        except handlebars.RenderLimitExceeded as error:
            if error.size:
                raise InvalidMessage(
                    f"Message length is more than {budget.max_chars} bytes long: "
                    f"'{error.rendered_chars}'."
                ) from None
            raise InvalidMessage(
                f"Rendering template {self.name} takes more than {budget.max_steps} steps."
            ) from None
        except handlebars.MissingAttribute as error:
            raise MissingRenderingAttribute(self.name, error.name) from None
        except handlebars.TemplateSyntaxError as error:
            raise InvalidTemplate(
                f"Template {self.name} is invalid: {error}", template_name=self.name
            ) from None
