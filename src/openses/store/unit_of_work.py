"""The unit of work: one transaction, scoped to one account and region, rolled back unless
committed."""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection

from openses.store.account import AccountRepository
from openses.store.configuration_sets import ConfigurationSetRepository
from openses.store.contact_lists import ContactListRepository
from openses.store.dedicated_ips import DedicatedIpRepository
from openses.store.deliveries import DeliveryRepository
from openses.store.documents import DocumentRepository
from openses.store.identities import IdentityRepository
from openses.store.identity_policies import IdentityPolicyRepository
from openses.store.inbound import InboundRepository
from openses.store.insights import InsightRepository
from openses.store.jobs import JobRepository
from openses.store.messages import MessageRepository
from openses.store.outbox import OutboxRepository
from openses.store.quotas import QuotaRepository
from openses.store.receipt_rules import ReceiptRuleRepository
from openses.store.repository import AccountRegionRepository
from openses.store.reputation import ReputationRepository
from openses.store.returns import ReturnRepository
from openses.store.signing_keys import SigningKeyRepository
from openses.store.sources import ConnectionSource
from openses.store.statistics import StatisticsRepository
from openses.store.tags import TagRepository
from openses.store.templates import TemplateRepository
from openses.store.tenants import TenantRepository
from openses.store.vdm import VdmRepository
from openses.store.verification_templates import VerificationTemplateRepository

Repository = TypeVar("Repository", bound=AccountRegionRepository)
Params = ParamSpec("Params")
Result = TypeVar("Result")

# The unit of work active in this thread, or in this greenlet on the event loop (greenlets and
# threads each have their own context): one at a time, see ``UnitOfWork.__enter__``.
_ACTIVE: contextvars.ContextVar[UnitOfWork | None] = contextvars.ContextVar(
    "openses_unit_of_work", default=None
)


class NestedUnitOfWork(RuntimeError):
    """A unit of work entered while another is active in the same thread (or greenlet)."""


class UnitOfWork:
    """Repositories are made on first use: most units of work need one or two of them."""

    def __init__(self, source: ConnectionSource, account_id: str, region: str) -> None:
        self._source = source
        self.account_id = account_id
        self.region = region
        self._connection: Connection | None = None
        self._repositories: dict[type[Any], Any] = {}
        self._token: contextvars.Token[UnitOfWork | None] | None = None

    def __enter__(self) -> UnitOfWork:
        """Fails at once when another unit of work is active here: the inner one would wait
        for the outer one's locks (on SQLite, 30 s for the write lock), which it holds."""
        active = _ACTIVE.get()
        if active is not None:
            raise NestedUnitOfWork(
                "a unit of work was entered while another one is active in this thread "
                f"(account {active.account_id}, region {active.region}); finish the first "
                "before starting the next, or do both in one"
            )
        self._connection = self._source.open()
        self._token = _ACTIVE.set(self)
        self._repositories = {}
        return self

    @property
    def configuration_sets(self) -> ConfigurationSetRepository:
        return self._scoped(ConfigurationSetRepository)

    @property
    def identities(self) -> IdentityRepository:
        return self._scoped(IdentityRepository)

    @property
    def account(self) -> AccountRepository:
        return self._scoped(AccountRepository)

    @property
    def messages(self) -> MessageRepository:
        return self._scoped(MessageRepository)

    @property
    def outbox(self) -> OutboxRepository:
        return self._scoped(OutboxRepository)

    @property
    def deliveries(self) -> DeliveryRepository:  # issue 15: the delivery queue
        return self._scoped(DeliveryRepository)

    @property
    def templates(self) -> TemplateRepository:
        return self._scoped(TemplateRepository)

    @property
    def dedicated_ips(self) -> DedicatedIpRepository:  # issue 15: dedicated IP pools
        return self._scoped(DedicatedIpRepository)

    @property
    def signing_keys(self) -> SigningKeyRepository:  # issue 15
        return self._scoped(SigningKeyRepository)

    @property
    def contact_lists(self) -> ContactListRepository:  # issue 20
        return self._scoped(ContactListRepository)

    @property
    def receipt_rules(self) -> ReceiptRuleRepository:  # issue 16 §3: email receiving
        return self._scoped(ReceiptRuleRepository)

    @property
    def verification_templates(self) -> VerificationTemplateRepository:  # issue 20
        return self._scoped(VerificationTemplateRepository)

    @property
    def jobs(self) -> JobRepository:  # issue 20: import and export jobs
        return self._scoped(JobRepository)

    @property
    def tenants(self) -> TenantRepository:  # issue 20
        return self._scoped(TenantRepository)

    @property
    def insights(self) -> InsightRepository:  # issue 20: GetMessageInsights
        return self._scoped(InsightRepository)

    @property
    def documents(self) -> DocumentRepository:  # issue 20: AWS-side features, stored only
        return self._scoped(DocumentRepository)

    @property
    def quotas(self) -> QuotaRepository:  # issues 17/18: send counters, production access
        return self._scoped(QuotaRepository)

    @property
    def statistics(self) -> StatisticsRepository:  # issue 17: the rollup of event counts
        return self._scoped(StatisticsRepository)

    @property
    def reputation(self) -> ReputationRepository:  # issue 17
        return self._scoped(ReputationRepository)

    @property
    def vdm(self) -> VdmRepository:  # issue 17: the account's VDM attributes
        return self._scoped(VdmRepository)

    @property
    def identity_policies(self) -> IdentityPolicyRepository:  # issue 18
        return self._scoped(IdentityPolicyRepository)

    @property
    def tags(self) -> TagRepository:
        found: TagRepository | None = self._repositories.get(TagRepository)
        if found is None:
            found = self._repositories[TagRepository] = TagRepository(self._in_use())
        return found

    @property
    def returns(self) -> ReturnRepository:  # issue 16: unscoped, a return names no account
        found: ReturnRepository | None = self._repositories.get(ReturnRepository)
        if found is None:
            found = self._repositories[ReturnRepository] = ReturnRepository(self._in_use())
        return found

    @property
    def inbound(self) -> InboundRepository:  # issue 16: unscoped, whose inbound mail it is
        found: InboundRepository | None = self._repositories.get(InboundRepository)
        if found is None:
            found = self._repositories[InboundRepository] = InboundRepository(self._in_use())
        return found

    def of_account(self, kind: type[Repository], account_id: str, region: str) -> Repository:
        """A repository of another account's resources, in this transaction: a send through
        another account's identity reads that identity and its policies (issue 18)."""
        return kind(self._in_use(), account_id, region)

    def _scoped(self, kind: type[Repository]) -> Repository:
        found: Repository | None = self._repositories.get(kind)
        if found is None:
            found = self._repositories[kind] = kind(self._in_use(), self.account_id, self.region)
        return found

    def _in_use(self) -> Connection:
        assert self._connection is not None, "the unit of work is not entered"
        return self._connection

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        connection = self._connection
        assert connection is not None
        self._connection = None
        if self._token is not None:
            _ACTIVE.reset(self._token)
            self._token = None
        self._source.close(connection)

    def commit(self) -> None:
        """Make the work durable; within a group (``LoopWriter``), once the group commits."""
        written: OutboxRepository | None = self._repositories.get(OutboxRepository)
        recorded = written is not None and written.recorded
        self._source.commit(self._in_use(), outbox_recorded=recorded)


def committed(
    work: Callable[Concatenate[UnitOfWork, Params], Result],
) -> Callable[Concatenate[UnitOfWork, Params], Result]:
    """``work``, run inside the unit of work it is given and committed when it returns
    (rolled back when it raises): for work that is also run inside a caller's unit of work."""

    @functools.wraps(work)
    def run(uow: UnitOfWork, /, *args: Params.args, **kwargs: Params.kwargs) -> Result:
        with uow:
            result = work(uow, *args, **kwargs)
            uow.commit()
        return result

    return run
