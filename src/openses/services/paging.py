"""Keyset paging shared by the List operations: the token is the last key of the page."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from openses.domain.errors import InvalidInput, InvalidNextToken, OpensesError
from openses.store.unit_of_work import UnitOfWork

Item = TypeVar("Item")
Listed = TypeVar("Listed", covariant=True)


class Named(Protocol):
    """An item its listing orders, and pages, by name."""

    @property
    def name(self) -> str: ...


class KeysetListing(Protocol[Listed]):
    """A repository that lists its scope's rows by key (templates, contact lists, pools...):
    in key order, those whose key comes after ``after`` (None: from the first), ``limit`` at
    most."""

    def list(self, *, after: str | None, limit: int) -> Sequence[Listed]: ...


@dataclass(frozen=True, slots=True)
class Page(Generic[Item]):
    """One page of a List operation's items, and the token of the next page (None: the last)."""

    items: list[Item]
    next_token: str | None


def encode_token(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


def decode_token(token: str, check: Callable[[str], object]) -> str:
    """The key a token carries; a token that does not decode to a valid key is refused."""
    try:
        key = base64.urlsafe_b64decode(token.encode()).decode()
        check(key)
    except (ValueError, OpensesError):
        raise InvalidNextToken(token) from None
    return key


def start_key(token: str | None, check: Callable[[str], object]) -> str | None:
    """The key a page starts after: None for the first page (no token), else the token's key."""
    return decode_token(token, check) if token else None


def read_page(
    uow: UnitOfWork,
    token: str | None,
    size: int,
    *,
    check: Callable[[str], object],
    fetch: Callable[[str | None, int], Sequence[Item]],
    key: Callable[[Item], str],
) -> Page[Item]:
    """One page of a keyset listing: the token's key (refused unless ``check`` accepts it),
    then ``fetch(after, size + 1)`` inside ``uow``, split into the page and the next token."""
    after = start_key(token, check)
    with uow:
        found = fetch(after, size + 1)
    return split(found, size, key)


class PageReader(Protocol[Item]):
    """A service's List use case: one page of a keyset listing, from a request's NextToken
    (None: the first page) and page size."""

    def __call__(
        self, uow: UnitOfWork, *, next_token: str | None, page_size: int
    ) -> Page[Item]: ...


def page_reader(
    listing: Callable[[UnitOfWork], KeysetListing[Item]],
    *,
    check: Callable[[str], object],
    key: Callable[[Item], str],
) -> PageReader[Item]:
    """The List use case of a whole keyset listing: ``listing(uow)`` is the repository (e.g.
    ``lambda uow: uow.templates``), read once ``uow`` is entered; ``check`` validates a token's
    key and ``key`` gives an item's (``name_of``, or ``str`` for a listing of names)."""

    def read(uow: UnitOfWork, *, next_token: str | None, page_size: int) -> Page[Item]:
        return read_page(
            uow,
            next_token,
            page_size,
            check=check,
            fetch=lambda after, limit: listing(uow).list(after=after, limit=limit),
            key=key,
        )

    return read


def name_of(item: Named) -> str:
    """The key of an item paged by name."""
    return item.name


def page_after(
    found: Iterable[Item], after: str | None, size: int, key: Callable[[Item], str]
) -> Page[Item]:
    """A page of items read whole and in key order: those whose key comes after ``after`` (the
    token's key; None: all of them), split into the page and the next token."""
    return split([item for item in found if after is None or key(item) > after], size, key)


def split(found: Sequence[Item], size: int, key: Callable[[Item], str]) -> Page[Item]:
    """``found`` holds up to size + 1 items: one more than fits means there is a next page."""
    if len(found) > size:
        return Page(list(found[:size]), encode_token(key(found[size - 1])))
    return Page(list(found), None)


def page_size(requested: int | None, *, default: int, maximum: int) -> int:
    """A v2 PageSize: the default when absent, else it must lie within 1..maximum."""
    size = default if requested is None else requested
    if not 1 <= size <= maximum:
        raise InvalidInput(f"The page size must be between 1 and {maximum}")
    return size
