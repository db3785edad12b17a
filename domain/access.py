"""Who may read a project's whole case (the 审批表, its meetings, opinions and decisions)."""

from __future__ import annotations

from domain.project import Principal, Project, oversees_all_projects


def may_read_case(project: Project, principal: Principal) -> bool:
    """Everyone with a part in the project (its landing unit, the departments of its 专班, the 行业主管部门, its
    分管副县长, the holder of its open step) and everyone who oversees all projects (the office, the county
    leaders): the people who decide on it or answer for it. Nobody else reads an investor's details."""
    return bool(project.parties_of(principal)) or oversees_all_projects(principal)
