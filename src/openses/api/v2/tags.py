"""SES v2 tagging operations (``/v2/email/tags``)."""

from __future__ import annotations

from openses.api.context import RequestContext
from openses.api.registry import Output, operation
from openses.api.v2 import shapes
from openses.protocol.models import V2
from openses.services import tags as service


@operation(V2, "TagResource")
def tag_resource(
    context: RequestContext, *, resource_arn: str, tags: list[dict[str, str]]
) -> Output:
    service.tag_resource(context.writing(), resource_arn, shapes.tags(tags))
    return {}


@operation(V2, "UntagResource")
def untag_resource(context: RequestContext, *, resource_arn: str, tag_keys: list[str]) -> Output:
    service.untag_resource(context.writing(), resource_arn, tag_keys)
    return {}


@operation(V2, "ListTagsForResource")
def list_tags_for_resource(context: RequestContext, *, resource_arn: str) -> Output:
    return {"Tags": shapes.tags_wire(service.list_tags(context.reading(), resource_arn))}
