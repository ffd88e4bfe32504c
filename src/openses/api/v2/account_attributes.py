"""SES v2 account delivery and pricing attributes (``/v2/email/account/delivery``,
``/v2/email/account/pricing-attributes``), stored and read back in GetAccount
(services/stored_features.py): openses has neither shared pools in other regions nor plans."""

from __future__ import annotations

from openses.api.context import RequestContext
from openses.api.registry import Output, operation
from openses.protocol.models import V2
from openses.services import stored_features as service

DELIVERY = "DeliveryAttributes"
PRICING = "PricingAttributes"


@operation(V2, "PutAccountDeliveryAttributes", stored_only=True)
def put_account_delivery_attributes(
    context: RequestContext, *, shared_pool_delivery_mode: str
) -> Output:
    document = {"SharedPoolDeliveryMode": shared_pool_delivery_mode}
    service.put_account_attribute(context.writing(), DELIVERY, document, context.clock())
    return {}


@operation(V2, "PutAccountPricingAttributes", stored_only=True)
def put_account_pricing_attributes(context: RequestContext, *, plan: str) -> Output:
    """The plan applies at once: CurrentPlan and NextPlan both name it."""
    document = {"CurrentPlan": plan, "NextPlan": plan}
    service.put_account_attribute(context.writing(), PRICING, document, context.clock())
    return {}


def in_get_account(context: RequestContext) -> Output:
    """GetAccount's DeliveryAttributes and PricingAttributes, where they were set."""
    found = service.account_attributes(context.reading())
    return {name: found[name] for name in (DELIVERY, PRICING) if name in found}
