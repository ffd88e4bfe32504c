"""The tag repository: tags of any resource, keyed by its ARN."""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, delete, insert, select

from openses.domain.options import Tag
from openses.store.queries import Query
from openses.store.tables import resource_tags

_SELECT = Query(
    select(resource_tags.c.key, resource_tags.c.value)
    .where(resource_tags.c.resource_arn == bindparam("arn"))
    .order_by(resource_tags.c.id)
)
_DELETE = delete(resource_tags).where(resource_tags.c.resource_arn == bindparam("arn"))


class TagRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def get(self, arn: str) -> list[Tag]:
        return [Tag(row.key, row.value) for row in _SELECT.all(self._connection, {"arn": arn})]

    def add(self, arn: str, tags: list[Tag]) -> None:
        """The tags of a resource created in this unit of work: it has none yet, since removing
        a resource clears its tags."""
        if tags:
            self._connection.execute(
                insert(resource_tags),
                [{"resource_arn": arn, "key": tag.key, "value": tag.value} for tag in tags],
            )

    def replace(self, arn: str, tags: list[Tag]) -> None:
        if self.get(arn) == tags:
            return
        self._connection.execute(_DELETE, {"arn": arn})
        self.add(arn, tags)
