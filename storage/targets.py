"""Tables and repository of annual targets and monthly plans (issue 5 item 4)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession


class TargetRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def annual(self, year: int) -> dict[str, dict[str, Decimal]]:
        """unit code → Indicator value → the year's target."""
        return {}

    async def plan_to_date(self, year: int, month: int) -> dict[str, dict[str, Decimal]]:
        """unit code → Indicator value → the cumulative monthly plan from January through `month`."""
        return {}
