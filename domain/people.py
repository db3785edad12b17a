"""People and the roles they hold. A Telegram account is nobody until a role is granted to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.directory import Role


@dataclass(eq=False)
class Person:
    display_name: str
    created_at: datetime
    telegram_user_id: int | None = None
    language: str = "zh"
    id: int | None = None


@dataclass(eq=False)
class RoleAssignment:
    person_id: int
    role: Role
    granted_at: datetime
    granted_by: int | None = None
    revoked_at: datetime | None = None
    id: int | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None
