"""Small renderers that turn domain values into catalog texts (the words live in locales/)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from aiogram.utils.i18n import gettext as _

from domain.directory import Directory, Role, UnknownUnit
from domain.errors import DomainError


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


def error_text(error: DomainError) -> str:
    """The user's words for a domain error: its catalog entry, filled with its parameters in their words."""
    # Parameters may hold what a person typed: escape everything before it goes into an HTML message.
    params: dict[str, Any] = {key: html.escape(str(_join(value))) for key, value in error.params.items()}
    if "field" in error.params:
        params["field_label"] = html.escape(_label("field.", str(error.params["field"])))
    if "kind" in error.params:
        params["hint"] = html.escape(_label("hint.", str(error.params["kind"])))
    if "stage" in error.params:
        params["stage_label"] = html.escape(_label("stage.", str(error.params["stage"])))
    if error.code == "illegal_transition":
        params["expected_labels"] = "、".join(_label("stage.", s) for s in error.params.get("expected", ()))
    if "missing" in error.params:
        params["missing_labels"] = "、".join(_label("field.", f) for f in error.params["missing"])
    template = _("error." + error.code)
    if template == "error." + error.code:
        template = _("error.domain")
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return _("error.domain")


def _label(prefix: str, value: str) -> str:
    text = _(prefix + value)
    return value if text == prefix + value else text


def _join(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return value
