"""/form: the 《落地审批表》 filled in by answering the bot, in the project's group or in private.

In a group the bot sees only commands and replies to itself (privacy mode), so every question is a message
addressed to one person, and only that person's reply to it is taken. Who taps a button is checked against
the tapper's own place in the conversation, never read from the button.
"""

from __future__ import annotations

import dataclasses
import html
from typing import Any

from aiogram import Bot, F, Router
from aiogram.enums import ParseMode
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Chat, Message, ReplyParameters, User
from aiogram.utils.i18n import gettext as _

from bot.flows.form import FormFlow, Place
from bot.flows.form_talk import FormTalk
from bot.flows.waiting import addressee, from_bot, input_of
from bot.handlers.approvals import GROUP_TYPES
from bot.keyboards.form import FormAct, FormAction, FormEdit, FormPick
from bot.taps import refused_off_message
from domain.form import FORM_FIELDS
from domain.project import Principal
from services import projects as uc
from storage.uow import Database

ASKING = StateFilter(FormFlow.answering, FormFlow.arguing)
_ASKING_STATES = frozenset({FormFlow.answering.state, FormFlow.arguing.state})
WAITING_FOR_A_TAP = StateFilter(FormFlow.choosing, FormFlow.reviewing, FormFlow.confirming)


def _talk(chat: Chat, user: User, principal: Principal, data: dict[str, Any], *, taking: str = "") -> FormTalk:
    return FormTalk(
        bot=data["bot"],
        chat_id=chat.id,
        in_group=chat.type in GROUP_TYPES,
        user=user,
        person_id=principal.person_id,
        state=data["state"],
        db=data["db"],
        directory=data["directory"],
        clock=data["clock"],
        raw_state=data.get("raw_state"),
        taking=taking,
    )


def _talk_for(message: Message, principal: Principal, data: dict[str, Any]) -> FormTalk:
    return _talk(message.chat, _sender(message), principal, data, taking=input_of(message))


# ---- the same message again ----------------------------------------------------------------------------------
async def taken_before(message: Message, state: FSMContext) -> bool:
    """A message the form has acted on already, delivered again (a crash came before it was recorded as handled),
    whatever state the conversation has moved to since."""
    return Place.from_data(await state.get_data()).taken == input_of(message)


async def taken_again(message: Message, principal: Principal, **data: Any) -> None:
    """Send what it led to if that may not have gone; take nothing twice."""
    await _talk_for(message, principal, data).replayed()


def _reply_to(message: Message) -> int | None:
    # In a group the question replies to the person's message, so their client opens the reply (selective).
    return message.message_id if message.chat.type in GROUP_TYPES else None


# ---- commands ------------------------------------------------------------------------------------------------
async def open_form(message: Message, principal: Principal | None, db: Database, **data: Any) -> None:
    """/form: the group's project, or in private the person's projects whose form is editable."""
    await _open(message, principal, db, review=False, data=data)


async def open_review(message: Message, principal: Principal | None, db: Database, **data: Any) -> None:
    """/review outside a question: the card of the group's (or the person's) project."""
    await _open(message, principal, db, review=True, data=data)


async def _open(
    message: Message, principal: Principal | None, db: Database, *, review: bool, data: dict[str, Any]
) -> None:
    user = message.from_user
    assert user is not None
    if principal is None or not principal.roles:
        await message.reply(
            _("start.unbound").format(name=html.escape(user.full_name), telegram_id=user.id), parse_mode=ParseMode.HTML
        )
        return
    talk = _talk(message.chat, user, principal, data | {"db": db}, taking=input_of(message))
    if message.chat.type in GROUP_TYPES:
        project = await uc.project_of_group(db, chat_id=message.chat.id)
        if project is None or project.id is None:
            await message.reply(_("form.group_unbound"))
            return
        await talk.open(project.id, review=review, reply_to=message.message_id)
        return
    projects = await uc.editable_projects(db, person_id=principal.person_id)
    place = await talk.place()
    current = [p for p in projects if p.id == place.project_id]
    if not projects:
        await message.answer(_("form.no_projects"))
    elif len(projects) == 1 or (review and current):
        chosen = current[0] if current else projects[0]
        assert chosen.id is not None
        await talk.open(chosen.id, review=review)
    else:
        await talk.offer_projects(projects, review=review)


async def in_form_review(message: Message, principal: Principal, **data: Any) -> None:
    """/review during a question: the card of the form being filled in."""
    talk = _talk_for(message, principal, data)
    place = await talk.place()
    assert place.project_id is not None
    await talk.review(await uc.get_project(talk.db, place.project_id), place, reply_to=_reply_to(message))


async def skip(message: Message, principal: Principal, **data: Any) -> None:
    """/skip: leave an optional field and go on (a required one is asked again)."""
    talk = _talk_for(message, principal, data)
    await talk.skip(await talk.place(), reply_to=_reply_to(message))


async def back(message: Message, principal: Principal, **data: Any) -> None:
    """The previous question; from the date of the 论证, back to the card."""
    talk = _talk_for(message, principal, data)
    place = await talk.place()
    if data.get("raw_state") == FormFlow.arguing.state:
        assert place.project_id is not None
        await talk.review(await uc.get_project(talk.db, place.project_id), place, reply_to=_reply_to(message))
    else:
        await talk.back(place, reply_to=_reply_to(message))


async def cancel(message: Message, principal: Principal, **data: Any) -> None:
    """/cancel: pause; the draft is in the database and /form resumes."""
    await _talk_for(message, principal, data).pause()


# ---- answers -------------------------------------------------------------------------------------------------
async def to_the_question(message: Message, state: FSMContext, bot: Bot) -> bool:
    """In private any message but a command; in a group a reply to the bot's message waiting for this person
    (or to one a crash kept from being recorded)."""
    if message.text is not None and message.text.startswith("/"):
        return False
    if message.chat.type not in GROUP_TYPES:
        return True
    place = Place.from_data(await state.get_data())
    replied = message.reply_to_message
    if replied is None or message.from_user is None:
        return False
    to_them = from_bot(replied, bot.id) and addressee(replied) == message.from_user.id
    return place.answers_current(replied.message_id, from_bot_to_this_person=to_them)


async def answer_given(message: Message, principal: Principal, **data: Any) -> None:
    talk = _talk_for(message, principal, data)
    await talk.answer(await talk.place(), message.text, reply_to=_reply_to(message))


async def date_given(message: Message, principal: Principal, **data: Any) -> None:
    talk = _talk_for(message, principal, data)
    await talk.argued(await talk.place(), message.text, reply_to=_reply_to(message))


async def use_buttons(message: Message) -> None:
    """Something typed while the bot waits for a tap: say so (nothing typed goes unanswered)."""
    await message.reply(_("form.use_buttons"))


# ---- replies to questions that are not this person's current one (groups) ----------------------------------
async def to_an_old_question(message: Message, state: FSMContext, raw_state: str | None) -> bool:
    """A reply to one of this person's earlier questions here, or to the one they paused."""
    if message.chat.type not in GROUP_TYPES or message.reply_to_message is None:
        return False
    place = Place.from_data(await state.get_data())
    replied = message.reply_to_message.message_id
    return replied in place.asked or (replied == place.message_id and raw_state is None)


async def old_question(message: Message, state: FSMContext, raw_state: str | None) -> None:
    """Point at the message that waits for them now (or say the form is paused)."""
    place = Place.from_data(await state.get_data())
    if raw_state is None or place.message_id is None:
        await message.reply(_("form.paused_reply"))
        return
    text = _("form.answer_latest") if raw_state in _ASKING_STATES else _("form.use_buttons")
    pointer = ReplyParameters(message_id=place.message_id, allow_sending_without_reply=True)
    await message.answer(text, reply_parameters=pointer)


async def to_someone_elses_question(message: Message, state: FSMContext, bot: Bot) -> bool:
    """A reply to a form question the bot put to another person in this group."""
    replied = message.reply_to_message
    if message.chat.type not in GROUP_TYPES or replied is None or message.from_user is None:
        return False
    if not from_bot(replied, bot.id):
        return False
    owner = addressee(replied)
    if owner is None or owner == message.from_user.id:
        return False
    theirs = Place.from_data(await state.storage.get_data(dataclasses.replace(state.key, user_id=owner)))
    return replied.message_id in theirs.asked or theirs.answers_current(
        replied.message_id, from_bot_to_this_person=True
    )


async def someone_elses_question(message: Message) -> None:
    await message.reply(_("form.not_your_question"))


# ---- buttons -------------------------------------------------------------------------------------------------
async def _replayed_tap(query: CallbackQuery, principal: Principal | None, data: dict[str, Any]) -> bool:
    """True if this very tap was acted on already (delivered again after a crash): what it led to is sent if
    it may not have gone, and the tap is answered."""
    if principal is None or not isinstance(query.message, Message):
        return False
    if not await _talk(query.message.chat, query.from_user, principal, data, taking=input_of(query)).replayed():
        return False
    await query.answer()
    return True


async def _tapped_place(query: CallbackQuery, state: FSMContext, raw_state: str | None) -> Place | None:
    """The tapper's place if the button is on the message waiting for them; else they are told, and None."""
    place = Place.from_data(await state.get_data())
    message = query.message
    if isinstance(message, Message) and message.message_id == place.message_id and raw_state:
        return place
    stale = isinstance(message, Message) and (
        message.message_id in place.asked or message.message_id == place.message_id
    )
    await query.answer(_("form.stale") if stale else _("form.not_yours"), show_alert=True)
    return None


async def picked(query: CallbackQuery, callback_data: FormPick, principal: Principal | None, **data: Any) -> None:
    """A choice under a question, or a project from the list."""
    state: FSMContext = data["state"]
    if await _replayed_tap(query, principal, data):
        return
    place = await _tapped_place(query, state, data.get("raw_state"))
    if place is None or await refused_off_message(query):
        return
    if principal is None or not 0 <= callback_data.i < len(place.options) or not isinstance(query.message, Message):
        await query.answer(_("form.stale"), show_alert=True)
        return
    talk = _talk(query.message.chat, query.from_user, principal, data, taking=input_of(query))
    value = place.options[callback_data.i]
    current = data.get("raw_state")
    if current == FormFlow.choosing.state:
        await talk.open(int(value), review=place.review)
    elif current == FormFlow.answering.state:
        await talk.answer(place, value)
    else:
        await query.answer(_("form.stale"), show_alert=True)
        return
    await query.answer()


async def edit_field(query: CallbackQuery, callback_data: FormEdit, principal: Principal | None, **data: Any) -> None:
    """A field tapped on the review card: ask it, then back to the card."""
    state: FSMContext = data["state"]
    if await _replayed_tap(query, principal, data):
        return
    place = await _tapped_place(query, state, data.get("raw_state"))
    if place is None or await refused_off_message(query):
        return
    reviewing = data.get("raw_state") == FormFlow.reviewing.state
    if (
        principal is None
        or not reviewing
        or not 0 <= callback_data.f < len(FORM_FIELDS)
        or not isinstance(query.message, Message)
    ):
        await query.answer(_("form.stale"), show_alert=True)
        return
    talk = _talk(query.message.chat, query.from_user, principal, data, taking=input_of(query))
    await talk.edit(place, FORM_FIELDS[callback_data.f].name)
    await query.answer()


async def acted(query: CallbackQuery, callback_data: FormAct, principal: Principal | None, **data: Any) -> None:
    """Skip, submit, confirm, 论证已完成, back to the card, or pause."""
    state: FSMContext = data["state"]
    if await _replayed_tap(query, principal, data):
        return
    place = await _tapped_place(query, state, data.get("raw_state"))
    if place is None or await refused_off_message(query):
        return
    current = data.get("raw_state")
    allowed = _ACTIONS_IN.get(current, frozenset())
    if principal is None or callback_data.a not in allowed or not isinstance(query.message, Message):
        await query.answer(_("form.stale"), show_alert=True)
        return
    talk = _talk(query.message.chat, query.from_user, principal, data, taking=input_of(query))
    action = callback_data.a
    if action is FormAction.SKIP:
        await talk.skip(place)
    elif action is FormAction.SUBMIT:
        await talk.submit(place)
    elif action is FormAction.CONFIRM:
        await talk.send_in(place)
    elif action is FormAction.ARGUED:
        await talk.ask_argued_on(place)
    elif action is FormAction.REVIEW:
        assert place.project_id is not None
        await talk.review(await uc.get_project(talk.db, place.project_id), place)
    else:
        await talk.pause()
    await query.answer()


_ACTIONS_IN: dict[str | None, frozenset[FormAction]] = {
    FormFlow.answering.state: frozenset({FormAction.SKIP}),
    FormFlow.reviewing.state: frozenset({FormAction.SUBMIT, FormAction.PAUSE}),
    FormFlow.confirming.state: frozenset({FormAction.CONFIRM, FormAction.ARGUED, FormAction.REVIEW}),
}


def bound(_: object, principal: Principal | None) -> bool:
    """The person is known to the bot (a conversation outlives a revoked binding; then the fallback answers)."""
    return principal is not None


def _sender(message: Message) -> User:
    assert message.from_user is not None  # the router's filters let only messages with a sender through
    return message.from_user


def router() -> Router:
    """A fresh router with this feature's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    person = F.from_user
    in_form = StateFilter(FormFlow)
    in_project = StateFilter(FormFlow.answering, FormFlow.arguing, FormFlow.reviewing, FormFlow.confirming)
    # First: a message delivered again after a crash is not taken twice, whatever the conversation's state now.
    router.message.register(taken_again, person, bound, taken_before)
    router.message.register(open_form, Command("form"), person)
    router.message.register(in_form_review, Command("review"), in_project, person, bound)
    router.message.register(open_review, Command("review"), person)
    router.message.register(skip, Command("skip"), ASKING, person, bound)
    router.message.register(back, Command("back"), ASKING, person, bound)
    router.message.register(cancel, Command("cancel"), in_form, person, bound)
    router.message.register(answer_given, FormFlow.answering, person, bound, to_the_question)
    router.message.register(date_given, FormFlow.arguing, person, bound, to_the_question)
    router.message.register(use_buttons, WAITING_FOR_A_TAP, person, to_the_question)
    router.message.register(old_question, person, to_an_old_question)
    router.message.register(someone_elses_question, person, to_someone_elses_question)
    router.callback_query.register(picked, FormPick.filter())
    router.callback_query.register(edit_field, FormEdit.filter())
    router.callback_query.register(acted, FormAct.filter())
    return router
