"""/outbox: the office sees every message that did not surely arrive — Telegram refused it, or the bot was cut
short (a timeout, a crash) while sending it — and deals with each after a look: 查看 shows it as it would be
sent, 补发 sends it again marked as a re-send, 不需补发 closes it (e.g. the office confirmed by phone that it came).

In private only, for the 领导小组办公室 only; each tap is checked against the presser's roles in the database, the
chat it was pressed in and the row's current state, so an old, repeated or forged tap is answered and changes
nothing.
"""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from bot import notices
from bot.keyboards.outbox import FROM_PREVIEW, Act, OutboxPage, OutboxTap, list_keyboard, preview_keyboard
from bot.outbox_view import marked_as_resend, row_view
from bot.render import render
from domain.directory import Directory, Role, RoleKind
from domain.project import Principal
from services import outbox as uc
from storage.uow import Database
from zhikong.clock import Clock

log = logging.getLogger(__name__)
PER_PAGE = 5
OFFICE = Role(RoleKind.OFFICE)


def _is_office(principal: Principal | None) -> bool:
    return principal is not None and principal.holds(OFFICE)


async def outbox_command(message: Message, bot: Bot, db: Database, principal: Principal | None) -> None:
    """/outbox in private: the first page of the messages waiting for the office's decision."""
    if message.chat.type != "private":
        await message.reply(_("outbox.private_only"))
        return
    if principal is None or not _is_office(principal):
        await message.answer(_("outbox.office_only"))
        return
    text, markup = await _listing(bot, db, principal, 0)
    await message.answer(text, reply_markup=markup)


async def _listing(bot: Bot, db: Database, principal: Principal, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    found = await uc.doubtful_page(db, person_id=principal.person_id, page=page, per_page=PER_PAGE)
    first = found.page * PER_PAGE + 1
    views = [row_view(n, row, await _group_title(bot, row)) for n, row in enumerate(found.rows, start=first)]
    text = render("outbox_list.j2", rows=views, total=found.total, page=found.page + 1, pages=found.pages)
    if not found.rows:
        return text, None
    numbered = [(view.number, row.id) for view, row in zip(views, found.rows, strict=True)]
    return text, list_keyboard(numbered, found.page, found.pages)


async def _group_title(bot: Bot, row: uc.DoubtfulRow) -> str | None:
    """A group's title as its members see it; None for a private chat, or a group the bot cannot see any more."""
    if row.chat_id > 0:
        return None
    try:
        chat = await bot.get_chat(row.chat_id)
    except TelegramAPIError:
        return None
    return chat.title


def _refusal(query: CallbackQuery, principal: Principal | None) -> str | None:
    """Why this tap may not act: pressed outside the presser's own private chat, or by someone not the office."""
    message = query.message
    if message is None or message.chat.type != "private" or message.chat.id != query.from_user.id:
        return _("outbox.private_only")
    if not _is_office(principal):
        return _("outbox.office_only")
    return None


async def page_tapped(
    query: CallbackQuery, callback_data: OutboxPage, bot: Bot, db: Database, principal: Principal | None
) -> None:
    refusal = _refusal(query, principal)
    if refusal is not None or principal is None:
        await query.answer(refusal, show_alert=True)
        return
    if isinstance(query.message, Message):
        await _edit_listing(query.message, bot, db, principal, callback_data.p)
    await query.answer()


async def _edit_listing(message: Message, bot: Bot, db: Database, principal: Principal, page: int) -> None:
    text, markup = await _listing(bot, db, principal, page)
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as error:
        if "not modified" not in error.message:
            raise


async def row_tapped(
    query: CallbackQuery,
    callback_data: OutboxTap,
    bot: Bot,
    db: Database,
    directory: Directory,
    clock: Clock,
    principal: Principal | None,
) -> None:
    """查看, 补发 or 不需补发 on one row."""
    refusal = _refusal(query, principal)
    if refusal is not None or principal is None:
        await query.answer(refusal, show_alert=True)
        return
    if callback_data.a is Act.VIEW:
        row = await uc.doubtful_row(db, person_id=principal.person_id, row_id=callback_data.r)
        if row is None:
            await query.answer(_("outbox.already"), show_alert=True)
            return
        await query.answer()
        await _preview(bot, query.from_user.id, row, db, directory, clock)
        return
    act = uc.resend if callback_data.a is Act.RESEND else uc.not_needed
    handling = await act(db, person_id=principal.person_id, row_id=callback_data.r, now=clock.now())
    if handling.outcome is uc.Handled.MISSING or handling.row is None:
        await query.answer(_("outbox.stale"), show_alert=True)
        return
    if handling.outcome is uc.Handled.ALREADY:
        await query.answer(_("outbox.already"), show_alert=True)
        return
    resent = callback_data.a is Act.RESEND
    await query.answer(_("outbox.resent") if resent else _("outbox.dismissed"))
    view = row_view(0, handling.row, await _group_title(bot, handling.row))
    head = _("outbox.resent_head") if resent else _("outbox.dismissed_head")
    await bot.send_message(query.from_user.id, render("outbox_row.j2", head=head, row=view))
    if callback_data.p != FROM_PREVIEW and isinstance(query.message, Message):
        await _edit_listing(query.message, bot, db, principal, callback_data.p)


async def _preview(
    bot: Bot, chat_id: int, row: uc.DoubtfulRow, db: Database, directory: Directory, clock: Clock
) -> None:
    """The row's message as a 补发 would send it (in its reader's language, with the marker, without its own
    buttons, which act only where they were sent), and the row's 补发 / 不需补发 under it."""
    view = row_view(0, row, await _group_title(bot, row))
    i18n = get_i18n()
    try:
        with i18n.use_locale(row.reader_language or i18n.default_locale):
            context = notices.NoticeContext(row.message_key, row.params, row.chat_id, directory)
            notice = notices.build_notice(context)
            if notice is not None:
                notice = marked_as_resend(notice)
                stored = None
                if notice.attachment is not None:
                    source = notices.file_source_for(notice.attachment, db, directory, clock)
                    stored = await source.load(notice.attachment.key)
    except Exception:
        log.exception("outbox row %s could not be shown", row.id)
        await bot.send_message(chat_id, render("outbox_row.j2", head=_("outbox.preview_failed"), row=view))
        return
    if notice is None:
        await bot.send_message(chat_id, render("outbox_row.j2", head=_("outbox.preview_empty"), row=view))
        return
    await bot.send_message(chat_id, render("outbox_row.j2", head=_("outbox.preview_head"), row=view))
    buttons = preview_keyboard(row.id)
    if notice.attachment is None or stored is None:
        await bot.send_message(chat_id, notice.text, reply_markup=buttons)
        return
    file = stored.telegram_file_id or BufferedInputFile(stored.data, stored.name)
    if notice.attachment.kind is notices.AttachmentKind.PHOTO:
        await bot.send_photo(chat_id, file, caption=notice.text, reply_markup=buttons)
    else:
        await bot.send_document(chat_id, file, caption=notice.text, reply_markup=buttons)


def router() -> Router:
    """A fresh router with this feature's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.message.register(outbox_command, Command("outbox"), F.from_user)
    router.callback_query.register(row_tapped, OutboxTap.filter(), F.from_user)
    router.callback_query.register(page_tapped, OutboxPage.filter(), F.from_user)
    return router
