"""Changing what belongs to a person's account: their API token (at most one each; it expires, see
``rownaq.accounts.authentication``). Failed sign-ins are counted by ``rownaq.accounts.lockout``."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from rownaq.accounts.authentication import token_is_expired
from rownaq.accounts.models import User


@transaction.atomic
def token_obtain(*, by: User) -> Token:
    """The person's token: the one they have while it is valid, else a new one."""
    token = Token.objects.select_for_update().filter(user=by).first()
    if token is not None and not token_is_expired(token):
        return token
    return token_renew(by=by)


@transaction.atomic
def token_renew(*, by: User) -> Token:
    """A new token for the person; the old one stops working."""
    Token.objects.filter(user=by).delete()
    return Token.objects.create(user=by)


def token_revoke(*, by: User) -> bool:
    """The person's token stops working now; whether they had one."""
    deleted, _rows = Token.objects.filter(user=by).delete()
    return bool(deleted)
