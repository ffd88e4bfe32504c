"""The AWS side of email receiving's actions: S3 PutObject, SNS Publish and Lambda Invoke
through the event publishers' clients (events/aws.py: same endpoints, credentials and
timeouts), and the checks CreateReceiptRule and UpdateReceiptRule make of those targets."""

from __future__ import annotations

import json
import logging
from typing import Any

from openses.domain.errors import InvalidLambdaFunction, InvalidS3Configuration, InvalidSnsTopic
from openses.domain.receipt_rule import ReceiptRule
from openses.events.aws import AwsClients, AwsError, describe, region_of

log = logging.getLogger("openses.receiving")


class AwsReceiving:
    def __init__(self, clients: AwsClients) -> None:
        self._clients = clients

    # -- the checks of CreateReceiptRule / UpdateReceiptRule ---------------------------------

    def check(self, rule: ReceiptRule, region: str) -> None:
        """Each bucket, topic and function the actions name must exist."""
        for action in rule.actions:
            topic = action.get("TopicArn")
            if topic:
                self._check_topic(topic)
            if action.kind == "SNSAction":
                continue
            bucket = action.get("BucketName")
            if action.kind == "S3Action" and bucket:
                try:
                    self._clients.client("s3", region).head_bucket(Bucket=bucket)
                except AwsError as error:
                    log.info("S3 bucket %s not usable: %s", bucket, describe(error))
                    raise InvalidS3Configuration(bucket) from None
            function = action.get("FunctionArn")
            if action.kind == "LambdaAction" and function:
                try:
                    self._clients.client("lambda", _region(function, region)).get_function(
                        FunctionName=function
                    )
                except (*AwsError, ValueError) as error:
                    log.info("Lambda function %s not usable: %s", function, error)
                    raise InvalidLambdaFunction(function) from None

    def _check_topic(self, topic_arn: str) -> None:
        try:
            self._clients.client("sns", region_of(topic_arn)).get_topic_attributes(
                TopicArn=topic_arn
            )
        except (*AwsError, ValueError) as error:
            log.info("SNS topic %s not usable: %s", topic_arn, error)
            raise InvalidSnsTopic(topic_arn) from None

    # -- the actions -------------------------------------------------------------------------

    def put_object(
        self,
        region: str,
        bucket: str,
        key: str,
        body: bytes,
        kms_key_arn: str | None,
        role_arn: str | None = None,
    ) -> None:
        """``role_arn`` (the action's IamRoleArn) is assumed with OPENSES_ASSUME_ROLES."""
        extra: dict[str, Any] = {}
        if kms_key_arn:
            # SES encrypts on the client side with the key; openses records the key on the
            # object instead (docs/aws-behaviour.md, "Email receiving").
            extra["Metadata"] = {"x-amz-key-arn": kms_key_arn}
        self._clients.client("s3", region, role_arn=role_arn).put_object(
            Bucket=bucket, Key=key, Body=body, ContentType="message/rfc822", **extra
        )

    def publish(self, topic_arn: str, message: str) -> None:
        self._clients.client("sns", region_of(topic_arn)).publish(
            TopicArn=topic_arn, Message=message, Subject="Amazon SES Email Receipt Notification"
        )

    def invoke(
        self, region: str, function_arn: str, payload: dict[str, Any], invocation_type: str
    ) -> dict[str, Any] | None:
        """Invoke the function; a RequestResponse call answers the function's result (None
        when it is not a JSON object)."""
        client = self._clients.client("lambda", _region(function_arn, region))
        response = client.invoke(
            FunctionName=function_arn,
            InvocationType=invocation_type,
            Payload=json.dumps(payload).encode(),
        )
        if invocation_type != "RequestResponse":
            return None
        body = response["Payload"].read()
        try:
            result = json.loads(body) if body else None
        except ValueError:
            return None
        return result if isinstance(result, dict) else None


def _region(arn: str, default: str) -> str:
    try:
        return region_of(arn)
    except ValueError:
        return default
