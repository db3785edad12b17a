"""The rules of the 联络群 the domain keeps, whoever calls it: one group per project, and never a private chat."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.directory import Directory, Role, RoleKind
from domain.project import NotAGroup, Principal, Project, ProjectHasGroup
from services.groups import GroupTaken, open_project_in_group
from storage.uow import Database
from tests.factories import PersonFactory

NOW = datetime(2026, 11, 27, 2, tzinfo=UTC)
CADRE = Principal(1, frozenset({Role(RoleKind.STAFF, "jianshan")}))


def _project(directory: Directory) -> Project:
    return Project.create(CADRE, directory, name="测试项目", landing_unit="jianshan", now=NOW)


def test_a_project_with_a_group_refuses_another(directory: Directory) -> None:
    project = _project(directory)
    project.bind_group(CADRE, -100, NOW)
    with pytest.raises(ProjectHasGroup) as refused:
        project.bind_group(CADRE, -200, NOW)
    assert refused.value.params == {"project": "测试项目"}
    assert project.group_chat_id == -100


def test_binding_the_same_group_again_changes_nothing(directory: Directory) -> None:
    project = _project(directory)
    project.bind_group(CADRE, -100, NOW)
    project.collect_events()
    project.bind_group(CADRE, -100, NOW)
    assert project.group_chat_id == -100 and project.collect_events() == []


@pytest.mark.parametrize("chat_id", [1, 1000001, 0])
def test_a_private_chat_is_never_a_group(directory: Directory, chat_id: int) -> None:
    project = _project(directory)
    with pytest.raises(NotAGroup):
        project.bind_group(CADRE, chat_id, NOW)
    assert project.group_chat_id is None


async def test_a_project_opened_in_a_group_is_bound_with_it_or_not_opened_at_all(
    db: Database, directory: Directory, person: PersonFactory
) -> None:
    cadre = await person(Role(RoleKind.STAFF, "jianshan"))
    opened = await open_project_in_group(
        db, directory, person_id=cadre, name="民宿项目", landing_unit="jianshan", chat_id=-100, now=NOW
    )
    assert opened.group_chat_id == -100
    # The same answer handled again (a crash before its reply): the group is taken, no second project opens.
    with pytest.raises(GroupTaken):
        await open_project_in_group(
            db, directory, person_id=cadre, name="民宿项目", landing_unit="jianshan", chat_id=-100, now=NOW
        )
    async with db.uow(read_only=True) as uow:
        assert [p.name for p in await uow.projects.find()] == ["民宿项目"]
