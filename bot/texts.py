"""Small renderers that turn domain values into catalog texts (the words live in locales/)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any, Final

from aiogram.utils.i18n import gettext as _
from markupsafe import Markup

from domain.directory import Directory, Role, UnknownUnit
from domain.errors import DomainError

# What a person typed, shown back in a short message (an error, a confirmation), is cut to this many characters:
# enough to recognise it, and a 4,096-character answer cannot make the reply too long for Telegram.
QUOTE_MAX: Final = 60
# A name is shown whole: a Telegram name (64 + 64 characters) or a project's (100); a title holds one and a step.
NAME_SHOWN: Final = 130
TITLE_SHOWN: Final = 200
# Telegram's limits on what it shows: a callback answer's alert, a message's text and a caption (after parsing).
ALERT_MAX: Final = 200
TEXT_MAX: Final = 4096
CAPTION_MAX: Final = 1024


def shorten(text: object, limit: int = QUOTE_MAX) -> str:
    """`text` as a string of at most `limit` characters, an ellipsis marking what was cut."""
    value = str(text)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def quote(text: object, limit: int = QUOTE_MAX) -> Markup:
    """What a person typed, to put into an HTML reply: shortened, then escaped exactly once.

    The result is `Markup`, so a template (autoescaped) or `Markup.format` does not escape it again.
    """
    return Markup.escape(shorten(text, limit))


def alert(text: str) -> str:
    """An HTML text as a callback answer shows it: plain text (tags gone, entities read) within ALERT_MAX."""
    return shorten(Markup(text).striptags(), ALERT_MAX)


def unit_name(directory: Directory, code: object) -> str:
    """A unit by its name, e.g. 尖山镇; a code the directory no longer knows, as it is."""
    try:
        return directory.unit(str(code)).name
    except UnknownUnit:
        return str(code)


def role_label(role: Role, directory: Directory) -> str:
    """A role as people say it, e.g. 尖山镇工作人员, 县长."""
    unit = ""
    if role.scope:
        try:
            unit = directory.unit(role.scope).name
        except UnknownUnit:
            unit = role.scope
    return _("role." + role.kind.value).format(unit=unit)


def roles_list(roles: Iterable[Role], directory: Directory) -> str:
    """A bulleted list of role labels, escaped for Telegram HTML."""
    return "\n".join(f"• {html.escape(role_label(r, directory))}" for r in sorted(roles))


def error_text(error: DomainError) -> Markup:
    """The user's words for a domain error, as HTML: its catalog entry filled with its parameters in their words.

    Parameters may hold what a person typed: each is shortened and escaped once (by `Markup.format`), and the
    result is `Markup`, so a template that shows it does not escape it a second time.
    """
    params: dict[str, Any] = {key: shorten(_join(value)) for key, value in error.params.items()}
    if "field" in error.params:
        params["field_label"] = _label("field.", str(error.params["field"]))
    if "kind" in error.params:
        params["hint"] = _label("hint.", str(error.params["kind"]))
    if "stage" in error.params:
        params["stage_label"] = _label("stage.", str(error.params["stage"]))
    if error.code == "illegal_transition":
        params["expected_labels"] = "、".join(_label("stage.", s) for s in error.params.get("expected", ()))
    if "missing" in error.params:
        params["missing_labels"] = "、".join(_label("field.", f) for f in error.params["missing"])
    template = _("error." + error.code)
    if template == "error." + error.code:
        template = _("error.domain")
    try:
        return Markup(template).format(**params)
    except (KeyError, IndexError):
        return Markup(_("error.domain"))


def _label(prefix: str, value: str) -> str:
    text = _(prefix + value)
    return value if text == prefix + value else text


def _join(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return value
