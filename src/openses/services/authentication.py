"""Who sent a request: the one function the AWS APIs and openses' own endpoints resolve the
caller through. Open mode reads the credential scope unverified (protocol/auth.py's rules);
strict mode verifies the SigV4 signature against a known key's secret (protocol/sigv4.py)."""

from __future__ import annotations

from collections.abc import Callable

from openses.config import Settings
from openses.domain import policy
from openses.domain.clock import Clock
from openses.domain.conditions import Context
from openses.protocol import sigv4
from openses.protocol.auth import Caller, caller_for_key, caller_from_headers, is_region
from openses.protocol.sigv4 import SignedRequest
from openses.services.access_keys import Credentials


class Authentication:
    def __init__(self, settings: Settings, credentials: Credentials, clock: Clock) -> None:
        self._settings = settings
        self.credentials = credentials
        self._clock = clock
        self.strict = settings.auth == "strict"

    def caller(self, request: SignedRequest) -> Caller:
        """The caller of ``request``; in strict mode raises ``sigv4.SignatureError`` as AWS
        answers a missing, malformed or wrong signature or an unknown key."""
        if self.strict:
            credential = sigv4.verify(request, self.credentials.secret_of, self._clock())
            account = self.credentials.account_of(credential.access_key)
            if account is None:  # deleted between the two look-ups
                raise sigv4.invalid_token()
            return Caller(account, credential.region, credential.access_key)
        caller = self._claimed(request)
        if not is_region(caller.region):
            # unverified, but still a region: a longer one would not fit the store (issue 18)
            raise sigv4.invalid_region(caller.region)
        return caller

    def _claimed(self, request: SignedRequest) -> Caller:
        """Open mode: the caller the credential scope names, unverified."""
        authorization = request.header("authorization")
        if authorization is None and sigv4.is_presigned(request.query_string):
            claimed = sigv4.credential_of(request)
            if claimed is not None:
                return caller_for_key(
                    claimed.access_key,
                    claimed.region,
                    self.credentials.accounts,
                    self._settings.default_account_id,
                )
        return caller_from_headers(
            authorization, self.credentials.accounts, self._settings.default_account_id
        )

    def limits(self, caller: Caller) -> bool:
        """Whether policies are attached to the caller's key (else it may do anything in its
        account, and its request needs no condition keys)."""
        return (
            bool(caller.access_key) and self.credentials.policies_of(caller.access_key) is not None
        )

    def reads_resource_tags(self, caller: Caller) -> bool:
        """Whether the caller's key policies have conditions on aws:ResourceTag/..."""
        statements = self.credentials.policies_of(caller.access_key) if caller.access_key else None
        return statements is not None and policy.mentions(statements, "aws:resourcetag/")

    def denied_resource(
        self,
        caller: Caller,
        action: str,
        resources: list[str],
        context: Context | None = None,
        resource_context: Callable[[str], Context] | None = None,
    ) -> str | None:
        """The first of ``resources`` the caller's key may not perform ``ses:action`` on, or
        None; ``context``: the request's condition keys, or ``resource_context``: those keys
        for one resource (with its aws:ResourceTag/ keys). Only a key with attached policies is
        limited (open mode too)."""
        if not caller.access_key:
            return None
        statements = self.credentials.policies_of(caller.access_key)
        if statements is None:
            return None
        for resource in resources:
            found = resource_context(resource) if resource_context else context
            if not policy.allows(statements, f"ses:{action}", resource, found):
                return resource
        return None

    def principal(self, caller: Caller) -> str:
        return (
            f"arn:aws:iam::{caller.account_id}:user/{self.credentials.user_of(caller.access_key)}"
        )
