"""The contact-list repository: the only code that reads or writes the contact_lists and
contacts tables."""

from __future__ import annotations

import builtins
from typing import Any

from sqlalchemy import Row, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from openses.domain.contact_list import (
    MAX_LISTS,
    Contact,
    ContactList,
    SubscriptionStatus,
    Topic,
)
from openses.domain.errors import (
    ContactAlreadyExists,
    ContactListLimitExceeded,
    ContactListNotFound,
    ContactNotFound,
)
from openses.store.rows import record_from_row
from openses.store.scoped import ScopedRepository
from openses.store.tables import contact_lists, contacts


class ContactListRepository(ScopedRepository):
    table = contact_lists
    resource_type = "contact-list"

    # -- lists -------------------------------------------------------------------------------

    def add(self, contact_list: ContactList) -> None:
        """The scope is unique: a second list (under any name) is AWS's limit error."""
        self._insert_tagged(
            contact_list.name,
            _list_values(contact_list),
            contact_list.tags,
            lambda _name: ContactListLimitExceeded(MAX_LISTS),
        )

    def get(self, name: str, *, for_update: bool = False, tags: bool = False) -> ContactList:
        found = self._row(name, for_update=for_update)
        return _contact_list(found, self._tags.get(self._arn(name)) if tags else [])

    def save(self, contact_list: ContactList) -> None:
        self._update_named(contact_lists, contact_list.name, _list_values(contact_list))

    def remove(self, name: str) -> None:
        """The list, its contacts (ON DELETE CASCADE, and explicitly for SQLite connections
        without foreign keys) and its tags."""
        found = self._row(name, for_update=True)
        self._connection.execute(delete(contacts).where(contacts.c.contact_list_id == found.id))
        self._remove_tagged(name, ContactListNotFound)

    def list(self, *, after: str | None, limit: int) -> list[ContactList]:
        """Contact lists in name order, without their tags."""
        return [_contact_list(row, []) for row in self._name_page(after=after, limit=limit)]

    def _row(self, name: str, *, for_update: bool = False) -> Row[Any]:
        return self._get_named(contact_lists, name, ContactListNotFound, for_update=for_update)

    # -- contacts ----------------------------------------------------------------------------

    def add_contact(self, list_name: str, contact: Contact) -> None:
        list_id = self._row(list_name).id
        try:
            self._connection.execute(
                insert(contacts), {"contact_list_id": list_id, **_contact_values(contact)}
            )
        except IntegrityError:
            raise ContactAlreadyExists(contact.email_address) from None

    def find_contact(
        self, list_name: str, address: str, *, for_update: bool = False
    ) -> Contact | None:
        query = (
            select(contacts)
            .join(contact_lists, contacts.c.contact_list_id == contact_lists.c.id)
            .where(
                self._scope(),
                contact_lists.c.name == list_name,
                contacts.c.email_address == address,
            )
        )
        row = self._connection.execute(query.with_for_update() if for_update else query).first()
        return None if row is None else _contact(row)

    def get_contact(self, list_name: str, address: str, *, for_update: bool = False) -> Contact:
        found = self.find_contact(list_name, address, for_update=for_update)
        if found is None:
            raise ContactNotFound(address)
        return found

    def save_contact(self, list_name: str, contact: Contact) -> None:
        list_id = self._row(list_name).id
        self._connection.execute(
            update(contacts)
            .where(
                contacts.c.contact_list_id == list_id,
                contacts.c.email_address == contact.email_address,
            )
            .values(**_contact_values(contact))
        )

    def remove_contact(self, list_name: str, address: str) -> None:
        list_id = self._row(list_name).id
        result = self._connection.execute(
            delete(contacts).where(
                contacts.c.contact_list_id == list_id, contacts.c.email_address == address
            )
        )
        if result.rowcount == 0:
            raise ContactNotFound(address)

    def contacts(self, list_name: str, *, after: str | None, limit: int) -> builtins.list[Contact]:
        """Contacts in address order, after ``after``."""
        list_id = self._row(list_name).id
        query = select(contacts).where(contacts.c.contact_list_id == list_id)
        if after is not None:
            query = query.where(contacts.c.email_address > after)
        rows = self._connection.execute(query.order_by(contacts.c.email_address).limit(limit))
        return [_contact(row) for row in rows]


def _list_values(contact_list: ContactList) -> dict[str, Any]:
    return {
        "description": contact_list.description,
        "topics": [
            {
                "name": topic.name,
                "display_name": topic.display_name,
                "description": topic.description,
                "default_status": str(topic.default_status),
            }
            for topic in contact_list.topics
        ],
        "created_at": contact_list.created_at,
        "updated_at": contact_list.updated_at,
    }


def _contact_list(row: Row[Any], tags: list[Any]) -> ContactList:
    return ContactList(
        name=row.name,
        description=row.description,
        topics=tuple(
            Topic(
                name=topic["name"],
                display_name=topic["display_name"],
                description=topic["description"],
                default_status=SubscriptionStatus(topic["default_status"]),
            )
            for topic in row.topics
        ),
        created_at=row.created_at,
        updated_at=row.updated_at,
        tags=tags,
    )


def _contact_values(contact: Contact) -> dict[str, Any]:
    return {
        "email_address": contact.email_address,
        "preferences": [[name, str(status)] for name, status in contact.preferences.items()],
        "unsubscribe_all": contact.unsubscribe_all,
        "attributes_data": contact.attributes_data,
        "created_at": contact.created_at,
        "updated_at": contact.updated_at,
    }


def _contact(row: Row[Any]) -> Contact:
    preferences = {name: SubscriptionStatus(status) for name, status in row.preferences}
    return record_from_row(Contact, row, preferences=preferences)
