"""The custom-verification-email-template repository: the only code that reads or writes its
table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, func, select, update

from openses.domain.errors import (
    CustomVerificationEmailTemplateAlreadyExists,
    CustomVerificationEmailTemplateNotFound,
)
from openses.domain.verification_template import CustomVerificationEmailTemplate
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

    def count(self) -> int:
        return int(
            self._connection.execute(
                select(func.count()).select_from(table).where(self._scope())
            ).scalar_one()
        )

    def get(self, name: str, *, for_update: bool = False) -> CustomVerificationEmailTemplate:
        query = select(table).where(self._scope(), table.c.name == name)
        if for_update:
            query = query.with_for_update()
        row = self._connection.execute(query).first()
        if row is None:
            raise CustomVerificationEmailTemplateNotFound(name)
        return _template(row, self._tags.get(self._arn(name)))

    def save(self, template: CustomVerificationEmailTemplate) -> None:
        result = self._connection.execute(
            update(table)
            .where(self._scope(), table.c.name == template.name)
            .values(**_content(template))
        )
        if result.rowcount == 0:
            raise CustomVerificationEmailTemplateNotFound(template.name)

    def remove(self, name: str) -> None:
        self._remove_tagged(name, CustomVerificationEmailTemplateNotFound)

    def list(self, *, after: str | None, limit: int) -> list[CustomVerificationEmailTemplate]:
        """Templates in name order, without their tags."""
        query = select(table).where(self._scope())
        if after is not None:
            query = query.where(table.c.name > after)
        rows = self._connection.execute(query.order_by(table.c.name).limit(limit))
        return [_template(row, []) for row in rows]


def _content(template: CustomVerificationEmailTemplate) -> dict[str, str]:
    return {
        "from_email_address": template.from_email_address,
        "subject": template.subject,
        "content": template.content,
        "success_redirection_url": template.success_redirection_url,
        "failure_redirection_url": template.failure_redirection_url,
    }


def _template(row: Row[Any], tags: list[Any]) -> CustomVerificationEmailTemplate:
    return CustomVerificationEmailTemplate(
        name=row.name,
        from_email_address=row.from_email_address,
        subject=row.subject,
        content=row.content,
        success_redirection_url=row.success_redirection_url,
        failure_redirection_url=row.failure_redirection_url,
        created_at=row.created_at,
        tags=tags,
    )
