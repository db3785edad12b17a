"""/invite: an admin makes a one-time link for a role; /start <code> binds whoever opens it first.

Every tap is checked against the database (the middleware reads the tapper's roles afresh for each update, and
the use case checks again), never against the callback data, which only says where in the menu the admin is.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from html import escape

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.i18n import language_of
from bot.keyboards.invites import (
    InvitePick,
    Mode,
    find_group,
    find_unit,
    groups_for,
    groups_keyboard,
    kinds_keyboard,
    modes_keyboard,
    pages,
    units_keyboard,
)
from bot.render import render
from bot.taps import in_own_private_chat, refused_off_message
from bot.texts import NAME_SHOWN, alert, error_text, quote, role_label
from domain.directory import Directory, Role, RoleKind
from domain.errors import DomainError
from domain.invites import InviteInvalid
from domain.people import Person
from domain.project import Principal
from services.invites import create_invite, redeem_invite
from services.people import held_roles, holders
from storage.uow import Database
from zhikong.clock import Clock

log = logging.getLogger(__name__)


def _is_admin(principal: Principal | None) -> bool:
    return principal is not None and principal.holds(Role(RoleKind.ADMIN))


async def offer_roles(message: Message, principal: Principal | None) -> None:
    if not _is_admin(principal):
        await message.answer(_("invite.admins_only"))
        return
    await message.answer(_("invite.choose_kind"), reply_markup=kinds_keyboard())


async def private_only(message: Message) -> None:
    # An invite link posted in a group could be redeemed by any member: the menu opens in private only.
    await message.answer(_("invite.private_only"))


async def navigate(
    query: CallbackQuery,
    callback_data: InvitePick,
    principal: Principal | None,
    directory: Directory,
    db: Database,
    clock: Clock,
    bot: Bot,
    invite_ttl: timedelta,
) -> None:
    """One tap in the /invite menu: show the next step, or at the end issue the invite."""
    if not _is_admin(principal) or not isinstance(query.message, Message):
        await query.answer(_("invite.admins_only"), show_alert=True)
        return
    if not in_own_private_chat(query):  # an invite shown in a group could be redeemed by any member
        await query.answer(_("invite.private_only"), show_alert=True)
        return
    if await refused_off_message(query):
        return
    assert principal is not None
    pick = callback_data
    kind = next((k for k in RoleKind if k.value == pick.kind), None)
    if kind is None:
        await _show(query, _("invite.choose_kind"), kinds_keyboard())
        return
    role = await _scoped_role(query, pick, kind, directory) if kind.is_scoped else Role(kind)
    if role is None:
        return
    label = role_label(role, directory)
    names = "、".join(p.display_name for p in await holders(db, role)) or _("invite.nobody")
    if pick.mode not in {m.value for m in Mode}:
        text = _("invite.choose_mode").format(role=escape(label), holders=escape(names))
        await _show(query, text, modes_keyboard(pick))
        return
    now = clock.now()
    replaces = pick.mode == Mode.REPLACE.value
    try:
        code = await create_invite(
            db, directory, admin_id=principal.person_id, role=role, replaces_holder=replaces, now=now, ttl=invite_ttl
        )
    except DomainError as refused:  # e.g. the admin lost the role a moment ago, or the directory changed
        await query.answer(alert(error_text(refused)), show_alert=True)
        return
    me = await bot.me()
    card = render(
        "invite_created.j2",
        role=label,
        replaces=replaces,
        holders=names,
        link=f"https://t.me/{me.username}?start={code}",
        code=code,
        expires_at=now + invite_ttl,
    )
    await _show(query, card, None)
    log.info("person %s issued an invite for %s (replaces holder: %s)", principal.person_id, role, replaces)


async def _scoped_role(query: CallbackQuery, pick: InvitePick, kind: RoleKind, directory: Directory) -> Role | None:
    """The role once its unit is picked; until then show the unit groups, or a page of one group's units."""
    groups = groups_for(directory, kind)
    group = find_group(pick.group) if pick.group else (groups[0] if len(groups) == 1 else None)
    kind_label = _("invite.kind." + kind.value)
    if group is None or group not in groups:
        await _show(query, _("invite.choose_group").format(kind=kind_label), groups_keyboard(kind, groups))
        return None
    unit = find_unit(directory, pick.unit) if pick.unit else None
    if unit is None or unit.kind is not group:
        units = directory.of_kind(group)
        count = pages(len(units))
        page = min(max(pick.page, 0), count - 1)  # the directory may have shrunk since the button was sent
        text = (
            _("invite.choose_unit_paged").format(kind=kind_label, page=page + 1, pages=count)
            if count > 1
            else _("invite.choose_unit").format(kind=kind_label)
        )
        await _show(query, text, units_keyboard(kind, group, units, page, back_to_groups=len(groups) > 1))
        return None
    return Role(kind, unit.code)


async def _show(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Turn the menu message into the next step; a repeated tap showing the same step is no error."""
    await query.answer()
    assert isinstance(query.message, Message)
    try:
        await query.message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as error:
        if "not modified" not in error.message:
            raise


async def redeem(
    message: Message, command: CommandObject, db: Database, clock: Clock, person: Person | None, directory: Directory
) -> None:
    """/start <code> from an invite link: bind this account, then say which roles it holds now."""
    user = message.from_user
    assert user is not None  # guaranteed by the F.from_user filter
    language = person.language if person else language_of(user.language_code)
    try:
        assignment = await redeem_invite(
            db,
            telegram_user_id=user.id,
            display_name=user.full_name,
            language=language,
            code=command.args or "",
            now=clock.now(),
        )
    except InviteInvalid as refused:
        # Answered here, in the person's language; the reason (unknown, expired, used) goes only to the log.
        log.info("user %s was refused an invite: %s", user.id, refused)
        await message.answer(error_text(refused))
        return
    roles = await held_roles(db, assignment.person_id)
    lines = "\n".join(f"• {escape(role_label(r, directory))}" for r in sorted(roles))
    await message.answer(_("invite.redeemed").format(name=quote(user.full_name, NAME_SHOWN), roles=lines))


def router() -> Router:
    """A fresh router with this feature's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    # Before the plain /start of bot.handlers.start: a deep link's payload is an invite code.
    router.message.register(redeem, CommandStart(deep_link=True), F.chat.type == "private", F.from_user)
    router.message.register(offer_roles, Command("invite"), F.chat.type == "private")
    router.message.register(private_only, Command("invite"))
    router.callback_query.register(navigate, InvitePick.filter(), F.from_user)
    return router
