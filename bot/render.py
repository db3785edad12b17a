"""Jinja2 templates for cards and long messages, escaped for Telegram HTML, with texts from the catalogs."""

from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from aiogram.utils.i18n import gettext, ngettext
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from domain.calendar import SHANGHAI
from domain.quantities import Money, format_money, format_mu


@functools.cache
def environment() -> Environment:
    """One environment per process; `_()` in a template reads the current person's language."""
    env = Environment(
        loader=PackageLoader("bot", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(money=_money, mu=_mu, day=_day, moment=_moment)
    return env


def render(template: str, **context: Any) -> str:
    """The named template (under bot/templates) filled with `context`, ready to send with parse_mode HTML."""
    return environment().get_template(template).render(**context).strip()


def _money(value: Money | None) -> str:
    return format_money(value) if value is not None else "—"


def _mu(value: Decimal | None) -> str:
    return format_mu(value) if value is not None else "—"


def _day(value: date | None) -> str:
    return value.isoformat() if value is not None else "—"


def _moment(value: datetime | None) -> str:
    """An instant as people in 磐安 read it: local date and time to the minute."""
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if value is not None else "—"
