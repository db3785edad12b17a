"""The monthly progress update (四(一)): the prompt's button or /update starts it, the person answers a few
questions, reviews and submits (bot.flows.progress).

In a group the bot sees only commands and replies to itself, so each question is a reply-forcing message to one
person and only their reply to it counts. Who may start is the database's answer (the landing unit's staff or
head), never the button's; the other buttons act only on the tapper's own draft.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message, User
from aiogram.utils.i18n import gettext as _

from bot.flows.progress import ProgressFlow, UpdateDraft
from bot.flows.progress_talk import UpdateTalk
from bot.flows.waiting import addressee, from_bot, input_of
from bot.handlers.approvals import GROUP_TYPES
from bot.keyboards.progress import ProgressAct, ProgressAction, ProgressPick, ProgressStage, ProgressStart
from bot.taps import in_chat_of, refused_off_message
from bot.texts import alert, error_text
from domain.progress import NotLandingUnit, UpdateNotOpen
from domain.project import Principal
from services import progress as uc
from services import projects as projects_uc
from storage.uow import Database


def _talk(message: Message, user: User, principal: Principal, data: dict[str, Any], *, taking: str = "") -> UpdateTalk:
    return UpdateTalk(
        bot=data["bot"],
        chat_id=message.chat.id,
        in_group=message.chat.type in GROUP_TYPES,
        user=user,
        principal=principal,
        state=data["state"],
        db=data["db"],
        rules=data["rules"],
        scoring=data["scoring"],
        clock=data["clock"],
        taking=taking,
    )


def _reply_to(message: Message) -> int | None:
    return message.message_id if message.chat.type in GROUP_TYPES else None


# ---- starting ------------------------------------------------------------------------------------------------
async def update_command(message: Message, principal: Principal | None, db: Database, **data: Any) -> None:
    """/update: the group's project; in private the one project owing an update, or a choice of them."""
    user = message.from_user
    assert user is not None
    if principal is None or not principal.roles:
        await message.reply(_("progress.unbound"))
        return
    talk = _talk(message, user, principal, data | {"db": db}, taking=input_of(message))
    if message.chat.type in GROUP_TYPES:
        project = await projects_uc.project_of_group(db, chat_id=message.chat.id)
        if project is None or project.id is None:
            await message.reply(_("progress.group_unbound"))
            return
        await talk.start(project.id, reply_to=message.message_id)
        return
    projects = await uc.projects_to_update(db, data["rules"], person_id=principal.person_id, now=data["clock"].now())
    if not projects:
        await message.answer(_("progress.no_projects"))
    elif len(projects) == 1:
        await talk.start(projects[0].id or 0)
    else:
        await talk.offer(projects)


async def start_tapped(
    query: CallbackQuery, callback_data: ProgressStart, principal: Principal | None, **data: Any
) -> None:
    """The prompt's (or a reminder's) button: the update starts in the chat it was tapped in."""
    message = query.message
    if principal is None or not principal.roles or not isinstance(message, Message):
        await query.answer(_("progress.unbound"), show_alert=True)
        return
    talk = _talk(message, query.from_user, principal, data, taking=input_of(query))
    if await talk.replayed():
        await query.answer()
        return
    # The prompt reaches the project's group, or its unit's people in private: a press elsewhere is forged.
    project = await projects_uc.get_project(data["db"], callback_data.p)
    if not in_chat_of(query, project.group_chat_id):
        await query.answer(_("taps.wrong_chat"), show_alert=True)
        return
    if await refused_off_message(query):
        return
    try:
        await talk.start(callback_data.p)
    except (NotLandingUnit, UpdateNotOpen) as refused:
        await query.answer(alert(error_text(refused)), show_alert=True)
        return
    await query.answer()


async def project_picked(
    query: CallbackQuery, callback_data: ProgressPick, principal: Principal | None, **data: Any
) -> None:
    own = await _own_draft(query, principal, data, ProgressFlow.choosing)
    if own is None:
        return
    talk, draft = own
    if not 0 <= callback_data.i < len(draft.options):
        await query.answer(_("progress.not_your_button"), show_alert=True)
        return
    try:
        await talk.start(draft.options[callback_data.i])
    except (NotLandingUnit, UpdateNotOpen) as refused:
        await query.answer(alert(error_text(refused)), show_alert=True)
        return
    await query.answer()


# ---- buttons on the tapper's own draft ----------------------------------------------------------------------
async def _own_draft(
    query: CallbackQuery, principal: Principal | None, data: dict[str, Any], *states: State
) -> tuple[UpdateTalk, UpdateDraft] | None:
    """The tapper's update in progress, if the tapped message is the one waiting for them in one of `states`;
    else None, and they are told."""
    message = query.message
    if principal is not None and isinstance(message, Message):
        talk = _talk(message, query.from_user, principal, data, taking=input_of(query))
        if await talk.replayed():  # the same tap again, after a crash
            await query.answer()
            return None
        draft = await talk.draft()
        current = await talk.state.get_state()
        if draft is not None and message.message_id == draft.message_id and current in {s.state for s in states}:
            return None if await refused_off_message(query) else (talk, draft)
    await query.answer(_("progress.not_your_button"), show_alert=True)
    return None


async def stage_tapped(
    query: CallbackQuery, callback_data: ProgressStage, principal: Principal | None, **data: Any
) -> None:
    own = await _own_draft(query, principal, data, ProgressFlow.staging)
    if own is None:
        return
    talk, draft = own
    await talk.stage_given(draft, changed=callback_data.changed)
    await query.answer()


async def acted(query: CallbackQuery, callback_data: ProgressAct, principal: Principal | None, **data: Any) -> None:
    """提交 / 重新填写 on the review card; 取消 there or under the stage question."""
    action = callback_data.a
    states = [ProgressFlow.reviewing]
    if action is ProgressAction.CANCEL:
        states.append(ProgressFlow.staging)
    own = await _own_draft(query, principal, data, *states)
    if own is None:
        return
    talk, draft = own
    if action is ProgressAction.SUBMIT:
        await talk.submit(draft)
    elif action is ProgressAction.REDO:
        await talk.redo(draft)
    else:
        await talk.cancel(draft)
    await query.answer()


# ---- answers -------------------------------------------------------------------------------------------------
async def to_my_message(message: Message, state: FSMContext, bot: Bot) -> bool:
    """In private anything but a command; in a group a reply to the message waiting for this person (or to one
    a crash kept from being recorded)."""
    if message.text is not None and message.text.startswith("/"):
        return False
    if message.chat.type not in GROUP_TYPES:
        return True
    draft = UpdateDraft.from_data(await state.get_data())
    replied = message.reply_to_message
    if draft is None or replied is None or message.from_user is None:
        return False
    to_them = from_bot(replied, bot.id) and addressee(replied) == message.from_user.id
    return draft.answers_current(replied.message_id, from_bot_to_this_person=to_them)


async def taken_before(message: Message, state: FSMContext) -> bool:
    """A message the update has acted on already, delivered again (a crash came before it was recorded as
    handled), whatever state the update has moved to since."""
    draft = UpdateDraft.from_data(await state.get_data())
    return draft is not None and draft.taken == input_of(message)


async def taken_again(message: Message, principal: Principal | None, **data: Any) -> None:
    """Send what it led to if that may not have gone; take nothing twice."""
    if principal is not None and message.from_user is not None:
        await _talk(message, message.from_user, principal, data, taking=input_of(message)).replayed()


async def answer_given(message: Message, principal: Principal | None, **data: Any) -> None:
    if principal is None or message.from_user is None:
        return
    talk = _talk(message, message.from_user, principal, data, taking=input_of(message))
    draft = await talk.draft()
    if draft is not None:
        await talk.answer(draft, message.text, reply_to=_reply_to(message))


async def skip(message: Message, principal: Principal | None, **data: Any) -> None:
    if principal is None or message.from_user is None:
        return
    talk = _talk(message, message.from_user, principal, data, taking=input_of(message))
    draft = await talk.draft()
    if draft is not None:
        await talk.skip(draft, reply_to=_reply_to(message))


async def use_buttons(message: Message) -> None:
    """Something typed while the bot waits for a tap: say so (nothing typed goes unanswered)."""
    await message.reply(_("progress.use_buttons"))


async def cancel(message: Message, principal: Principal | None, **data: Any) -> None:
    """/cancel: nothing is submitted."""
    if principal is None or message.from_user is None:
        return
    talk = _talk(message, message.from_user, principal, data, taking=input_of(message))
    draft = await talk.draft()
    if draft is not None:
        await talk.cancel(draft)


# ---- replies to someone else's question (groups) -------------------------------------------------------------
async def to_someone_elses_question(message: Message, state: FSMContext, bot: Bot) -> bool:
    """A reply to an update question the bot put to another person in this group."""
    replied = message.reply_to_message
    if message.chat.type not in GROUP_TYPES or replied is None or message.from_user is None:
        return False
    if not from_bot(replied, bot.id):
        return False
    owner = addressee(replied)
    if owner is None or owner == message.from_user.id:
        return False
    theirs = UpdateDraft.from_data(await state.storage.get_data(dataclasses.replace(state.key, user_id=owner)))
    if theirs is None:
        return False
    return replied.message_id in theirs.asked or theirs.answers_current(
        replied.message_id, from_bot_to_this_person=True
    )


async def someone_elses_question(message: Message) -> None:
    await message.reply(_("progress.not_your_question"))


def router() -> Router:
    """A fresh router with this feature's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    person = F.from_user
    waiting_for_a_tap = StateFilter(ProgressFlow.choosing, ProgressFlow.staging, ProgressFlow.reviewing)
    # First: a message delivered again after a crash is not taken twice, whatever the update's state now.
    router.message.register(taken_again, person, taken_before)
    router.message.register(update_command, Command("update"), person)
    router.message.register(cancel, Command("cancel"), StateFilter(ProgressFlow), person)
    router.message.register(skip, Command("skip"), ProgressFlow.answering, person)
    router.message.register(answer_given, ProgressFlow.answering, person, to_my_message)
    router.message.register(use_buttons, waiting_for_a_tap, person, to_my_message)
    router.message.register(someone_elses_question, person, to_someone_elses_question)
    router.callback_query.register(start_tapped, ProgressStart.filter(), person)
    router.callback_query.register(project_picked, ProgressPick.filter(), person)
    router.callback_query.register(stage_tapped, ProgressStage.filter(), person)
    router.callback_query.register(acted, ProgressAct.filter(), person)
    return router
