"""Tables and repository of annual targets and monthly plans (issue 5 item 4)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class TargetRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
