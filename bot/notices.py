"""What each outbox row says: a notice per event, rendered at send time in the reader's language.

A feature may register a richer notice (with buttons) for an event with `@notice("project.<event>")`;
events without one get the catalog's `notice.<event>` text, filled with the event's facts.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.texts import role_label
from domain.directory import Directory, Role, UnknownUnit


@dataclass(frozen=True)
class Notice:
    text: str
    markup: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class NoticeContext:
    message_key: str
    params: Mapping[str, Any]
    chat_id: int
    directory: Directory


NoticeBuilder = Callable[[NoticeContext], Notice | None]
_REGISTRY: dict[str, NoticeBuilder] = {}


def notice(message_key: str) -> Callable[[NoticeBuilder], NoticeBuilder]:
    """Register the builder of the notice for `message_key` (one per key)."""

    def register(builder: NoticeBuilder) -> NoticeBuilder:
        _REGISTRY[message_key] = builder
        return builder

    return register


def build_notice(context: NoticeContext) -> Notice | None:
    """The notice for this row, or None when the event has nothing to say in this chat."""
    builder = _REGISTRY.get(context.message_key, default_notice)
    return builder(context)


def default_notice(context: NoticeContext) -> Notice | None:
    event = context.message_key.removeprefix("project.")
    key = "notice." + event
    template = _(key)
    if template == key:
        return None
    return Notice(template.format_map(facts(context.params, context.directory)))


class _Facts(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "—"


def facts(params: Mapping[str, Any], directory: Directory) -> _Facts:
    """The event's facts as escaped display text, with labels for stages, outcomes, units and roles."""
    shown = _Facts({key: html.escape(str(value)) for key, value in params.items() if value not in (None, "")})
    for key, prefix in (("stage", "stage."), ("outcome", "outcome."), ("decision", "decision.")):
        if key in params:
            shown[f"{key}_label"] = html.escape(_(prefix + str(params[key])))
    for key in ("landing_unit", "unit"):
        if key in params:
            shown[f"{key}_name"] = html.escape(_unit_name(directory, str(params[key])))
    if "leader" in params:
        shown["leader_label"] = html.escape(role_label(Role.parse(str(params["leader"])), directory))
    if "route" in params:
        shown["route"] = html.escape(" → ".join(str(step) for step in params["route"]))
    if params.get("comment"):
        shown["comment_part"] = html.escape(_("notice.comment").format(comment=params["comment"]))
    else:
        shown["comment_part"] = ""
    return shown


def _unit_name(directory: Directory, code: str) -> str:
    try:
        return directory.unit(code).name
    except UnknownUnit:
        return code


# Features' richer notices register themselves on import; importing them here means whoever sends (the Sender,
# a test) gets them all. At the bottom: they use the names defined above.
from bot import notices_approval  # noqa: E402, F401
