"""The annual assessment view (四(二)): every 区块 and 乡镇（街道）, and any other unit that earned points or marks,
with its quarterly 比拼 points, its 扣分, its 通报批评 and its 一票评优 / 一票否优. It only reads."""

from __future__ import annotations

from datetime import date, datetime

from domain.assessment import MarkFact, UnitAssessment, assess_unit, landings
from domain.directory import Directory, RoleKind
from domain.lifecycle import NotAllowed
from domain.scoring import ScoringRules
from domain.targets import Indicator
from services.setup import usd_rate
from services.targets import today_of
from storage.uow import Database

# Who sees the whole county's assessment: the office, the county's leaders and the 督考办.
ASSESSORS = (RoleKind.OFFICE, RoleKind.COUNTY_HEAD, RoleKind.DEPUTY_HEAD, RoleKind.SUPERVISION)


async def assessment(
    db: Database, directory: Directory, rules: ScoringRules, *, person_id: int, year: int, now: datetime
) -> list[UnitAssessment]:
    """The year's assessment as it stands at `now` (a past year: as it ended)."""
    today = min(today_of(now), date(year, 12, 31))
    async with db.uow(read_only=True) as uow:
        principal = await uow.people.principal(person_id)
        if not any(principal.holds_any(kind) for kind in ASSESSORS):
            raise NotAllowed(
                "Only the office, the county's leaders and the 督考办 see the assessment.",
                move="see_assessment",
                expected=[kind.value for kind in ASSESSORS],
            )
        projects = await uow.projects.find()
        plans = await uow.targets.plans(year)
        targets = await uow.targets.annual(year)
        marks = await uow.marks.for_year(year)
    landed = landings(projects, year, today, usd_rate())
    # Landing units always; any other unit (a 部门 that attracted a project, one criticised) once it appears.
    appearing = {mark.unit for mark in marks}
    appearing |= {
        unit for landing in landed for unit in (landing.project.attracting_unit, landing.project.landing_unit)
    }
    units = [u.code for u in directory.units.values() if u.kind.can_land_projects or u.code in appearing]
    units += sorted(appearing - set(units) - set(directory.units))
    return [
        assess_unit(
            unit,
            year,
            landed,
            plans.get(unit, {}),
            {Indicator(key): amount for key, amount in targets.get(unit, {}).items()},
            [MarkFact(mark.kind, mark.points, mark.note) for mark in marks if mark.unit == unit],
            rules,
            today,
        )
        for unit in units
    ]
