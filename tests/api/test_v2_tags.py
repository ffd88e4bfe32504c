"""SES v2 TagResource, UntagResource and ListTagsForResource on configuration-set ARNs."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support import unique, v2_configuration_sets

ACCOUNT = "123456789012"


def arn(name: str, *, account: str = ACCOUNT, region: str = "us-east-1") -> str:
    return f"arn:aws:ses:{region}:{account}:configuration-set/{name}"


def tags(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in pairs]


@pytest.fixture
def make_set(sesv2: Any) -> Iterator[Callable[..., str]]:
    with v2_configuration_sets(sesv2, "tagged") as make:
        yield make


def listed(sesv2: Any, name: str) -> list[dict[str, str]]:
    response = sesv2.list_tags_for_resource(ResourceArn=arn(name))
    assert set(response) == {"Tags", "ResponseMetadata"}
    return list(response["Tags"])


def bad_request(sesv2: Any, call: Callable[[], Any], message: str) -> None:
    with pytest.raises(sesv2.exceptions.BadRequestException) as raised:
        call()
    assert raised.value.response["Error"] == {"Code": "BadRequestException", "Message": message}
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_fresh_set_has_no_tags(sesv2: Any, make_set: Callable[..., str]) -> None:
    assert listed(sesv2, make_set()) == []


def test_tag_overwrite_and_untag(sesv2: Any, make_set: Callable[..., str]) -> None:
    name = make_set()
    response = sesv2.tag_resource(
        ResourceArn=arn(name), Tags=tags(("team", "growth"), ("env", "prod"))
    )
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert listed(sesv2, name) == tags(("team", "growth"), ("env", "prod"))

    sesv2.tag_resource(ResourceArn=arn(name), Tags=tags(("env", "staging"), ("owner", "")))
    assert listed(sesv2, name) == tags(("team", "growth"), ("env", "staging"), ("owner", ""))

    # Keys are case-sensitive: "Env" is a new key, not "env".
    sesv2.tag_resource(ResourceArn=arn(name), Tags=tags(("Env", "x")))
    assert listed(sesv2, name) == tags(
        ("team", "growth"), ("env", "staging"), ("owner", ""), ("Env", "x")
    )

    # Untagging a key the set does not have is not an error.
    sesv2.untag_resource(ResourceArn=arn(name), TagKeys=["env", "never-set"])
    assert listed(sesv2, name) == tags(("team", "growth"), ("owner", ""), ("Env", "x"))
    assert sesv2.get_configuration_set(ConfigurationSetName=name)["Tags"] == tags(
        ("team", "growth"), ("owner", ""), ("Env", "x")
    )

    sesv2.untag_resource(ResourceArn=arn(name), TagKeys=["team", "owner", "Env"])
    assert listed(sesv2, name) == []


def test_tags_given_at_creation(sesv2: Any, make_set: Callable[..., str]) -> None:
    name = make_set(Tags=tags(("a", "1"), ("b", "2")))
    assert listed(sesv2, name) == tags(("a", "1"), ("b", "2"))
    sesv2.tag_resource(ResourceArn=arn(name), Tags=tags(("b", "3")))
    assert listed(sesv2, name) == tags(("a", "1"), ("b", "3"))


def test_tags_do_not_leak_between_sets(sesv2: Any, make_set: Callable[..., str]) -> None:
    first = make_set(Tags=tags(("who", "first")))
    second = make_set()
    sesv2.tag_resource(ResourceArn=arn(second), Tags=tags(("who", "second")))
    assert listed(sesv2, first) == tags(("who", "first"))
    assert listed(sesv2, second) == tags(("who", "second"))


def test_missing_set_is_not_found(sesv2: Any) -> None:
    name = unique("missing")
    calls: list[Callable[[], Any]] = [
        lambda: sesv2.list_tags_for_resource(ResourceArn=arn(name)),
        lambda: sesv2.tag_resource(ResourceArn=arn(name), Tags=tags(("k", "v"))),
        lambda: sesv2.untag_resource(ResourceArn=arn(name), TagKeys=["k"]),
    ]
    for call in calls:
        with pytest.raises(sesv2.exceptions.NotFoundException) as raised:
            call()
        assert raised.value.response["Error"] == {
            "Code": "NotFoundException",
            "Message": f"No ConfigurationSet present with name: {name}",
        }
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.get_configuration_set(ConfigurationSetName=name)


@pytest.mark.parametrize(
    "bad_arn",
    [
        "invalid-arn",
        "arn:aws:ses:us-east-1:123456789012:configuration-set",
        "arn:aws:ses:us-east-1:123456789012:configuration-set/",
        "arn::ses:us-east-1:123456789012:configuration-set/NAME",
        "arn:aws::us-east-1:123456789012:configuration-set/NAME",
        "arn:aws:ses:us-east-1::configuration-set/NAME",
        "arn:aws:ses:us-east-1:123456789012:configuration-set/NAME:extra",
        "arn:aws:ses::123456789012:configuration-set/NAME",
    ],
)
def test_malformed_arn(sesv2: Any, make_set: Callable[..., str], bad_arn: str) -> None:
    name = make_set(Tags=tags(("keep", "me")))
    resource_arn = bad_arn.replace("NAME", name)
    message = "ResourceArn is not the expected format"
    bad_request(sesv2, lambda: sesv2.list_tags_for_resource(ResourceArn=resource_arn), message)
    bad_request(
        sesv2, lambda: sesv2.tag_resource(ResourceArn=resource_arn, Tags=tags(("k", "v"))), message
    )
    bad_request(
        sesv2, lambda: sesv2.untag_resource(ResourceArn=resource_arn, TagKeys=["keep"]), message
    )
    assert listed(sesv2, name) == tags(("keep", "me"))


@pytest.mark.parametrize("prefix", ["arn:aws-cn:ses", "arn:aws-us-gov:ses", "arn:bogus:s3"])
def test_arn_partition_and_service_are_not_read(
    sesv2: Any, make_set: Callable[..., str], prefix: str
) -> None:
    name = make_set(Tags=tags(("keep", "me")))
    resource_arn = f"{prefix}:us-east-1:{ACCOUNT}:configuration-set/{name}"
    assert sesv2.list_tags_for_resource(ResourceArn=resource_arn)["Tags"] == tags(("keep", "me"))


def test_another_accounts_arn(server: Any, sesv2: Any, make_set: Callable[..., str]) -> None:
    name = make_set(Tags=tags(("keep", "me")))
    other = server.client("sesv2", access_key="222222222222")
    other.create_configuration_set(ConfigurationSetName=name)
    try:
        message = "Operations on a resource created in a different account is not allowed"
        foreign = arn(name, account="222222222222")
        bad_request(sesv2, lambda: sesv2.list_tags_for_resource(ResourceArn=foreign), message)
        bad_request(
            sesv2, lambda: sesv2.tag_resource(ResourceArn=foreign, Tags=tags(("k", "v"))), message
        )
        bad_request(
            sesv2, lambda: sesv2.untag_resource(ResourceArn=foreign, TagKeys=["keep"]), message
        )
        # The account check comes before the name is looked at or checked.
        for other_name in (unique("missing"), "bad name"):
            bad_request(
                sesv2,
                functools.partial(
                    sesv2.list_tags_for_resource,
                    ResourceArn=arn(other_name, account="222222222222"),
                ),
                message,
            )
        assert other.list_tags_for_resource(ResourceArn=foreign)["Tags"] == []
        assert listed(sesv2, name) == tags(("keep", "me"))
    finally:
        other.delete_configuration_set(ConfigurationSetName=name)


def test_other_resource_types(sesv2: Any) -> None:
    with pytest.raises(sesv2.exceptions.NotFoundException) as raised:
        sesv2.list_tags_for_resource(ResourceArn=f"arn:aws:ses:us-east-1:{ACCOUNT}:template/t1")
    assert raised.value.response["Error"]["Message"] == "No Template present with name: t1"
    bad_request(
        sesv2,
        lambda: sesv2.list_tags_for_resource(
            ResourceArn=f"arn:aws:ses:us-east-1:{ACCOUNT}:bucket/b1"
        ),
        "Provided resource identifier is not an SES resource",
    )


def test_boundary_lengths_are_accepted(sesv2: Any, make_set: Callable[..., str]) -> None:
    name = make_set()
    key, value = "k" * 128, "v" * 256
    many = tags(*((f"key-{index}", str(index)) for index in range(49)))
    sesv2.tag_resource(ResourceArn=arn(name), Tags=[*many, {"Key": key, "Value": value}])
    assert listed(sesv2, name) == [*many, {"Key": key, "Value": value}]


@pytest.mark.parametrize(
    ("added", "message"),
    [
        (
            tags(*((f"key-{index}", "v") for index in range(51))),
            "A resource can have at most 50 tags.",
        ),
        (tags(("k" * 129, "v")), "Tag keys must be between 1 and 128 characters."),
        (tags(("", "v")), "Tag keys must be between 1 and 128 characters."),
        (tags(("k", "v" * 257)), "Tag values must be at most 256 characters."),
        (tags(("dup", "1"), ("dup", "2")), "Duplicate tag keys are not allowed."),
    ],
    ids=["51-tags", "long-key", "empty-key", "long-value", "duplicate-keys"],
)
def test_tag_limits(
    sesv2: Any, make_set: Callable[..., str], added: list[dict[str, str]], message: str
) -> None:
    name = make_set(Tags=tags(("keep", "me")))
    bad_request(sesv2, lambda: sesv2.tag_resource(ResourceArn=arn(name), Tags=added), message)
    assert listed(sesv2, name) == tags(("keep", "me"))


def test_fifty_tags_in_total_is_the_limit(sesv2: Any, make_set: Callable[..., str]) -> None:
    first = tags(*((f"a-{index}", "v") for index in range(30)))
    name = make_set(Tags=first)
    # Overwriting existing keys does not count against the limit.
    sesv2.tag_resource(ResourceArn=arn(name), Tags=tags(*((f"a-{i}", "w") for i in range(20))))
    second = tags(*((f"b-{index}", "v") for index in range(21)))
    bad_request(
        sesv2,
        lambda: sesv2.tag_resource(ResourceArn=arn(name), Tags=second),
        "A resource can have at most 50 tags.",
    )
    expected = [*tags(*((f"a-{i}", "w") for i in range(20))), *first[20:]]
    assert listed(sesv2, name) == expected
    sesv2.tag_resource(ResourceArn=arn(name), Tags=second[:20])
    assert listed(sesv2, name) == [*expected, *second[:20]]


def test_invalid_tags_at_creation_create_nothing(sesv2: Any) -> None:
    name = unique("tagged")
    bad_request(
        sesv2,
        lambda: sesv2.create_configuration_set(
            ConfigurationSetName=name, Tags=tags(("dup", "1"), ("dup", "2"))
        ),
        "Duplicate tag keys are not allowed.",
    )
    bad_request(
        sesv2,
        lambda: sesv2.create_configuration_set(
            ConfigurationSetName=name, Tags=tags(*((f"k{i}", "v") for i in range(51)))
        ),
        "A resource can have at most 50 tags.",
    )
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.get_configuration_set(ConfigurationSetName=name)
    assert name not in sesv2.list_configuration_sets(PageSize=1000)["ConfigurationSets"]


def test_recreated_set_has_no_old_tags(sesv2: Any, make_set: Callable[..., str]) -> None:
    name = make_set(Tags=tags(("from", "create")))
    sesv2.tag_resource(ResourceArn=arn(name), Tags=tags(("from", "tag"), ("extra", "1")))
    sesv2.delete_configuration_set(ConfigurationSetName=name)
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.list_tags_for_resource(ResourceArn=arn(name))
    sesv2.create_configuration_set(ConfigurationSetName=name)
    assert listed(sesv2, name) == []
    assert sesv2.get_configuration_set(ConfigurationSetName=name)["Tags"] == []


def test_identity_and_template_arns_are_taggable(sesv2: Any) -> None:
    domain = f"{unique('tagged')}.example.com"
    template = unique("tagged-template")
    sesv2.create_email_identity(EmailIdentity=domain, Tags=[{"Key": "owner", "Value": "ops"}])
    sesv2.create_email_template(
        TemplateName=template, TemplateContent={"Subject": "s", "Text": "t"}
    )
    try:
        identity_arn = f"arn:aws:ses:us-east-1:123456789012:identity/{domain}"
        template_arn = f"arn:aws:ses:us-east-1:123456789012:template/{template}"
        sesv2.tag_resource(ResourceArn=identity_arn, Tags=[{"Key": "team", "Value": "mail"}])
        sesv2.tag_resource(ResourceArn=template_arn, Tags=[{"Key": "team", "Value": "copy"}])
        assert sesv2.list_tags_for_resource(ResourceArn=identity_arn)["Tags"] == [
            {"Key": "owner", "Value": "ops"},
            {"Key": "team", "Value": "mail"},
        ]
        assert sesv2.list_tags_for_resource(ResourceArn=template_arn)["Tags"] == [
            {"Key": "team", "Value": "copy"}
        ]
        sesv2.untag_resource(ResourceArn=identity_arn, TagKeys=["owner"])
        assert sesv2.get_email_identity(EmailIdentity=domain)["Tags"] == [
            {"Key": "team", "Value": "mail"}
        ]
    finally:
        sesv2.delete_email_identity(EmailIdentity=domain)
        sesv2.delete_email_template(TemplateName=template)
    with pytest.raises(sesv2.exceptions.NotFoundException) as raised:
        sesv2.list_tags_for_resource(ResourceArn=identity_arn)
    assert (
        raised.value.response["Error"]["Message"] == f"No EmailIdentity present with name: {domain}"
    )
