"""The email-identity repository: the only code that reads or writes the identities table."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Row, bindparam, func, select

from openses.domain.errors import IdentityAlreadyExists, IdentityNotFound
from openses.domain.feedback import FeedbackSettings, NotificationType
from openses.domain.identity import EmailIdentity, IdentityKind, VerificationStatus
from openses.domain.signing import DkimSettings, MailFromSettings
from openses.store.queries import Query
from openses.store.scoped import ScopedRepository, in_scope
from openses.store.tables import identities

# Built once: the send path looks identities up on every message. An address and its parent
# domains rarely make more than a few names: up to _SLOTS go through a fixed statement (the
# last name repeated to fill it), more through an expanding IN.
_IN_SCOPE = in_scope(identities)
_FIND_IGNORING_CASE = select(identities).where(
    _IN_SCOPE, func.lower(identities.c.name).in_(bindparam("names", expanding=True))
)
_SLOTS = 6
_FIND_FEW_IGNORING_CASE = Query(
    select(identities).where(
        _IN_SCOPE,
        func.lower(identities.c.name).in_([bindparam(f"name_{i}") for i in range(_SLOTS)]),
    )
)


class IdentityRepository(ScopedRepository):
    table = identities
    resource_type = "identity"

    def add(self, identity: EmailIdentity) -> None:
        values = {"kind": identity.kind, "created_at": identity.created_at, **_row_values(identity)}
        self._insert_tagged(identity.name, values, identity.tags, IdentityAlreadyExists)

    def find(self, name: str, *, for_update: bool = False) -> EmailIdentity | None:
        row = self._find_named(identities, name, for_update=for_update)
        return None if row is None else _identity(row, self._tags.get(self._arn(name)))

    def get(self, name: str, *, for_update: bool = False) -> EmailIdentity:
        identity = self.find(name, for_update=for_update)
        if identity is None:
            raise IdentityNotFound(name)
        return identity

    def find_many(self, names: Iterable[str]) -> dict[str, EmailIdentity]:
        """The identities with exactly these names, without their tags."""
        wanted = list(dict.fromkeys(names))
        if not wanted:
            return {}
        query = select(identities).where(self._scope(), identities.c.name.in_(wanted))
        return {row.name: _identity(row, []) for row in self._connection.execute(query)}

    def find_ignoring_case(self, names: Iterable[str]) -> list[EmailIdentity]:
        """Identities whose names equal any of ``names`` in any letter case, without tags."""
        lowered = list(dict.fromkeys(name.lower() for name in names))
        if not lowered:
            return []
        scope = self._scope_params
        if len(lowered) <= _SLOTS:
            slots = {f"name_{i}": lowered[min(i, len(lowered) - 1)] for i in range(_SLOTS)}
            rows = _FIND_FEW_IGNORING_CASE.all(self._connection, {**scope, **slots})
        else:
            rows = list(self._connection.execute(_FIND_IGNORING_CASE, {**scope, "names": lowered}))
        return [_identity(row, []) for row in rows]

    def list(
        self,
        *,
        after: str | None,
        limit: int,
        kind: IdentityKind | None = None,
        status: VerificationStatus | None = None,
        name_contains: str | None = None,
    ) -> list[EmailIdentity]:
        """One page in name order, without tags: keyset paging on the name."""
        conditions = []
        if kind is not None:
            conditions.append(identities.c.kind == kind)
        if status is not None:
            conditions.append(identities.c.verification_status == status)
        if name_contains:
            conditions.append(identities.c.name.contains(name_contains, autoescape=True))
        rows = self._name_page(*conditions, after=after, limit=limit)
        return [_identity(row, []) for row in rows]

    def save(self, identity: EmailIdentity) -> None:
        self._save_tagged(identity.name, _row_values(identity), identity.tags, IdentityNotFound)

    def remove(self, name: str) -> None:
        self._remove_tagged(name, IdentityNotFound)


def _row_values(identity: EmailIdentity) -> dict[str, Any]:
    return {
        "verification_status": identity.verification_status,
        "configuration_set_name": identity.configuration_set_name,
        "notification_topics": {str(k): v for k, v in identity.feedback.topics.items()},
        "feedback_forwarding_enabled": identity.feedback.forwarding_enabled,
        "headers_in_notifications": sorted(str(k) for k in identity.feedback.headers_included),
        "dkim": identity.dkim.to_json(),
        "mail_from": identity.mail_from.to_json(),
    }


def _feedback(row: Row[Any]) -> FeedbackSettings:
    return FeedbackSettings(
        topics={NotificationType(k): v for k, v in (row.notification_topics or {}).items()},
        forwarding_enabled=bool(row.feedback_forwarding_enabled),
        headers_included=frozenset(NotificationType(k) for k in row.headers_in_notifications or []),
    )


def _identity(row: Row[Any], tags: list[Any]) -> EmailIdentity:
    return EmailIdentity(
        name=row.name,
        created_at=row.created_at,
        verification_status=VerificationStatus(row.verification_status),
        configuration_set_name=row.configuration_set_name,
        tags=tags,
        feedback=_feedback(row),
        dkim=DkimSettings.from_json(row.dkim),
        mail_from=MailFromSettings.from_json(row.mail_from),
    )


# -- across accounts (issue 16: whose mail an inbound recipient is, where a return may go) ----


def verified_owners(connection: Connection, names: Iterable[str]) -> list[tuple[str, str]]:
    """(account, region) of every verified identity named one of ``names`` (any case),
    ordered by account and region."""
    wanted = list(dict.fromkeys(name.lower() for name in names))
    if not wanted:
        return []
    query = (
        select(identities.c.account_id, identities.c.region)
        .where(
            func.lower(identities.c.name).in_(wanted),
            identities.c.verification_status == VerificationStatus.SUCCESS.value,
        )
        .distinct()
        .order_by(identities.c.account_id, identities.c.region)
    )
    return [(row.account_id, row.region) for row in connection.execute(query)]


def custom_mail_from_domains(connection: Connection) -> set[str]:
    """Every custom MAIL FROM domain an identity has set, whatever its status (mail sent while
    it was in use may still be answered), lower-cased."""
    query = select(identities.c.mail_from).where(identities.c.mail_from.is_not(None))
    found = set()
    for row in connection.execute(query):
        domain = MailFromSettings.from_json(row.mail_from).domain
        if domain:
            found.add(domain.lower().rstrip("."))
    return found
