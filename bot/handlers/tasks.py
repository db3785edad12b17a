"""交办单 in chat: /problem reports a problem, each step's buttons take it on, /tasks lists what concerns me.

A button carries only the step and an id; whether this person may take that step now is the database's answer
on every tap (the use case checks it once more). The conversations themselves are bot.flows.tasks_talk.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, User
from aiogram.utils.i18n import gettext as _

from bot.flows.tasks import TaskDraft, TaskFlow
from bot.flows.tasks_talk import TaskTalk
from bot.handlers.approvals import GROUP_TYPES
from bot.keyboards.tasks import TalkAction, TaskTalkTap, TaskTap, task_keyboard
from bot.notices_tasks import task_card
from bot.taps import in_own_private_chat, refused_off_message
from domain.calendar import SHANGHAI
from domain.project import Principal
from domain.tasks import (
    REASONED_MOVES,
    TASK_TRANSITIONS,
    TaskItem,
    TaskMove,
    TaskRequest,
    landing_units_of,
    parties_of,
)
from services import projects as projects_uc
from services import tasks as uc

LIST_SHOWN = 10  # /tasks sends one message per 交办单; beyond this many it says how many more there are


def talk_for(message: Message, user: User, principal: Principal, data: dict[str, Any]) -> TaskTalk:
    return TaskTalk(
        bot=data["bot"],
        chat_id=message.chat.id,
        in_group=message.chat.type in GROUP_TYPES,
        user=user,
        principal=principal,
        state=data["state"],
        db=data["db"],
        directory=data["directory"],
        clock=data["clock"],
        rules=data["rules"],
    )


def _bound(principal: Principal | None) -> Principal | None:
    return principal if principal is not None and principal.roles else None


# ---- /problem -------------------------------------------------------------------------------------------------
async def problem(message: Message, principal: Principal | None, **data: Any) -> None:
    """/problem: in a project's group the problem is about that project; in private about none in particular."""
    someone = _bound(principal)
    if someone is None or message.from_user is None:
        await message.answer(_("moves.unbound"))
        return
    units = landing_units_of(someone, data["directory"])
    project_id, project_name = None, ""
    in_group = message.chat.type in GROUP_TYPES
    if in_group:
        project = await projects_uc.project_of_group(data["db"], chat_id=message.chat.id)
        if project is None:
            await message.reply(_("tasks.problem.unbound_group"))
            return
        project_id, project_name = project.id, project.name
        units = [u for u in units if u == project.landing_unit]
    if not units:
        await message.reply(_("tasks.problem.not_landing"))
        return
    talk = talk_for(message, message.from_user, someone, data)
    await talk.start_report(units[0], project_id, project_name, message.message_id if in_group else None)


# ---- a step's button --------------------------------------------------------------------------------------------
async def step_tapped(query: CallbackQuery, callback_data: TaskTap, principal: Principal | None, **data: Any) -> None:
    message, someone = query.message, _bound(principal)
    if someone is None or not isinstance(message, Message):
        await query.answer(_("moves.unbound"), show_alert=True)
        return
    move, ident = callback_data.m, callback_data.i
    db, clock = data["db"], data["clock"]
    today = clock.now().astimezone(SHANGHAI).date()
    item: TaskItem | None = None
    if move in (TaskMove.COMPLETE_ITEM, TaskMove.CRITICIZE):
        request = await uc.task_of_item(db, ident)
        item = request.item(ident)
        offered = request.item_moves_for(someone, item, today)
    else:
        request = await uc.get_task(db, ident)
        offered = request.moves_for(someone)
    if not await _in_its_chat(query, message, db, request.project_id):
        await query.answer(_("taps.wrong_chat"), show_alert=True)
        return
    if move not in offered:
        mine = parties_of(someone, item) & TASK_TRANSITIONS[move].parties
        await query.answer(_("tasks.stale") if mine else _("tasks.not_yours"), show_alert=True)
        return
    if await refused_off_message(query):
        return
    talk = talk_for(message, query.from_user, someone, data)
    if move is TaskMove.PREPARE:
        await talk.start_prepare(ident, message.message_id)
    elif move in REASONED_MOVES or move is TaskMove.COMPLETE_ITEM:
        await talk.start_answer(move, ident, message.message_id, seq=item.seq if item else 0)
    else:
        await _at_once(talk, move, request, item, message.message_id)
    await query.answer()


async def _in_its_chat(query: CallbackQuery, message: Message, db: Any, project_id: int | None) -> bool:
    """A 交办单's buttons reach people in private, and its project's group: nowhere else."""
    if in_own_private_chat(query):
        return True
    bound = await projects_uc.project_of_group(db, chat_id=message.chat.id) if project_id is not None else None
    return bound is not None and bound.id == project_id


async def _at_once(talk: TaskTalk, move: TaskMove, request: TaskRequest, item: TaskItem | None, origin: int) -> None:
    """同意, 下发, 通报批评: nothing to ask."""
    now, person, request_id = talk.clock.now(), talk.principal.person_id, request.id or 0
    if move is TaskMove.APPROVE:
        await uc.approve_task(talk.db, person_id=person, request_id=request_id, now=now)
        done = _("tasks.done.approve").format(id=request_id)
    elif move is TaskMove.ISSUE:
        issued = await uc.issue_task(talk.db, talk.rules, person_id=person, request_id=request_id, now=now)
        done = _("tasks.done.issue").format(id=request_id, count=len(issued.items))
    else:
        assert item is not None and item.id is not None
        criticized = await uc.criticize_item(talk.db, person_id=person, item_id=item.id, now=now)
        done = _("tasks.done.criticize").format(seq=criticized.seq, unit=talk.directory.unit(criticized.unit).name)
    await talk.done(origin, done)


# ---- conversations ------------------------------------------------------------------------------------------
async def to_my_question(message: Message, state: FSMContext) -> bool:
    """In private any text but a command; in a group only a reply to the question out for this person."""
    if message.text is None or message.text.startswith("/"):
        return False
    if message.chat.type not in GROUP_TYPES:
        return True
    draft = TaskDraft.from_data(await state.get_data())
    replied = message.reply_to_message
    return draft is not None and replied is not None and replied.message_id == draft.question_id


async def answer_given(message: Message, principal: Principal | None, **data: Any) -> None:
    someone = _bound(principal)
    if someone is None or message.from_user is None or message.text is None:
        return
    talk = talk_for(message, message.from_user, someone, data)
    draft = await talk.draft()
    if draft is not None:
        reply_to = message.message_id if message.chat.type in GROUP_TYPES else None
        await talk.answer(draft, message.text, reply_to=reply_to)


async def talk_tapped(
    query: CallbackQuery, callback_data: TaskTalkTap, principal: Principal | None, **data: Any
) -> None:
    """确认, 完成, 撤销上一项, 取消: only on the tapper's own conversation, on its latest message."""
    message, someone = query.message, _bound(principal)
    talk = talk_for(message, query.from_user, someone, data) if someone and isinstance(message, Message) else None
    draft = await talk.draft() if talk else None
    if talk is None or draft is None or not isinstance(message, Message) or message.message_id != draft.question_id:
        await query.answer(_("tasks.not_your_draft"), show_alert=True)
        return
    if await refused_off_message(query):
        return
    state, action = await talk.state.get_state(), callback_data.a
    if action is TalkAction.CANCEL:
        await talk.cancel(draft)
    elif action is TalkAction.CONFIRM and state in (TaskFlow.confirming.state, TaskFlow.reviewing.state):
        await talk.confirm(draft)
    elif action is TalkAction.FINISH and state == TaskFlow.items.state:
        await talk.review(draft)
    elif action is TalkAction.UNDO and state in (TaskFlow.items.state, TaskFlow.reviewing.state):
        await talk.undo(draft)
    else:
        await query.answer(_("tasks.stale"), show_alert=True)
        return
    await query.answer()


async def cancel(message: Message, principal: Principal | None, **data: Any) -> None:
    someone = _bound(principal)
    if someone is None or message.from_user is None:
        return
    talk = talk_for(message, message.from_user, someone, data)
    draft = await talk.draft()
    if draft is not None:
        await talk.cancel(draft)


# ---- /tasks ---------------------------------------------------------------------------------------------------
async def list_tasks(message: Message, principal: Principal | None, **data: Any) -> None:
    """/tasks in private: each 交办单 that concerns me, with the buttons of what I may do about it now."""
    if message.chat.type != "private":
        await message.reply(_("tasks.list.private_only"))
        return
    someone = _bound(principal)
    if someone is None:
        await message.answer(_("moves.unbound"))
        return
    db, directory = data["db"], data["directory"]
    today = data["clock"].now().astimezone(SHANGHAI).date()
    views = await uc.tasks_for(db, someone.person_id)
    if not views:
        await message.answer(_("tasks.list.empty"))
        return
    for view in views[:LIST_SHOWN]:
        request = view.request
        params = uc.task_params(request, view.project_name)
        status = _("tasks.list.status").format(status=_("tasks.status." + request.status.value))
        text = task_card(params, directory, headline=_("tasks.list.entry"), kind="list", status_label=status)
        item_moves = [
            (item.id or 0, item.seq, move)
            for item in request.items
            for move in request.item_moves_for(someone, item, today)
        ]
        await message.answer(text, reply_markup=task_keyboard(request.id or 0, request.moves_for(someone), item_moves))
    if len(views) > LIST_SHOWN:
        await message.answer(_("tasks.list.more").format(count=len(views) - LIST_SHOWN))


def router() -> Router:
    """A fresh router with this feature's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    person = F.from_user
    router.message.register(problem, Command("problem"), person)
    router.message.register(list_tasks, Command("tasks"), person)
    router.message.register(cancel, Command("cancel"), StateFilter(TaskFlow), person)
    router.message.register(answer_given, StateFilter(TaskFlow), person, to_my_question)
    router.callback_query.register(step_tapped, TaskTap.filter(), person)
    router.callback_query.register(talk_tapped, TaskTalkTap.filter(), person)
    return router
