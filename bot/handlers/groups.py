"""Groups: the bot asks to be bound when added; /bind ties the group to a new or existing project."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import JOIN_TRANSITION, ChatMemberUpdatedFilter, Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ChatMemberUpdated, ForceReply, Message
from aiogram.utils.i18n import gettext as _

from bot.flows.groups import BindFlow
from bot.keyboards.groups import BindProject, NewProject, binding_keyboard, unit_keyboard
from bot.taps import in_group, pressed_message, refused_off_message, take_buttons_off
from bot.texts import alert, error_text, quote
from domain.directory import Directory
from domain.form import NAME_MAX_LENGTH
from domain.project import Principal, ProjectHasGroup
from services import groups as groups_uc
from services import projects as uc
from storage.uow import Database
from zhikong.clock import Clock

GROUPS = F.chat.type.in_({"group", "supergroup"})


async def bot_added(event: ChatMemberUpdated, db: Database) -> None:
    async with db.uow(read_only=True) as uow:
        project = await uow.projects.by_group_chat(event.chat.id)
    if project is None:
        await event.answer(_("group.welcome"))
    else:
        await event.answer(_("group.welcome_back").format(name=quote(project.name, NAME_MAX_LENGTH)))


async def bind(message: Message, db: Database, directory: Directory, principal: Principal | None) -> None:
    if principal is None or not principal.roles:
        await message.reply(_("group.bind_unbound_person"))
        return
    async with db.uow(read_only=True) as uow:
        current = await uow.projects.by_group_chat(message.chat.id)
    if current is not None:
        await message.reply(_("group.already_bound").format(name=quote(current.name, NAME_MAX_LENGTH)))
        return
    projects = await groups_uc.projects_for_binding(db, directory, person_id=principal.person_id)
    can_open = bool(uc.landing_units_of(directory, principal))
    if not projects and not can_open:
        await message.reply(_("group.bind_not_allowed"))
        return
    await message.reply(_("group.bind_choose"), reply_markup=binding_keyboard(projects, can_open))


async def _stale_group(query: CallbackQuery, db: Database) -> bool:
    """A binding button is for an unbound group: anywhere else, or once the group is bound, it is stale."""
    if not in_group(query):
        await query.answer(_("taps.group_only"), show_alert=True)
        return True
    bound = await uc.project_of_group(db, chat_id=query.message.chat.id) if query.message else None
    if bound is not None:
        await query.answer(_("group.already_bound").format(name=bound.name), show_alert=True)
        await take_buttons_off(query)
        return True
    return False


async def bind_existing(
    query: CallbackQuery, callback_data: BindProject, db: Database, clock: Clock, principal: Principal | None
) -> None:
    message = pressed_message(query)
    if principal is None or message is None:
        await query.answer(_("group.bind_unbound_person"), show_alert=True)
        return
    if await _stale_group(query, db):
        return
    # Who may bind is the database's answer, given before the message is looked at (the more useful refusal).
    await groups_uc.check_binder(db, person_id=principal.person_id, project_id=callback_data.project_id)
    if await refused_off_message(query):
        return
    try:
        project = await groups_uc.bind_group(
            db,
            person_id=principal.person_id,
            project_id=callback_data.project_id,
            chat_id=message.chat.id,
            now=clock.now(),
        )
    except ProjectHasGroup as refused:  # bound from another group since this offer was made
        await query.answer(alert(error_text(refused)), show_alert=True)
        await take_buttons_off(query)
        return
    await query.answer(_("group.bound").format(name=project.name))  # an alert is plain text
    await message.edit_text(_("group.bound").format(name=quote(project.name, NAME_MAX_LENGTH)))


async def choose_unit(
    query: CallbackQuery,
    callback_data: NewProject,
    state: FSMContext,
    db: Database,
    directory: Directory,
    principal: Principal | None,
) -> None:
    units = uc.landing_units_of(directory, principal) if principal else []
    message = pressed_message(query)
    if not units or message is None:
        await query.answer(_("group.bind_not_allowed"), show_alert=True)
        return
    if await _stale_group(query, db) or await refused_off_message(query):
        return
    unit = callback_data.unit or (units[0] if len(units) == 1 else "")
    if not unit:
        await query.answer()
        await message.edit_text(_("group.which_unit"), reply_markup=unit_keyboard(units, directory))
        return
    if unit not in units:
        await query.answer(_("group.bind_not_allowed"), show_alert=True)
        return
    if await state.get_state() == BindFlow.naming.state and (await state.get_data()).get("unit") == unit:
        await query.answer(_("taps.already_started"), show_alert=True)  # the same press again: asked already
        return
    await query.answer()
    name = query.from_user.mention_html()
    question = await message.answer(
        _("group.ask_name").format(person=name, unit=directory.unit(unit).name),
        reply_markup=ForceReply(selective=True, input_field_placeholder=_("group.name_placeholder")),
    )
    await state.set_state(BindFlow.naming)
    await state.update_data(unit=unit, question_id=question.message_id)


async def name_given(
    message: Message,
    state: FSMContext,
    db: Database,
    directory: Directory,
    clock: Clock,
    principal: Principal | None,
) -> None:
    data = await state.get_data()
    replied = message.reply_to_message.message_id if message.reply_to_message else None
    if message.chat.type != "private" and replied != data.get("question_id"):
        raise SkipHandler  # not the answer to the bot's question: the later routers (the fallback's hint) decide
    if principal is None or not message.text:
        await message.reply(_("group.ask_name_again"), reply_markup=ForceReply(selective=True))
        return
    project = await groups_uc.open_project_in_group(
        db,
        directory,
        person_id=principal.person_id,
        name=message.text,
        landing_unit=data["unit"],
        chat_id=message.chat.id,
        now=clock.now(),
    )
    await state.clear()
    await message.reply(_("group.created_and_bound").format(name=quote(project.name, NAME_MAX_LENGTH)))


def router() -> Router:
    """A fresh router with this feature's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.my_chat_member.register(bot_added, ChatMemberUpdatedFilter(JOIN_TRANSITION), GROUPS)
    router.message.register(bind, Command("bind"), GROUPS)
    router.callback_query.register(bind_existing, BindProject.filter())
    router.callback_query.register(choose_unit, NewProject.filter())
    router.message.register(name_given, BindFlow.naming, GROUPS, F.text, ~F.text.startswith("/"))
    return router
