"""Contact-list and contact use cases (SES v2 list management), the send path's view of a list
(who may be sent to), and the unsubscribe a recipient makes from a message's link or header,
which records a Subscription event in the same transaction as the contact's change."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from openses.domain.contact_list import (
    Contact,
    ContactFilter,
    ContactList,
    ListManagement,
    SubscriptionStatus,
    Topic,
    check_attributes,
    check_email_address,
    check_list_name,
    check_preferences,
)
from openses.domain.errors import ConfigurationSetNotFound, ContactListNotFound
from openses.domain.mailbox import address_of
from openses.domain.tags import check as check_tags
from openses.events import records
from openses.services import paging
from openses.store import message_search
from openses.store.database import reading
from openses.store.sources import EngineSource
from openses.store.unit_of_work import UnitOfWork
from openses.tracking.tokens import UnsubscribeClaims

# A scan for a filtered ListContacts page reads the contacts in batches of this many.
_SCAN_BATCH = 500


# -- contact lists -----------------------------------------------------------------------------


def create_list(uow: UnitOfWork, contact_list: ContactList) -> None:
    contact_list.check()
    check_tags(contact_list.tags)
    with uow:
        uow.contact_lists.add(contact_list)
        uow.commit()


def get_list(uow: UnitOfWork, name: str) -> ContactList:
    check_list_name(name)
    with uow:
        return uow.contact_lists.get(name, tags=True)


def update_list(
    uow: UnitOfWork,
    name: str,
    *,
    topics: Sequence[Topic],
    description: str | None,
    now: datetime.datetime,
) -> None:
    """A complete replacement of the topics and description (botocore: UpdateContactList)."""
    check_list_name(name)
    with uow:
        current = uow.contact_lists.get(name, for_update=True)
        changed = dataclasses.replace(
            current, topics=tuple(topics), description=description, updated_at=now
        )
        changed.check()
        uow.contact_lists.save(changed)
        uow.commit()


def delete_list(uow: UnitOfWork, name: str) -> None:
    """The list and all of its contacts (botocore: DeleteContactList)."""
    check_list_name(name)
    with uow:
        uow.contact_lists.remove(name)
        uow.commit()


#: The contact lists in name order, without their tags.
list_lists: paging.PageReader[ContactList] = paging.page_reader(
    lambda uow: uow.contact_lists, check=check_list_name, key=paging.name_of
)


# -- contacts ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactChange:
    preferences: Sequence[tuple[str, SubscriptionStatus]] = ()
    unsubscribe_all: bool = False
    attributes_data: str | None = None


def write_contact(
    uow: UnitOfWork,
    list_name: str,
    address: str,
    change: ContactChange,
    now: datetime.datetime,
    *,
    must_exist: bool | None,
) -> None:
    """CreateContact (``must_exist`` False: a contact already there is ContactAlreadyExists),
    UpdateContact (True: a missing one is ContactNotFound) and an import's PUT (None: either).
    Every field is replaced: preferences left out are removed (botocore: UpdateContact).
    Checked as AWS does (EMU floci): the address, then the list, then the topics."""
    check_email_address(address)
    check_attributes(change.attributes_data)
    with uow:
        contact_list = uow.contact_lists.get(list_name, for_update=True)
        current = None
        if must_exist:
            current = uow.contact_lists.get_contact(list_name, address, for_update=True)
        elif must_exist is None:
            current = uow.contact_lists.find_contact(list_name, address, for_update=True)
        base = current or Contact(email_address=address, created_at=now, updated_at=now)
        changed = dataclasses.replace(
            base,
            preferences=check_preferences(contact_list, change.preferences),
            unsubscribe_all=change.unsubscribe_all,
            attributes_data=change.attributes_data,
            updated_at=now,
        )
        if current is None:
            uow.contact_lists.add_contact(list_name, changed)
        else:
            uow.contact_lists.save_contact(list_name, changed)
        uow.commit()


def get_contact(uow: UnitOfWork, list_name: str, address: str) -> tuple[ContactList, Contact]:
    check_email_address(address)
    with uow:
        contact_list = uow.contact_lists.get(list_name)
        return contact_list, uow.contact_lists.get_contact(list_name, address)


def delete_contact(uow: UnitOfWork, list_name: str, address: str) -> None:
    check_email_address(address)
    with uow:
        uow.contact_lists.get(list_name, for_update=True)
        uow.contact_lists.remove_contact(list_name, address)
        uow.commit()


def list_contacts(
    uow: UnitOfWork,
    list_name: str,
    contact_filter: ContactFilter,
    *,
    next_token: str | None,
    page_size: int,
) -> tuple[ContactList, paging.Page[Contact]]:
    """The list, and a page of its contacts in address order that pass the filter; the token is
    the last address of the page."""
    after = paging.start_key(next_token, check_email_address)
    found: list[Contact] = []
    with uow:
        contact_list = uow.contact_lists.get(list_name)
        contact_filter.check(contact_list)
        while len(found) <= page_size:
            batch = uow.contact_lists.contacts(list_name, after=after, limit=_SCAN_BATCH)
            found.extend(c for c in batch if contact_filter.matches(c, contact_list))
            if len(batch) < _SCAN_BATCH:
                break
            after = batch[-1].email_address
    return contact_list, paging.split(found[: page_size + 1], page_size, lambda c: c.email_address)


# -- the send path, inside the caller's unit of work -------------------------------------------


def recipients_refused(
    uow: UnitOfWork, options: ListManagement, recipients: Sequence[str], now: datetime.datetime
) -> set[str]:
    """The recipients a list-managed send does not go to: those unsubscribed from the topic or
    from all. A recipient who is not yet on the list becomes a contact, with the topics'
    defaults (developer guide, sending-email-list-management)."""
    contact_list = uow.contact_lists.get(options.contact_list, for_update=True)
    if options.topic is not None:
        contact_list.require_topic(options.topic)
    refused: set[str] = set()
    for recipient in recipients:
        address = address_of(recipient).lower()
        contact = uow.contact_lists.find_contact(contact_list.name, address)
        if contact is None:
            contact = Contact(email_address=address, created_at=now, updated_at=now)
            uow.contact_lists.add_contact(contact_list.name, contact)
        if not contact.receives(contact_list, options.topic):
            refused.add(recipient)
    return refused


# -- unsubscribing, from a message's link or List-Unsubscribe header ---------------------------

# The Subscription event's ``source`` (events.md: AWS's one example is UnsubscribeHeader; the
# landing page's value is not documented, docs/aws-behaviour.md).
SOURCE_HEADER = "UnsubscribeHeader"
SOURCE_PAGE = "UnsubscribeLink"


# Who an unsubscribe link was made for: the signed token's claims, as they are.
Recipient = UnsubscribeClaims


class UnknownRecipient(Exception):
    """The link's message, list or contact is not (or no longer) here."""


def preferences_page(writes: EngineSource, recipient: Recipient) -> tuple[ContactList, Contact]:
    """The list and the contact's current preferences, for the landing page."""
    uow = UnitOfWork(writes, recipient.account_id, recipient.region)
    with uow:
        contact_list = _list_of(uow, recipient)
        contact = uow.contact_lists.find_contact(contact_list.name, recipient.address)
    if contact is None:
        contact = Contact(email_address=recipient.address, created_at=_EPOCH, updated_at=_EPOCH)
    return contact_list, contact


def unsubscribe_one_click(
    writes: EngineSource, recipient: Recipient, now: datetime.datetime
) -> None:
    """RFC 8058's one-click POST: out of the message's topic, or of all without one."""

    def change(contact_list: ContactList, contact: Contact) -> Contact:
        if recipient.topic is None or contact_list.topic(recipient.topic) is None:
            return dataclasses.replace(contact, unsubscribe_all=True)
        preferences = {**contact.preferences, recipient.topic: SubscriptionStatus.OPT_OUT}
        return dataclasses.replace(contact, preferences=preferences)

    _change_preferences(writes, recipient, change, SOURCE_HEADER, now)


def save_preferences(
    writes: EngineSource,
    recipient: Recipient,
    chosen: dict[str, SubscriptionStatus],
    unsubscribe_all: bool,
    now: datetime.datetime,
) -> None:
    """The landing page's form: a status for each of the list's topics, or out of all."""

    def change(contact_list: ContactList, contact: Contact) -> Contact:
        preferences = dict(contact.preferences)
        for name, status in chosen.items():
            if contact_list.topic(name) is not None:
                preferences[name] = status
        return dataclasses.replace(
            contact, preferences=preferences, unsubscribe_all=unsubscribe_all
        )

    _change_preferences(writes, recipient, change, SOURCE_PAGE, now)


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_Change = Callable[[ContactList, Contact], Contact]


def _list_of(uow: UnitOfWork, recipient: Recipient, *, for_update: bool = False) -> ContactList:
    try:
        return uow.contact_lists.get(recipient.contact_list, for_update=for_update)
    except ContactListNotFound:
        raise UnknownRecipient(recipient.contact_list) from None


def _change_preferences(
    writes: EngineSource,
    recipient: Recipient,
    change: _Change,
    source: str,
    now: datetime.datetime,
) -> None:
    with reading(writes.engine) as connection:
        row = message_search.get_message(
            connection, recipient.message_id, recipient.account_id, recipient.region
        )
    if row is None:  # no such message in the account and region the link names
        raise UnknownRecipient(recipient.message_id)
    uow = UnitOfWork(writes, recipient.account_id, recipient.region)
    with uow:
        contact_list = _list_of(uow, recipient, for_update=True)
        current = uow.contact_lists.find_contact(
            contact_list.name, recipient.address, for_update=True
        )
        if current is None:
            current = Contact(email_address=recipient.address, created_at=now, updated_at=now)
            uow.contact_lists.add_contact(contact_list.name, current)
        changed = dataclasses.replace(change(contact_list, current), updated_at=now)
        uow.contact_lists.save_contact(contact_list.name, changed)
        old, new = current.snapshot(contact_list), changed.snapshot(contact_list)
        if row.configuration_set is not None and row.mail is not None and old != new:
            event = records.subscription(
                row.mail, contact_list=contact_list.name, at=now, source=source, new=new, old=old
            )
            _record(uow, recipient.message_id, row.configuration_set, event, now)
        uow.commit()


def _record(
    uow: UnitOfWork, message_id: str, set_name: str, event: records.Record, now: datetime.datetime
) -> None:
    try:
        configuration_set = uow.configuration_sets.get(set_name)
    except ConfigurationSetNotFound:
        return  # the message's set is gone since: no event, as for opens and clicks
    routed = records.routed(configuration_set, [event])
    uow.outbox.add_events(message_id, configuration_set.name, routed, now)
