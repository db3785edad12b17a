"""/todo: everything waiting on me, oldest first, with its buttons right there; /projects: every project, for the
office and the county's leaders, filtered by unit and stage and paged. Both in private only: a group is one
project's, and what waits on one person is theirs to see.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.flows.moves_talk import offered_moves
from bot.keyboards.deadlines import urge_button
from bot.keyboards.moves import moves_keyboard
from bot.keyboards.overview import Picking, ProjectsView, list_keyboard, stage_keyboard, unit_keyboard
from bot.render import render
from bot.step_texts import step_label
from bot.taps import in_own_private_chat, refused_off_message
from bot.texts import role_label, unit_name
from domain.directory import Directory
from domain.lifecycle import Move, Stage
from domain.project import Principal, Project, oversees_all_projects
from domain.step_deadlines import OFFICE
from domain.supervision import SupervisionRules
from services import projects as uc
from services.deadlines import signals_for, urgeable
from storage.uow import Database
from zhikong.clock import Clock

# /todo sends one message per item, with its buttons; beyond this many it says how many more wait.
TODO_SHOWN = 10
PER_PAGE = 10


async def todo(message: Message, bot: Bot, db: Database, directory: Directory, principal: Principal | None) -> None:
    """/todo in private: the items waiting on this person, the longest-waiting first, each with its buttons."""
    if message.chat.type != "private":
        await message.reply(_("todo.private_only"))
        return
    if principal is None or not principal.roles:
        await message.answer(_("moves.unbound"))
        return
    waiting = await uc.waiting_for(db, person_id=principal.person_id)
    if not waiting:
        await message.answer(_("todo.empty"))
        return
    await message.answer(_("todo.header").format(count=len(waiting)))
    for number, project in enumerate(waiting[:TODO_SHOWN], start=1):
        text, moves = await _item(bot, project, principal, directory, number, len(waiting))
        await message.answer(text, reply_markup=moves_keyboard(project.id or 0, moves, project.open_step()))
    if len(waiting) > TODO_SHOWN:
        await message.answer(_("todo.more").format(count=len(waiting) - TODO_SHOWN))


async def _item(
    bot: Bot, project: Project, principal: Principal, directory: Directory, number: int, total: int
) -> tuple[str, list[Move]]:
    """One waiting project as /todo shows it, and the moves to offer under it (ending it is not a to-do)."""
    moves: list[Move] = [m for m in offered_moves(project, principal) if m is not Move.TERMINATE]
    step = project.open_step()
    if step is not None and Move.DECIDE_STEP in moves:
        needs = step_label(step.actor, step.action, step.holder, directory)
    else:
        needs = _("moves.separator").join(_("moves.name." + m.value) for m in moves if m not in _NOT_NEEDS)
    text = render(
        "todo.j2",
        number=number,
        total=total,
        project=project,
        landing_unit=unit_name(directory, project.landing_unit),
        needs=needs or "—",
        group=await _group_title(bot, project.group_chat_id),
        since=project.waiting_since(),
    )
    return text, moves


# Moves that are no item of a to-do list (the open step's decision is named by the step instead).
_NOT_NEEDS = frozenset({Move.CREATE, Move.BIND_GROUP, Move.DECIDE_STEP})


async def _group_title(bot: Bot, chat_id: int | None) -> str:
    """The 联络群 by its title: private groups have no t.me link to give."""
    if chat_id is None:
        return _("todo.no_group")
    try:
        chat = await bot.get_chat(chat_id)
    except (TelegramBadRequest, TelegramForbiddenError):
        return _("todo.group_gone")
    return chat.title or _("todo.group_gone")


# ---- /projects ----------------------------------------------------------------------------------------------
async def projects(
    message: Message,
    db: Database,
    directory: Directory,
    principal: Principal | None,
    rules: SupervisionRules,
    clock: Clock,
) -> None:
    """/projects in private, for the office and the leaders: the newest projects first, with filters, each with
    its deadline colour; the office gets a 催办 button for each pending step listed."""
    if message.chat.type != "private":
        await message.reply(_("projects.private_only"))
        return
    if principal is None or not oversees_all_projects(principal):
        await message.answer(_("projects.not_allowed"))
        return
    text, markup = await _listing(db, directory, principal, ProjectsView(), rules, clock.now())
    await message.answer(text, reply_markup=markup)


async def projects_view(
    query: CallbackQuery, callback_data: ProjectsView, principal: Principal | None, **data: Any
) -> None:
    """A filter or page button: the permission is checked again, the filter read as untrusted input."""
    directory: Directory = data["directory"]
    message = query.message
    if principal is None or not oversees_all_projects(principal) or not isinstance(message, Message):
        await query.answer(_("projects.not_allowed"), show_alert=True)
        return
    if not in_own_private_chat(query):  # the list of every project is shown in private only
        await query.answer(_("taps.private_only"), show_alert=True)
        return
    if await refused_off_message(query):
        return
    view = callback_data
    if (view.u and view.u not in {u.code for u in directory.landing_units()}) or (view.s and view.s not in set(Stage)):
        await query.answer(_("moves.stale"), show_alert=True)
        return
    if view.k is Picking.UNIT:
        units = [(u.code, u.name) for u in directory.landing_units()]
        await message.edit_reply_markup(reply_markup=unit_keyboard(view, units))
    elif view.k is Picking.STAGE:
        await message.edit_reply_markup(reply_markup=stage_keyboard(view))
    else:
        text, markup = await _listing(data["db"], directory, principal, view, data["rules"], data["clock"].now())
        try:
            await message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest as error:
            if "not modified" not in error.message:
                raise
    await query.answer()


async def _listing(
    db: Database,
    directory: Directory,
    principal: Principal,
    view: ProjectsView,
    rules: SupervisionRules,
    now: datetime,
) -> tuple[str, Any]:
    stage = Stage(view.s) if view.s else None
    page = await uc.overview(
        db, person_id=principal.person_id, landing_unit=view.u or None, stage=stage, page=view.p, per_page=PER_PAGE
    )
    signals = await signals_for(db, rules, page.projects, now)
    urges = []
    unit_label = unit_name(directory, view.u) if view.u else _("projects.all_units")
    stage_label = _("stage." + view.s) if view.s else _("projects.all_stages")
    rows = []
    for number, project in enumerate(page.projects, start=page.page * PER_PAGE + 1):
        waiting = project.is_waiting_on()
        rows.append(
            {
                "number": number,
                "name": project.name,
                "unit": unit_name(directory, project.landing_unit),
                "stage": _("stage." + project.stage.value),
                "waiting": role_label(waiting, directory) if waiting else "",
                "since": project.waiting_since(),
                "signal": signals.get(project.id or 0),
            }
        )
        step = urgeable(project)
        if step is not None and step.id is not None and principal.holds(OFFICE):
            urges.append(urge_button(step.id, number, project.name))
    text = render(
        "projects.j2",
        total=page.total,
        unit_label=unit_label,
        stage_label=stage_label,
        rows=rows,
        page=page.page + 1,
        pages=page.pages,
    )
    shown = ProjectsView(u=view.u, s=view.s, p=page.page)
    return text, list_keyboard(shown, unit_label=unit_label, stage_label=stage_label, pages=page.pages, urges=urges)


def router() -> Router:
    """A fresh router with this feature's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.message.register(todo, Command("todo"), F.from_user)
    router.message.register(projects, Command("projects"), F.from_user)
    router.callback_query.register(projects_view, ProjectsView.filter(), F.from_user)
    return router
