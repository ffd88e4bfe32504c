"""SES v2 contact-list and contact operations (``/v2/email/contact-lists``)."""

from __future__ import annotations

from openses.api.context import RequestContext
from openses.api.registry import Output, Wire, operation
from openses.api.v2 import shapes
from openses.domain.contact_list import (
    Contact,
    ContactFilter,
    ContactList,
    SubscriptionStatus,
    Topic,
)
from openses.protocol.models import V2
from openses.services import contact_lists as service


@operation(V2, "CreateContactList")
def create_contact_list(
    context: RequestContext,
    *,
    contact_list_name: str,
    topics: list[Wire] | None = None,
    description: str | None = None,
    tags: list[Wire] | None = None,
) -> Output:
    now = context.clock()
    contact_list = ContactList(
        name=contact_list_name,
        topics=_topics(topics),
        description=description,
        created_at=now,
        updated_at=now,
        tags=shapes.tags(tags or []),
    )
    service.create_list(context.writing(), contact_list)
    return {}


@operation(V2, "GetContactList")
def get_contact_list(context: RequestContext, *, contact_list_name: str) -> Output:
    found = service.get_list(context.reading(), contact_list_name)
    return {
        "ContactListName": found.name,
        "Topics": [_topic_wire(topic) for topic in found.topics],
        "Description": found.description,
        "CreatedTimestamp": found.created_at,
        "LastUpdatedTimestamp": found.updated_at,
        "Tags": shapes.tags_wire(found.tags),
    }


@operation(V2, "UpdateContactList")
def update_contact_list(
    context: RequestContext,
    *,
    contact_list_name: str,
    topics: list[Wire] | None = None,
    description: str | None = None,
) -> Output:
    service.update_list(
        context.writing(),
        contact_list_name,
        topics=_topics(topics),
        description=description,
        now=context.clock(),
    )
    return {}


@operation(V2, "DeleteContactList")
def delete_contact_list(context: RequestContext, *, contact_list_name: str) -> Output:
    service.delete_list(context.writing(), contact_list_name)
    return {}


@operation(V2, "ListContactLists")
def list_contact_lists(
    context: RequestContext, *, page_size: int | None = None, next_token: str | None = None
) -> Output:
    size = shapes.page_size(page_size)
    page = service.list_lists(context.reading(), next_token=next_token, page_size=size)
    summaries = [
        {"ContactListName": found.name, "LastUpdatedTimestamp": found.updated_at}
        for found in page.items
    ]
    return shapes.page("ContactLists", summaries, page.next_token)


@operation(V2, "CreateContact")
def create_contact(
    context: RequestContext,
    *,
    contact_list_name: str,
    email_address: str,
    topic_preferences: list[Wire] | None = None,
    unsubscribe_all: bool = False,
    attributes_data: str | None = None,
) -> Output:
    change = _change(topic_preferences, unsubscribe_all, attributes_data)
    return _write_contact(context, contact_list_name, email_address, change, must_exist=False)


@operation(V2, "GetContact")
def get_contact(context: RequestContext, *, contact_list_name: str, email_address: str) -> Output:
    contact_list, contact = service.get_contact(context.reading(), contact_list_name, email_address)
    return {
        "ContactListName": contact_list.name,
        **_contact_wire(contact, contact_list),
        "AttributesData": contact.attributes_data,
        "CreatedTimestamp": contact.created_at,
    }


@operation(V2, "UpdateContact")
def update_contact(
    context: RequestContext,
    *,
    contact_list_name: str,
    email_address: str,
    topic_preferences: list[Wire] | None = None,
    unsubscribe_all: bool = False,
    attributes_data: str | None = None,
) -> Output:
    change = _change(topic_preferences, unsubscribe_all, attributes_data)
    return _write_contact(context, contact_list_name, email_address, change, must_exist=True)


@operation(V2, "DeleteContact")
def delete_contact(
    context: RequestContext, *, contact_list_name: str, email_address: str
) -> Output:
    service.delete_contact(context.writing(), contact_list_name, email_address)
    return {}


@operation(V2, "ListContacts")
def list_contacts(
    context: RequestContext,
    *,
    contact_list_name: str,
    filter: Wire | None = None,
    page_size: int | None = None,
    next_token: str | None = None,
) -> Output:
    size = shapes.page_size(page_size)
    wire = filter or {}
    topic_filter = wire.get("TopicFilter") or {}
    status = wire.get("FilteredStatus")
    contact_filter = ContactFilter(
        status=SubscriptionStatus(status) if status else None,
        topic_name=topic_filter.get("TopicName"),
        use_default=bool(topic_filter.get("UseDefaultIfPreferenceUnavailable", False)),
    )
    contact_list, page = service.list_contacts(
        context.reading(),
        contact_list_name,
        contact_filter,
        next_token=next_token,
        page_size=size,
    )
    contacts = [_contact_wire(c, contact_list) for c in page.items]
    return shapes.page("Contacts", contacts, page.next_token)


def _topics(wire: list[Wire] | None) -> tuple[Topic, ...]:
    return tuple(
        Topic(
            name=topic["TopicName"],
            display_name=topic["DisplayName"],
            description=topic.get("Description"),
            default_status=SubscriptionStatus(topic["DefaultSubscriptionStatus"]),
        )
        for topic in wire or []
    )


def _topic_wire(topic: Topic) -> Wire:
    return {
        "TopicName": topic.name,
        "DisplayName": topic.display_name,
        "Description": topic.description,
        "DefaultSubscriptionStatus": str(topic.default_status),
    }


def _write_contact(
    context: RequestContext,
    list_name: str,
    address: str,
    change: service.ContactChange,
    *,
    must_exist: bool,
) -> Output:
    service.write_contact(
        context.writing(), list_name, address, change, context.clock(), must_exist=must_exist
    )
    return {}


def _change(
    preferences: list[Wire] | None, unsubscribe_all: bool, attributes_data: str | None
) -> service.ContactChange:
    return service.ContactChange(
        preferences=[
            (p["TopicName"], SubscriptionStatus(p["SubscriptionStatus"])) for p in preferences or []
        ],
        unsubscribe_all=unsubscribe_all,
        attributes_data=attributes_data,
    )


def _preferences_wire(preferences: dict[str, SubscriptionStatus]) -> list[Wire]:
    return [
        {"TopicName": name, "SubscriptionStatus": str(status)}
        for name, status in preferences.items()
    ]


def _contact_wire(contact: Contact, contact_list: ContactList) -> Wire:
    return {
        "EmailAddress": contact.email_address,
        "TopicPreferences": _preferences_wire(contact.explicit(contact_list)),
        "TopicDefaultPreferences": _preferences_wire(contact.defaults(contact_list)),
        "UnsubscribeAll": contact.unsubscribe_all,
        "LastUpdatedTimestamp": contact.updated_at,
    }
