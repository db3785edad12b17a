"""When Telegram will not take a chat's messages any more: what the refusal means, and the office's notice."""

from __future__ import annotations

import html

from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
)
from aiogram.utils.i18n import gettext as _

from bot.notices import Notice, NoticeContext, notice
from services.delivery import FAILED_KEY


def chat_gone_reason(error: TelegramAPIError) -> str | None:
    """Why this chat takes no more messages (kicked, blocked, chat not found...); None if the refusal is about
    the message itself, which the office can do nothing about."""
    text = error.message.lower()
    if isinstance(error, TelegramMigrateToChat):
        return "migrated"
    if isinstance(error, TelegramForbiddenError):
        for words, reason in _FORBIDDEN_WORDS:
            if words in text:
                return reason
        return "forbidden"
    if isinstance(error, TelegramBadRequest) and "chat not found" in text:
        return "chat_not_found"
    return None


def gone_reason_in(error_text: str) -> str | None:
    """The chat_gone_reason of a refusal kept as its text (an outbox row's last_error), or None."""
    text = error_text.lower()
    if "upgraded to a supergroup" in text:
        return "migrated"
    if text.startswith("forbidden"):
        for words, reason in _FORBIDDEN_WORDS:
            if words in text:
                return reason
        return "forbidden"
    return "chat_not_found" if "chat not found" in text else None


_FORBIDDEN_WORDS = (
    ("kicked", "kicked"),
    ("blocked", "blocked"),
    ("not a member", "not_member"),
    ("deactivated", "deactivated"),
    ("initiate", "cannot_initiate"),
)


@notice(FAILED_KEY)
def delivery_failed(context: NoticeContext) -> Notice:
    """The office's notice of a message that did not arrive: to whom, why, and about what."""
    params = context.params
    chat_id = int(params["chat_id"])
    title = html.escape(str(params.get("chat_title") or ""))
    if title and chat_id > 0:
        chat = _("delivery.chat_person").format(name=title, chat_id=chat_id)
    elif title:
        chat = _("delivery.chat_group").format(project=title, chat_id=chat_id)
    else:
        chat = _("delivery.chat_unknown").format(chat_id=chat_id)
    key = html.escape(str(params.get("message_key", "")))
    project = html.escape(str(params.get("project_name") or ""))
    if project:
        subject = _("delivery.subject_project").format(project=project, key=key)
    else:
        subject = _("delivery.subject").format(key=key)
    reason = reason_text(str(params.get("reason", "")))
    return Notice(_("delivery.failed").format(chat=chat, reason=reason, subject=subject))


def reason_text(reason: str) -> str:
    """A chat_gone_reason in plain words."""
    texts = {
        "kicked": _("delivery.reason.kicked"),
        "not_member": _("delivery.reason.not_member"),
        "blocked": _("delivery.reason.blocked"),
        "cannot_initiate": _("delivery.reason.cannot_initiate"),
        "deactivated": _("delivery.reason.deactivated"),
        "chat_not_found": _("delivery.reason.chat_not_found"),
        "migrated": _("delivery.reason.migrated"),
    }
    return texts.get(reason, _("delivery.reason.forbidden"))
