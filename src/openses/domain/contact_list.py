"""Contact lists, their topics and their contacts (SES v2 list management), and what a contact's
preferences say about a send to it.

Facts: the SES developer guide's list-management pages and the botocore sesv2 model; the
wording of the errors comes from floci (docs/aws-behaviour.md, "Contact lists").
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from openses.domain.errors import InvalidContactList
from openses.domain.identity import is_valid_email_address
from openses.domain.options import Tag

MAX_LISTS = 1  # per account and region (developer guide, sending-email-list-management)
MAX_TOPICS = 20
MAX_DISPLAY_NAME_LENGTH = 128
MAX_DESCRIPTION_LENGTH = 500
# AttributesData is not bounded by the model; openses keeps up to 100 KB of it (GUESS).
MAX_ATTRIBUTES_LENGTH = 100_000
# SES replaces at most two of these in a message (developer guide,
# sending-email-subscription-management).
UNSUBSCRIBE_PLACEHOLDER = "{{amazonSESUnsubscribeUrl}}"
MAX_PLACEHOLDERS = 2

_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


class SubscriptionStatus(StrEnum):
    OPT_IN = "OPT_IN"
    OPT_OUT = "OPT_OUT"

    @property
    def event_spelling(self) -> str:
        """The Subscription event spells the statuses OptIn and OptOut."""
        return "OptIn" if self is SubscriptionStatus.OPT_IN else "OptOut"


def check_list_name(name: str) -> None:
    _check_name(name, "ContactListName")


def check_topic_name(name: str) -> None:
    _check_name(name, "TopicName")


def _check_name(name: str, member: str) -> None:
    if not name.strip():
        raise InvalidContactList(f"{member} can't be blank.")
    if _NAME.fullmatch(name) is None:
        raise InvalidContactList(
            f"{member} can contain up to 64 characters. Only alphanumeric characters, "
            "underscores(_) and hyphens(-) are allowed."
        )


def check_email_address(address: str) -> None:
    if not address.strip():
        raise InvalidContactList("EmailAddress can't be blank.")
    if not is_valid_email_address(address):
        raise InvalidContactList(f"EmailAddress <{address}> is invalid")


def check_attributes(data: str | None) -> None:
    """AttributesData must be a JSON object (developer guide)."""
    if data is None:
        return
    if len(data) > MAX_ATTRIBUTES_LENGTH:
        raise InvalidContactList(
            f"AttributesData can contain up to {MAX_ATTRIBUTES_LENGTH} characters."
        )
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError):
        parsed = None
    if not isinstance(parsed, dict):
        raise InvalidContactList("AttributesData must be a valid JSON object.")


@dataclass(frozen=True, slots=True, kw_only=True)
class Topic:
    name: str
    display_name: str
    default_status: SubscriptionStatus
    description: str | None = None


@dataclass(slots=True, kw_only=True)
class ContactList:
    name: str
    topics: tuple[Topic, ...] = ()
    description: str | None = None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    tags: list[Tag] = field(default_factory=list)

    def check(self) -> None:
        """The list's own rules, in the order AWS checks them (EMU floci): name, topics,
        description."""
        check_list_name(self.name)
        if len(self.topics) > MAX_TOPICS:
            raise InvalidContactList(f"Maximum of <{MAX_TOPICS}> topics allowed per ContactList")
        seen: set[str] = set()
        for topic in self.topics:
            check_topic_name(topic.name)
            if len(topic.display_name) > MAX_DISPLAY_NAME_LENGTH:
                raise InvalidContactList(
                    f"Topic DisplayName can contain up to <{MAX_DISPLAY_NAME_LENGTH}> characters."
                )
            if topic.name in seen:
                raise InvalidContactList("Duplicate topic names are not allowed within a List.")
            seen.add(topic.name)
        if self.description is not None and len(self.description) > MAX_DESCRIPTION_LENGTH:
            raise InvalidContactList(
                f"List description can contain up to {MAX_DESCRIPTION_LENGTH} characters."
            )

    def topic(self, name: str) -> Topic | None:
        return next((topic for topic in self.topics if topic.name == name), None)

    def require_topic(self, name: str) -> Topic:
        found = self.topic(name)
        if found is None:
            raise InvalidContactList(f"List: {self.name} doesn't contain Topic: {name}")
        return found


@dataclass(slots=True, kw_only=True)
class Contact:
    email_address: str
    # explicit preferences, in the order given; only those of the list's current topics count
    preferences: dict[str, SubscriptionStatus] = field(default_factory=dict)
    unsubscribe_all: bool = False
    attributes_data: str | None = None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    def explicit(self, contact_list: ContactList) -> dict[str, SubscriptionStatus]:
        """TopicPreferences: the contact's own preferences for the list's topics."""
        return {
            name: status
            for name, status in self.preferences.items()
            if contact_list.topic(name) is not None
        }

    def defaults(self, contact_list: ContactList) -> dict[str, SubscriptionStatus]:
        """TopicDefaultPreferences: the default of each topic the contact has no preference
        for."""
        return {
            topic.name: topic.default_status
            for topic in contact_list.topics
            if topic.name not in self.preferences
        }

    def status(self, topic: Topic, *, use_default: bool = True) -> SubscriptionStatus | None:
        """The contact's status for a topic: OPT_OUT when unsubscribed from all, else its own
        preference, else (with ``use_default``) the topic's default."""
        if self.unsubscribe_all:
            return SubscriptionStatus.OPT_OUT
        found = self.preferences.get(topic.name)
        if found is None and use_default:
            return topic.default_status
        return found

    def receives(self, contact_list: ContactList, topic_name: str | None) -> bool:
        """Whether a send to the list (and topic) goes to this contact."""
        if self.unsubscribe_all:
            return False
        if topic_name is None:
            return True
        topic = contact_list.require_topic(topic_name)
        return self.status(topic) is SubscriptionStatus.OPT_IN

    def snapshot(self, contact_list: ContactList) -> Preferences:
        statuses = {**self.defaults(contact_list), **self.explicit(contact_list)}
        ordered = tuple((t.name, statuses[t.name]) for t in contact_list.topics)
        return Preferences(self.unsubscribe_all, ordered)


@dataclass(frozen=True, slots=True)
class Preferences:
    """A contact's preferences at one moment, as a Subscription event reports them."""

    unsubscribe_all: bool
    topics: tuple[tuple[str, SubscriptionStatus], ...]


def check_preferences(
    contact_list: ContactList, preferences: Iterable[tuple[str, SubscriptionStatus]]
) -> dict[str, SubscriptionStatus]:
    """Every preference must name one of the list's topics."""
    result: dict[str, SubscriptionStatus] = {}
    for name, status in preferences:
        contact_list.require_topic(name)
        result[name] = status
    return result


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactFilter:
    """ListContacts' Filter. Without a topic, OPT_OUT means unsubscribed from all and OPT_IN
    means not; with a topic, the contact's status for it (its own preference, or with
    ``use_default`` the topic's default). docs/aws-behaviour.md, "Contact lists"."""

    status: SubscriptionStatus | None = None
    topic_name: str | None = None
    use_default: bool = False

    def check(self, contact_list: ContactList) -> None:
        if self.topic_name is not None:
            contact_list.require_topic(self.topic_name)

    def matches(self, contact: Contact, contact_list: ContactList) -> bool:
        if self.topic_name is None:
            if self.status is None:
                return True
            return contact.unsubscribe_all == (self.status is SubscriptionStatus.OPT_OUT)
        topic = contact_list.require_topic(self.topic_name)
        found = contact.status(topic, use_default=self.use_default)
        if self.status is None:
            return found is not None
        return found is self.status


@dataclass(frozen=True, slots=True)
class ListManagement:
    """A send's ListManagementOptions, or its X-SES-LIST-MANAGEMENT-OPTIONS header."""

    contact_list: str
    topic: str | None = None


def parse_list_management_header(value: str) -> ListManagement:
    """``contactListName; topic=topicName`` (the topic part is optional), as the developer
    guide writes it."""
    name, _, rest = value.partition(";")
    topic: str | None = None
    rest = rest.strip()
    if rest:
        key, equals, topic_value = rest.partition("=")
        if key.strip().lower() != "topic" or not equals or not topic_value.strip():
            raise InvalidContactList(
                f"Invalid X-SES-LIST-MANAGEMENT-OPTIONS header <{value}>: expected "
                "'contactListName; topic=topicName'."
            )
        topic = topic_value.strip()
    return ListManagement(name.strip(), topic)


def preferences_from(pairs: Mapping[str, str]) -> dict[str, SubscriptionStatus]:
    return {name: SubscriptionStatus(status) for name, status in pairs.items()}
