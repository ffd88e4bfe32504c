"""SES v1 email-receiving operations: receipt rule sets, receipt rules, IP filters and
SendBounce (Query API)."""

from __future__ import annotations

import datetime
from typing import Any

from openses.api.context import RequestContext
from openses.api.registry import Output, operation
from openses.domain.errors import InvalidInput
from openses.domain.receipt_rule import ReceiptFilter, ReceiptRule, ReceiptRuleSet
from openses.mail import dsn
from openses.protocol.models import V1
from openses.services import bounces
from openses.services import receipt_rules as service
from openses.store.receipt_rules import rule_document, rule_from_document

# ListReceiptRuleSets answers up to 100 sets a call (API reference).
PAGE_SIZE = 100


@operation(V1, "CreateReceiptRuleSet")
def create_receipt_rule_set(context: RequestContext, *, rule_set_name: str) -> Output:
    service.create_set(context.writing(), rule_set_name, context.clock())
    return {}


@operation(V1, "CloneReceiptRuleSet")
def clone_receipt_rule_set(
    context: RequestContext, *, rule_set_name: str, original_rule_set_name: str
) -> Output:
    service.clone_set(context.writing(), rule_set_name, original_rule_set_name, context.clock())
    return {}


@operation(V1, "DeleteReceiptRuleSet")
def delete_receipt_rule_set(context: RequestContext, *, rule_set_name: str) -> Output:
    service.delete_set(context.writing(), rule_set_name)
    return {}


@operation(V1, "DescribeReceiptRuleSet")
def describe_receipt_rule_set(context: RequestContext, *, rule_set_name: str) -> Output:
    return _described(service.describe_set(context.reading(), rule_set_name))


@operation(V1, "ListReceiptRuleSets")
def list_receipt_rule_sets(context: RequestContext, *, next_token: str | None = None) -> Output:
    page = service.list_sets(context.reading(), next_token=next_token, page_size=PAGE_SIZE)
    return {
        "RuleSets": [_metadata(rule_set) for rule_set in page.items],
        "NextToken": page.next_token,
    }


@operation(V1, "SetActiveReceiptRuleSet")
def set_active_receipt_rule_set(
    context: RequestContext, *, rule_set_name: str | None = None
) -> Output:
    service.set_active(context.writing(), rule_set_name)
    return {}


@operation(V1, "DescribeActiveReceiptRuleSet")
def describe_active_receipt_rule_set(context: RequestContext) -> Output:
    active = service.active_set(context.reading())
    return {} if active is None else _described(active)


@operation(V1, "ReorderReceiptRuleSet")
def reorder_receipt_rule_set(
    context: RequestContext, *, rule_set_name: str, rule_names: list[str]
) -> Output:
    service.reorder(context.writing(), rule_set_name, rule_names)
    return {}


@operation(V1, "CreateReceiptRule", calls_out=True)
def create_receipt_rule(
    context: RequestContext,
    *,
    rule_set_name: str,
    rule: dict[str, Any],
    after: str | None = None,
) -> Output:
    service.create_rule(
        context.writing(),
        rule_set_name,
        _rule(rule),
        after=after,
        check=context.receipt_check,
    )
    return {}


@operation(V1, "DescribeReceiptRule")
def describe_receipt_rule(context: RequestContext, *, rule_set_name: str, rule_name: str) -> Output:
    return {
        "Rule": _rule_output(service.describe_rule(context.reading(), rule_set_name, rule_name))
    }


@operation(V1, "UpdateReceiptRule", calls_out=True)
def update_receipt_rule(
    context: RequestContext, *, rule_set_name: str, rule: dict[str, Any]
) -> Output:
    service.update_rule(context.writing(), rule_set_name, _rule(rule), check=context.receipt_check)
    return {}


@operation(V1, "DeleteReceiptRule")
def delete_receipt_rule(context: RequestContext, *, rule_set_name: str, rule_name: str) -> Output:
    service.delete_rule(context.writing(), rule_set_name, rule_name)
    return {}


@operation(V1, "SetReceiptRulePosition")
def set_receipt_rule_position(
    context: RequestContext, *, rule_set_name: str, rule_name: str, after: str | None = None
) -> Output:
    service.set_position(context.writing(), rule_set_name, rule_name, after=after)
    return {}


@operation(V1, "CreateReceiptFilter")
def create_receipt_filter(context: RequestContext, *, filter: dict[str, Any]) -> Output:
    ip_filter = filter["IpFilter"]
    service.create_filter(
        context.writing(),
        ReceiptFilter(name=filter["Name"], policy=ip_filter["Policy"], cidr=ip_filter["Cidr"]),
    )
    return {}


@operation(V1, "DeleteReceiptFilter")
def delete_receipt_filter(context: RequestContext, *, filter_name: str) -> Output:
    service.delete_filter(context.writing(), filter_name)
    return {}


@operation(V1, "ListReceiptFilters")
def list_receipt_filters(context: RequestContext) -> Output:
    return {
        "Filters": [
            {"Name": f.name, "IpFilter": {"Policy": f.policy, "Cidr": f.cidr}}
            for f in service.list_filters(context.reading())
        ]
    }


@operation(V1, "SendBounce")
def send_bounce(
    context: RequestContext,
    *,
    original_message_id: str,
    bounce_sender: str,
    bounced_recipient_info_list: list[dict[str, Any]],
    explanation: str | None = None,
    message_dsn: dict[str, Any] | None = None,
    bounce_sender_arn: str | None = None,
) -> Output:
    message_dsn = message_dsn or {}
    message_id = bounces.send_bounce(
        context.writing(),
        original_message_id=original_message_id,
        bounce_sender=bounce_sender,
        explanation=explanation,
        reporting_mta=message_dsn.get("ReportingMta"),
        arrival_date=message_dsn.get("ArrivalDate"),
        extension_fields=_fields(message_dsn.get("ExtensionFields")),
        recipients=[_bounced(info) for info in bounced_recipient_info_list],
        clock=context.clock,
        outbound=context.outbound,
    )
    return {"MessageId": message_id}


def _rule(wire: dict[str, Any]) -> ReceiptRule:
    for action in wire.get("Actions") or []:
        if len(action) != 1:
            raise InvalidInput("Each receipt action must name exactly one action.")
    return rule_from_document(wire)


def _rule_output(rule: ReceiptRule) -> Output:
    document = rule_document(rule)
    return {key: value for key, value in document.items() if value != []}


def _metadata(rule_set: ReceiptRuleSet) -> Output:
    return {"Name": rule_set.name, "CreatedTimestamp": rule_set.created_at}


def _described(rule_set: ReceiptRuleSet) -> Output:
    return {"Metadata": _metadata(rule_set), "Rules": [_rule_output(r) for r in rule_set.rules]}


def _fields(wire: list[dict[str, str]] | None) -> list[tuple[str, str]]:
    return [(field["Name"], field["Value"]) for field in wire or []]


def _bounced(info: dict[str, Any]) -> dsn.BouncedRecipient:
    fields = info.get("RecipientDsnFields")
    bounce_type = info.get("BounceType")
    if fields is None:
        if bounce_type is None:
            raise InvalidInput("A bounced recipient needs a BounceType or RecipientDsnFields.")
        return dsn.BouncedRecipient(
            address=info["Recipient"], status=bounces.BOUNCE_STATUS[str(bounce_type)]
        )
    last: datetime.datetime | None = fields.get("LastAttemptDate")
    return dsn.BouncedRecipient(
        address=fields.get("FinalRecipient") or info["Recipient"],
        action=fields["Action"],
        status=fields["Status"],
        diagnostic_code=fields.get("DiagnosticCode"),
        remote_mta=fields.get("RemoteMta"),
        last_attempt=last,
        extension_fields=_fields(fields.get("ExtensionFields")),
    )
