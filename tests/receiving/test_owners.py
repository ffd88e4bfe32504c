"""Whose mail (issue 16): the inbound listener gives a recipient to each account, in each
region, holding a verified identity for it (the address, its domain or a parent domain), and
runs that account's active rule set; nobody's recipient is refused. Actions asserted at moto."""

from __future__ import annotations

import smtplib
from typing import Any

import pytest

from tests.peer import AwsPeer
from tests.receiving.test_inbound import MESSAGE, active_rules, bucket, keys, send
from tests.support import LiveServer, fresh_account, unique

NO_MAILBOX = (550, b"5.1.1 Requested action not taken: mailbox unavailable")


def store_all(inbox: str) -> dict[str, Any]:
    """A rule for every recipient of the account's verified domains (no Recipients)."""
    return {"Name": unique("all"), "Actions": [{"S3Action": {"BucketName": inbox}}]}


def refused(server: LiveServer, address: str) -> tuple[int, bytes]:
    with pytest.raises(smtplib.SMTPRecipientsRefused) as raised:
        send(server, [address])
    reply: tuple[int, bytes] = raised.value.recipients[address]
    return reply


def test_mail_for_nobodys_domain_is_refused(receiving: LiveServer, peer: AwsPeer) -> None:
    ses = receiving.client("ses")
    with active_rules(ses, store_all(bucket(peer))):
        assert refused(receiving, f"x@{unique('nobody')}.example.org") == NO_MAILBOX
        pending = f"{unique('pending')}.example.org"  # an identity, but not verified
        sesv2 = receiving.client("sesv2")
        sesv2.create_email_identity(EmailIdentity=pending)
        sesv2.delete_email_identity(EmailIdentity=pending)
        assert refused(receiving, f"x@{pending}") == NO_MAILBOX


def test_each_owner_runs_its_own_rule_set(receiving: LiveServer, peer: AwsPeer) -> None:
    mine, theirs = receiving.client("ses"), receiving.client("ses", access_key=fresh_account())
    domain = f"{unique('own')}.example.org"
    theirs.verify_domain_identity(Domain=domain)
    my_inbox, their_inbox = bucket(peer), bucket(peer)
    with active_rules(mine, store_all(my_inbox)), active_rules(theirs, store_all(their_inbox)):
        # only the other account owns the domain (and its subdomains)
        taken = [send(receiving, [f"a@{domain}"]), send(receiving, [f"b@deep.sub.{domain}"])]
        assert sorted(keys(peer, their_inbox)) == sorted(taken)
        assert keys(peer, my_inbox) == []
        # now both do: each account receives the mail, as its own message
        mine.verify_domain_identity(Domain=domain)
        send(receiving, [f"c@{domain}"], MESSAGE.format(to=f"c@{domain}"))
        assert len(keys(peer, my_inbox)) == 1
        assert len(keys(peer, their_inbox)) == 3


def test_an_owner_in_another_region(receiving: LiveServer, peer: AwsPeer) -> None:
    account = fresh_account()
    west = receiving.client("ses", access_key=account, region="eu-west-1")
    address = f"{unique('solo')}@{unique('reg')}.example.org"
    west.verify_email_identity(EmailAddress=address)
    inbox = bucket(peer)
    with active_rules(west, store_all(inbox)):
        message_id = send(receiving, [address])
        assert keys(peer, inbox) == [message_id]
        # the address alone is verified: its domain is nobody's
        assert refused(receiving, f"other@{address.partition('@')[2]}") == NO_MAILBOX
