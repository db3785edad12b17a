"""The tiered approval route of 二(五), Attachment 4 note 2 and 五.1, as a pure function of the form."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum, StrEnum

from domain.errors import DomainError


class Category(StrEnum):
    """产业类别. Only 工业 is group I; every other category is group A (the policy's list ends in "等")."""

    INDUSTRY = "工业"
    CULTURE_TOURISM = "文旅"
    HEALTH_ELDERLY = "康养"
    SERVICES = "服务业"
    AGRICULTURE = "农业"
    COMMERCE = "商业"
    OTHER = "其他"

    @property
    def is_industrial(self) -> bool:
        return self is Category.INDUSTRY

    @property
    def small_land_limit_mu(self) -> Decimal:
        """The upper bound (inclusive) of the lowest land tier: 30 亩 for 工业, 20 亩 otherwise."""
        return Decimal(30) if self.is_industrial else Decimal(20)


class Actor(StrEnum):
    """Who acts on an approval step, named as the policy names them."""

    COUNTY_HEAD = "县长"
    DEPUTY_HEAD = "分管副县长"
    COUNTY_EXECUTIVE_MEETING = "县长办公会议"
    STANDING_COMMITTEE = "县委常委会"
    JINPAN_ZONE = "金磐开发区"

    @property
    def is_meeting(self) -> bool:
        """Meetings are not people: the office records their outcome."""
        return self in (Actor.COUNTY_EXECUTIVE_MEETING, Actor.STANDING_COMMITTEE)


class StepAction(StrEnum):
    """What the actor does on a step, in the policy's words."""

    CONSENT = "同意"
    REVIEW = "审核"
    DELIBERATE = "审议"
    APPROVE = "审批"


@dataclass(frozen=True)
class RouteStep:
    actor: Actor
    action: StepAction


class Tier(IntEnum):
    """County tiers of 二(五), lowest first; 一事一议 lifts a project one tier (五.1 has its own two)."""

    COUNTY_LOW = 1
    COUNTY_MIDDLE = 2
    COUNTY_HIGH = 3
    JINPAN_OWN = 11
    JINPAN_COUNTY = 12


LAND_TIER_TOP_MU = Decimal(50)

_ROUTES: dict[Tier, tuple[RouteStep, ...]] = {
    Tier.COUNTY_LOW: (
        RouteStep(Actor.COUNTY_HEAD, StepAction.CONSENT),
        RouteStep(Actor.DEPUTY_HEAD, StepAction.APPROVE),
    ),
    Tier.COUNTY_MIDDLE: (
        RouteStep(Actor.DEPUTY_HEAD, StepAction.REVIEW),
        RouteStep(Actor.COUNTY_EXECUTIVE_MEETING, StepAction.DELIBERATE),
        RouteStep(Actor.COUNTY_HEAD, StepAction.APPROVE),
    ),
    Tier.COUNTY_HIGH: (
        RouteStep(Actor.DEPUTY_HEAD, StepAction.REVIEW),
        RouteStep(Actor.COUNTY_EXECUTIVE_MEETING, StepAction.DELIBERATE),
        RouteStep(Actor.STANDING_COMMITTEE, StepAction.DELIBERATE),
        RouteStep(Actor.COUNTY_HEAD, StepAction.APPROVE),
    ),
    Tier.JINPAN_OWN: (RouteStep(Actor.JINPAN_ZONE, StepAction.APPROVE),),
    Tier.JINPAN_COUNTY: (
        RouteStep(Actor.STANDING_COMMITTEE, StepAction.DELIBERATE),
        RouteStep(Actor.COUNTY_HEAD, StepAction.APPROVE),
    ),
}

_LIFTED: dict[Tier, Tier] = {
    Tier.COUNTY_LOW: Tier.COUNTY_MIDDLE,
    Tier.COUNTY_MIDDLE: Tier.COUNTY_HIGH,
    Tier.COUNTY_HIGH: Tier.COUNTY_HIGH,
    Tier.JINPAN_OWN: Tier.JINPAN_COUNTY,
    Tier.JINPAN_COUNTY: Tier.JINPAN_COUNTY,
}


class LandAreaRequired(DomainError):
    code = "land_area_required"


@dataclass(frozen=True)
class RouteQuestion:
    """The facts of a form that decide its approval route."""

    category: Category
    needs_land: bool
    land_mu: Decimal | None = None
    declared_by_jinpan: bool = False
    special_fiscal_support: bool = False


def tier_for(q: RouteQuestion) -> Tier:
    """The tier a project falls into, 一事一议 lift included."""
    if q.needs_land and (q.land_mu is None or q.land_mu <= 0):
        raise LandAreaRequired(
            f"A project that needs land must state its area in 亩 (> 0), got {q.land_mu!r}.",
            land_mu=q.land_mu,
        )
    area = q.land_mu if q.needs_land and q.land_mu is not None else Decimal(0)
    if q.declared_by_jinpan:
        # 五.1: "供地50亩（含）以下" is the zone's own; a non-land project falls there too.
        tier = Tier.JINPAN_OWN if area <= LAND_TIER_TOP_MU else Tier.JINPAN_COUNTY
    elif not q.needs_land or area <= q.category.small_land_limit_mu:
        tier = Tier.COUNTY_LOW
    elif area <= LAND_TIER_TOP_MU:
        tier = Tier.COUNTY_MIDDLE
    else:
        tier = Tier.COUNTY_HIGH
    return _LIFTED[tier] if q.special_fiscal_support else tier


def route_for(q: RouteQuestion) -> tuple[RouteStep, ...]:
    """The approval steps, in order, that a project with these facts must pass."""
    return _ROUTES[tier_for(q)]
