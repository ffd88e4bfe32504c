"""What the v1 and v2 configuration-set operations share once their members are read: the
list's page sizes and the two switches that restart the set's reputation metrics."""

from __future__ import annotations

from openses.api.context import RequestContext
from openses.api.registry import Output
from openses.services import configuration_sets as service

# ListConfigurationSets, both models: 50 when absent, 1000 at the most. Out of range, v1 serves
# its default page (as AWS does) and v2 refuses the call.
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


def set_sending_enabled(context: RequestContext, name: str, enabled: bool) -> Output:
    """v1 UpdateConfigurationSetSendingEnabled and v2 PutConfigurationSetSendingOptions."""
    now = context.clock()
    service.update(context.writing(), name, lambda cs: cs.set_sending_enabled(enabled, now))
    return {}


def set_reputation_metrics_enabled(context: RequestContext, name: str, enabled: bool) -> Output:
    """v1 UpdateConfigurationSetReputationMetricsEnabled and v2
    PutConfigurationSetReputationOptions."""
    now = context.clock()
    service.update(
        context.writing(), name, lambda cs: cs.set_reputation_metrics_enabled(enabled, now)
    )
    return {}
