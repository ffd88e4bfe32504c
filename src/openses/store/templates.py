"""The email-template repository: the only code that reads or writes the templates table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row

from openses.domain.errors import TemplateAlreadyExists, TemplateNotFound
from openses.domain.template import EmailTemplate
from openses.store.rows import record_from_row
from openses.store.scoped import ScopedRepository
from openses.store.tables import templates


class TemplateRepository(ScopedRepository):
    table = templates
    resource_type = "template"

    def add(self, template: EmailTemplate) -> None:
        values = {"created_at": template.created_at, **_content(template)}
        self._insert_tagged(template.name, values, template.tags, TemplateAlreadyExists)

    def get(self, name: str) -> EmailTemplate:
        row = self._get_named(templates, name, TemplateNotFound)
        return _template(row, self._tags.get(self._arn(name)))

    def save(self, template: EmailTemplate) -> None:
        """Replace the stored subject, text and HTML (all three: a part left out is removed)."""
        self._save_tagged(template.name, _content(template), template.tags, TemplateNotFound)

    def remove(self, name: str) -> None:
        self._remove_tagged(name, TemplateNotFound)

    def list(self, *, after: str | None, limit: int) -> list[EmailTemplate]:
        """Templates in name order, without their tags."""
        return [_template(row, []) for row in self._name_page(after=after, limit=limit)]


def _content(template: EmailTemplate) -> dict[str, str | None]:
    return {"subject": template.subject, "text": template.text, "html": template.html}


def _template(row: Row[Any], tags: list[Any]) -> EmailTemplate:
    return record_from_row(EmailTemplate, row, tags=tags)
