"""Tables and repository of 联络处 monthly reports and leader visits (issue 5 item 5)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class LiaisonRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
