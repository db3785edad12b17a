"""How the office reads an outbox row that did not surely arrive: to whom, which part of which notice, when, why
in plain words; and how a 补发 is marked, so its reader knows it is the same message sent again.

The words come back raw (not escaped): the templates that show them escape each once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from aiogram.utils.i18n import gettext as _

from bot.notices import Notice
from bot.notices_bulletin import title_of
from bot.undelivered import gone_reason_in, reason_text
from services.delivery import INTERRUPTED_NOTE
from services.outbox import DoubtfulRow
from storage.repositories import OutboxStatus

# The families of message keys ("<family>.<event>") the office can be told the kind of.
FAMILIES = ("project", "deadline", "progress", "bulletin", "task", "liaison", "delivery", "outbox")
BULLETIN_PARTS = ("text", "chart", "table")
ERROR_SHOWN = 200  # characters of Telegram's refusal shown to the office


def marked_as_resend(notice: Notice) -> Notice:
    """The notice with the visible 【补发】 line on top (of its text, or of its caption)."""
    return replace(notice, text=_("outbox.resend_marker") + "\n" + notice.text)


def part_label(message_key: str, params: dict[str, Any]) -> str:
    """Which notice (and which part of a 通报) the row is, e.g. "2026年10月全县招商引资工作通报 · 图表"."""
    family, _sep, event = message_key.partition(".")
    if family == "bulletin" and event in BULLETIN_PARTS and "kind" in params and "period" in params:
        part = {"text": _("outbox.part.text"), "chart": _("outbox.part.chart"), "table": _("outbox.part.table")}
        title = title_of(str(params["kind"]), str(params["period"]))
        return _("outbox.part_of").format(title=title, part=part[event])
    kind = _(f"outbox.kind.{family}") if family in FAMILIES else _("outbox.kind.other")
    project = params.get("project_name")
    return _("outbox.kind_project").format(kind=kind, project=project) if project else kind


def chat_label(row: DoubtfulRow, group_title: str | None) -> str:
    """The chat as the office knows it: the person, or the group by its title and project."""
    if row.chat_id > 0:
        if row.chat_title:
            return _("outbox.chat_person").format(name=row.chat_title)
        return _("outbox.chat_unknown").format(chat_id=row.chat_id)
    if group_title and row.chat_title:
        return _("outbox.chat_group_project").format(title=group_title, project=row.chat_title)
    if group_title:
        return _("outbox.chat_group").format(title=group_title)
    if row.chat_title:
        return _("outbox.chat_project").format(project=row.chat_title)
    return _("outbox.chat_unknown").format(chat_id=row.chat_id)


def why(row: DoubtfulRow) -> str:
    """Why the row did not surely arrive. A network error's own text is never shown: it may name the URL."""
    error = row.last_error or ""
    if row.status == OutboxStatus.UNKNOWN:
        return _("outbox.why.interrupted") if error == INTERRUPTED_NOTE else _("outbox.why.unknown")
    if error.startswith("could not render"):
        return _("outbox.why.render")
    gone = gone_reason_in(error)
    if gone is not None:
        return reason_text(gone)
    return _("outbox.why.refused").format(error=error[:ERROR_SHOWN])


@dataclass(frozen=True)
class RowView:
    """One row as the list shows it (raw words; the template escapes them)."""

    number: int
    chat: str
    part: str
    when: datetime
    status: str
    why: str
    resend: bool


def row_view(number: int, row: DoubtfulRow, group_title: str | None) -> RowView:
    status = _("outbox.status.unknown") if row.status == OutboxStatus.UNKNOWN else _("outbox.status.failed")
    return RowView(
        number=number,
        chat=chat_label(row, group_title),
        part=part_label(row.message_key, row.params),
        when=row.created_at,
        status=status,
        why=why(row),
        resend=row.resend_of is not None,
    )
