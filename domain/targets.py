"""Annual targets per unit and their reverse-scheduled monthly plans (四(三))."""

from __future__ import annotations

from enum import StrEnum


class Indicator(StrEnum):
    """The indicators of 四(三) a unit is given annual targets for."""

    MAJOR_MANUFACTURING = "major_manufacturing"  # 7亿元以上制造业项目 招引落地 (projects)
    MAJOR_INDUSTRY = "major_industry"  # 3亿元以上产业项目 (projects)
    FOREIGN_CAPITAL = "foreign_capital"  # 利用外资 (美元)
    DOMESTIC_CAPITAL = "domestic_capital"  # 省外内资 (元)
    MANUFACTURING_FUNDS = "manufacturing_funds"  # 制造业项目到位资金 (元)
    BILLION_PROJECTS = "billion_projects"  # 招引亿元以上项目 (projects)
