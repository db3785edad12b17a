"""Tables and repository of annual targets, the month plans the office fixed by hand, and the monthly figures the
office enters for indicators no record holds (利用外资, 省外内资); each row says who wrote it and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column, Integer, Numeric, RowMapping, String, Table, UniqueConstraint, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.targets import AnnualTarget, Indicator, monthly_plan, plan_through
from storage.tables import metadata
from storage.types import UtcDateTime

_AMOUNT = Numeric(20, 2)  # 元 or 美元 to the fen; whole numbers for counts of projects

annual_targets = Table(
    "annual_targets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit", String(64), nullable=False),
    Column("indicator", String(40), nullable=False),
    Column("year", Integer, nullable=False),
    Column("amount", _AMOUNT, nullable=False),
    Column("starts_month", Integer, nullable=False),
    Column("set_by", Integer, nullable=False),
    Column("set_at", UtcDateTime, nullable=False),
    UniqueConstraint("unit", "indicator", "year", name="uq_annual_targets_unit_indicator_year"),
)

plan_overrides = Table(
    "plan_overrides",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit", String(64), nullable=False),
    Column("indicator", String(40), nullable=False),
    Column("year", Integer, nullable=False),
    Column("month", Integer, nullable=False),
    Column("amount", _AMOUNT, nullable=False),
    Column("set_by", Integer, nullable=False),
    Column("set_at", UtcDateTime, nullable=False),
    UniqueConstraint("unit", "indicator", "year", "month", name="uq_plan_overrides_unit_indicator_year_month"),
)

indicator_figures = Table(
    "indicator_figures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit", String(64), nullable=False),
    Column("indicator", String(40), nullable=False),
    Column("year", Integer, nullable=False),
    Column("month", Integer, nullable=False),
    Column("amount", _AMOUNT, nullable=False),
    Column("entered_by", Integer, nullable=False),
    Column("entered_at", UtcDateTime, nullable=False),
    UniqueConstraint("unit", "indicator", "year", "month", name="uq_indicator_figures_unit_indicator_year_month"),
)

Overrides = dict[tuple[Indicator, int], Decimal]  # (indicator, month) → plan fixed by hand


@dataclass(frozen=True)
class Written:
    """A row written: its id, and the amount it held before (None if it is new)."""

    id: int
    before: Decimal | None


def _target(values: RowMapping) -> AnnualTarget:
    return AnnualTarget(
        unit=values["unit"],
        indicator=Indicator(values["indicator"]),
        year=values["year"],
        amount=Decimal(values["amount"]).quantize(Indicator(values["indicator"]).quantum),
        starts_month=values["starts_month"],
    )


class TargetRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # ---- reading ----------------------------------------------------------------------------------------------
    async def targets(self, year: int, *, unit: str | None = None) -> list[AnnualTarget]:
        query = select(annual_targets).where(annual_targets.c.year == year).order_by(annual_targets.c.id)
        if unit is not None:
            query = query.where(annual_targets.c.unit == unit)
        return [_target(row) for row in (await self._session.execute(query)).mappings()]

    async def target(self, unit: str, indicator: Indicator, year: int) -> AnnualTarget | None:
        found = await self.targets(year, unit=unit)
        return next((t for t in found if t.indicator is indicator), None)

    async def overrides(self, year: int, *, unit: str | None = None) -> dict[str, Overrides]:
        """unit → (indicator, month) → the plan the office fixed for that month."""
        query = select(plan_overrides).where(plan_overrides.c.year == year)
        if unit is not None:
            query = query.where(plan_overrides.c.unit == unit)
        found: dict[str, Overrides] = {}
        for row in (await self._session.execute(query)).mappings():
            indicator = Indicator(row["indicator"])
            amount = Decimal(row["amount"]).quantize(indicator.quantum)
            found.setdefault(row["unit"], {})[(indicator, row["month"])] = amount
        return found

    async def figures_to_date(self, year: int, month: int) -> dict[str, dict[Indicator, Decimal]]:
        """unit → indicator → the figures the office entered for January through `month`, summed."""
        query = select(indicator_figures).where(indicator_figures.c.year == year, indicator_figures.c.month <= month)
        found: dict[str, dict[Indicator, Decimal]] = {}
        for row in (await self._session.execute(query)).mappings():
            per_unit = found.setdefault(row["unit"], {})
            indicator = Indicator(row["indicator"])
            per_unit[indicator] = per_unit.get(indicator, Decimal(0)) + Decimal(row["amount"]).quantize(
                indicator.quantum
            )
        return found

    async def plans(self, year: int) -> dict[str, dict[Indicator, dict[int, Decimal]]]:
        """unit → indicator → month → plan, for every target of `year`."""
        overrides = await self.overrides(year)
        found: dict[str, dict[Indicator, dict[int, Decimal]]] = {}
        for target in await self.targets(year):
            fixed = {m: a for (i, m), a in overrides.get(target.unit, {}).items() if i is target.indicator}
            found.setdefault(target.unit, {})[target.indicator] = monthly_plan(target, fixed)
        return found

    async def annual(self, year: int) -> dict[str, dict[str, Decimal]]:
        """unit code → Indicator value → the year's target."""
        found: dict[str, dict[str, Decimal]] = {}
        for target in await self.targets(year):
            found.setdefault(target.unit, {})[target.indicator.value] = target.amount
        return found

    async def plan_to_date(self, year: int, month: int) -> dict[str, dict[str, Decimal]]:
        """unit code → Indicator value → the cumulative monthly plan from January through `month`."""
        return {
            unit: {indicator.value: plan_through(plan, month) for indicator, plan in per_unit.items()}
            for unit, per_unit in (await self.plans(year)).items()
        }

    # ---- writing ----------------------------------------------------------------------------------------------
    async def set_target(self, target: AnnualTarget, *, person_id: int, now: datetime) -> Written:
        """Create or change the target; a change keeps the month its plan started from."""
        t = annual_targets.c
        key = (t.unit == target.unit, t.indicator == target.indicator.value, t.year == target.year)
        row = (await self._session.execute(select(t.id, t.amount).where(*key))).first()
        values = {"amount": target.amount, "set_by": person_id, "set_at": now}
        if row is None:
            result = await self._session.execute(
                insert(annual_targets)
                .values(
                    unit=target.unit,
                    indicator=target.indicator.value,
                    year=target.year,
                    starts_month=target.starts_month,
                    **values,
                )
                .returning(t.id)
            )
            return Written(int(result.scalar_one()), None)
        await self._session.execute(update(annual_targets).where(t.id == row.id).values(**values))
        return Written(int(row.id), Decimal(row.amount).quantize(target.indicator.quantum))

    async def set_override(
        self, unit: str, indicator: Indicator, year: int, month: int, amount: Decimal, *, person_id: int, now: datetime
    ) -> Written:
        return await self._put(plan_overrides, "set", unit, indicator, year, month, amount, person_id, now)

    async def set_figure(
        self, unit: str, indicator: Indicator, year: int, month: int, amount: Decimal, *, person_id: int, now: datetime
    ) -> Written:
        return await self._put(indicator_figures, "entered", unit, indicator, year, month, amount, person_id, now)

    async def _put(
        self,
        table: Table,
        verb: str,
        unit: str,
        indicator: Indicator,
        year: int,
        month: int,
        amount: Decimal,
        person_id: int,
        now: datetime,
    ) -> Written:
        c = table.c
        key = (c.unit == unit, c.indicator == indicator.value, c.year == year, c.month == month)
        row = (await self._session.execute(select(c.id, c.amount).where(*key))).first()
        values = {"amount": amount, f"{verb}_by": person_id, f"{verb}_at": now}
        if row is None:
            result = await self._session.execute(
                insert(table)
                .values(unit=unit, indicator=indicator.value, year=year, month=month, **values)
                .returning(c.id)
            )
            return Written(int(result.scalar_one()), None)
        await self._session.execute(update(table).where(c.id == row.id).values(**values))
        return Written(int(row.id), Decimal(row.amount).quantize(indicator.quantum))
