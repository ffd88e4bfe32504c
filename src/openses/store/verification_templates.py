"""The custom-verification-email-template repository: the only code that reads or writes its
table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row

from openses.domain.errors import (
    CustomVerificationEmailTemplateAlreadyExists,
    CustomVerificationEmailTemplateNotFound,
)
from openses.domain.verification_template import CustomVerificationEmailTemplate
from openses.store.rows import record_from_row
from openses.store.scoped import ScopedRepository
from openses.store.tables import custom_verification_email_templates as table


class VerificationTemplateRepository(ScopedRepository):
    table = table
    resource_type = "custom-verification-email-template"

    def add(self, template: CustomVerificationEmailTemplate) -> None:
        values = {"created_at": template.created_at, **_content(template)}
        self._insert_tagged(
            template.name, values, template.tags, CustomVerificationEmailTemplateAlreadyExists
        )

    def get(self, name: str, *, for_update: bool = False) -> CustomVerificationEmailTemplate:
        row = self._get_named(
            table, name, CustomVerificationEmailTemplateNotFound, for_update=for_update
        )
        return _template(row, self._tags.get(self._arn(name)))

    def save(self, template: CustomVerificationEmailTemplate) -> None:
        if not self._update_named(table, template.name, _content(template)):
            raise CustomVerificationEmailTemplateNotFound(template.name)

    def remove(self, name: str) -> None:
        self._remove_tagged(name, CustomVerificationEmailTemplateNotFound)

    def list(self, *, after: str | None, limit: int) -> list[CustomVerificationEmailTemplate]:
        """Templates in name order, without their tags."""
        return [_template(row, []) for row in self._name_page(after=after, limit=limit)]


def _content(template: CustomVerificationEmailTemplate) -> dict[str, str]:
    return {
        "from_email_address": template.from_email_address,
        "subject": template.subject,
        "content": template.content,
        "success_redirection_url": template.success_redirection_url,
        "failure_redirection_url": template.failure_redirection_url,
    }


def _template(row: Row[Any], tags: list[Any]) -> CustomVerificationEmailTemplate:
    return record_from_row(CustomVerificationEmailTemplate, row, tags=tags)
