"""One-time invites: an admin's way to bind a Telegram account to a role (a Telegram account is nobody until then).

An invite is for exactly one role, expires, and is used once. A successor's invite (接任, Attachment 1:
"由其所在单位接任人员自然替补") takes the role away from whoever holds it now; an ordinary one adds a holder.
Only the sha256 of the code is ever kept, so a leaked database cannot be turned into working invites.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.directory import Directory, Role
from domain.errors import DomainError


class InviteRefusal(StrEnum):
    """Why a code does not bind: kept for the log, while the user hears one answer for all of them."""

    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


class InviteInvalid(DomainError):
    """The code is unknown, expired or already used by someone else; `params["reason"]` says which."""

    code = "invite_invalid"


class InviteLifetime(DomainError):
    code = "invite_lifetime"


def hash_code(code: str) -> str:
    """The form in which a code is stored and looked up: sha256, hex."""
    return hashlib.sha256(code.strip().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Invite:
    role: Role
    replaces_holder: bool
    created_by: int
    created_at: datetime
    expires_at: datetime
    code_hash: str
    used_by: int | None = None
    used_at: datetime | None = None
    id: int | None = None

    def expired(self, now: datetime) -> bool:
        """True from the expiry instant on."""
        return now >= self.expires_at

    def already_redeemed_by(self, person_id: int | None) -> bool:
        """True when this person used the invite: a repeat (Telegram redelivering /start) is no new use."""
        return person_id is not None and self.used_by == person_id

    def check_redeemable(self, person_id: int | None, now: datetime) -> None:
        """Raise InviteInvalid unless this person may use the invite now (a repeat by its user passes)."""
        if self.already_redeemed_by(person_id):
            return
        if self.used_by is not None:
            raise InviteInvalid(f"Invite {self.id} was used by person {self.used_by}.", reason=InviteRefusal.USED)
        if self.expired(now):
            raise InviteInvalid(
                f"Invite {self.id} expired at {self.expires_at.isoformat()}.", reason=InviteRefusal.EXPIRED
            )

    def displaced(self, holders: Iterable[int], redeemer: int) -> list[int]:
        """Who loses the role when `redeemer` uses the invite: the current holders for 接任, nobody otherwise."""
        if not self.replaces_holder:
            return []
        return [holder for holder in dict.fromkeys(holders) if holder != redeemer]


def issue_invite(
    directory: Directory,
    *,
    code: str,
    role: Role,
    replaces_holder: bool,
    created_by: int,
    now: datetime,
    ttl: timedelta,
) -> Invite:
    """A new unused invite for a role the directory allows, valid from `now` for `ttl`; `code` is never kept."""
    directory.check_role(role)
    if ttl <= timedelta(0):
        raise InviteLifetime(f"An invite must live a positive time, got {ttl}.", hours=ttl.total_seconds() / 3600)
    if not code.strip():
        raise ValueError("An invite code must not be empty.")
    return Invite(
        role=role,
        replaces_holder=replaces_holder,
        created_by=created_by,
        created_at=now,
        expires_at=now + ttl,
        code_hash=hash_code(code),
    )


def unknown_code() -> InviteInvalid:
    """The refusal for a code no invite has."""
    return InviteInvalid("No invite has this code.", reason=InviteRefusal.UNKNOWN)
