"""Notices of the 通报 and the 赛拼: the text, then the chart (a photo) and the table (an .xlsx document), each
in the reader's language. The files are made from the stored figures the first time a reader of that language
needs them, kept, and uploaded once (bot.sender reuses Telegram's file_id)."""

from __future__ import annotations

import asyncio
import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from bot.bulletin_chart import chart_png, contest_bars, monthly_bars
from bot.bulletin_render import contest_text, contest_title, monthly_text, monthly_title
from bot.bulletin_table import XLSX_MIME, contest_workbook, monthly_workbook
from bot.notices import (
    Attachment,
    AttachmentKind,
    Notice,
    NoticeContext,
    OutgoingFile,
    attaches,
    file_source,
    notice,
)
from domain.bulletin import BulletinKind, contest_from_json, monthly_from_json
from domain.directory import Directory
from storage.uow import Database
from zhikong.clock import Clock

PNG_MIME = "image/png"


@dataclass(frozen=True)
class MadeFile:
    name: str
    mime: str
    data: bytes


def title_of(kind: str, period: str) -> str:
    """The bulletin's title from its kind and period ("2026-10" or "2026-Q3")."""
    year, _sep, rest = period.partition("-")
    if kind == BulletinKind.QUARTERLY:
        return contest_title(int(year), int(rest.removeprefix("Q")))
    return monthly_title(int(year), int(rest))


def bulletin_text(kind: str, figures: Mapping[str, Any], directory: Directory) -> str:
    if kind == BulletinKind.QUARTERLY:
        return contest_text(contest_from_json(figures), directory)
    return monthly_text(monthly_from_json(figures), directory)


async def make_file(kind: str, part: str, figures: Mapping[str, Any], period: str, directory: Directory) -> MadeFile:
    """The chart or the table of a bulletin, in the current language."""
    stem_key = "bulletin.file_quarterly" if kind == BulletinKind.QUARTERLY else "bulletin.file_monthly"
    stem = _(stem_key).format(period=period)
    if part == "chart":
        if kind == BulletinKind.QUARTERLY:
            bars = contest_bars(contest_from_json(figures), directory)
        else:
            bars = monthly_bars(monthly_from_json(figures), directory)
        return MadeFile(f"{stem}.png", PNG_MIME, await chart_png(bars))
    if kind == BulletinKind.QUARTERLY:
        book = contest_workbook(contest_from_json(figures), directory)
    else:
        book = monthly_workbook(monthly_from_json(figures), directory)
    return MadeFile(f"{stem}.xlsx", XLSX_MIME, await asyncio.to_thread(book.save))


@notice("bulletin.text")
def text_notice(context: NoticeContext) -> Notice:
    return Notice(bulletin_text(str(context.params["kind"]), context.params["figures"], context.directory))


def _file_notice(context: NoticeContext, part: str, kind: AttachmentKind) -> Notice:
    params = context.params
    title = html.escape(title_of(str(params["kind"]), str(params["period"])))
    language = get_i18n().current_locale
    caption = _(f"bulletin.{part}_caption").format(title=title)
    return Notice(caption, attachment=Attachment(kind, f"bulletin:{int(params['bulletin_id'])}:{part}:{language}"))


attaches("bulletin.chart", "bulletin.table")


@notice("bulletin.chart")
def chart_notice(context: NoticeContext) -> Notice:
    return _file_notice(context, "chart", AttachmentKind.PHOTO)


@notice("bulletin.table")
def table_notice(context: NoticeContext) -> Notice:
    return _file_notice(context, "table", AttachmentKind.DOCUMENT)


@file_source("bulletin")
class BulletinFiles:
    """Keys "bulletin:<id>:<chart|table>:<language>": made from the stored figures when first asked for."""

    def __init__(self, db: Database, directory: Directory, clock: Clock) -> None:
        self._db, self._directory, self._clock = db, directory, clock

    async def load(self, key: str) -> OutgoingFile:
        bulletin_id, part, language = _parse(key)
        async with self._db.uow(read_only=True) as uow:
            kept = await uow.bulletins.file(bulletin_id, part, language)
            bulletin = None if kept is not None else await uow.bulletins.get(bulletin_id)
        if kept is not None:
            return OutgoingFile(kept.name, kept.data, kept.telegram_file_id)
        if bulletin is None:
            raise LookupError(f"bulletin {bulletin_id} does not exist")
        made = await make_file(bulletin.kind, part, bulletin.figures, bulletin.period, self._directory)
        async with self._db.uow() as uow:
            added = await uow.bulletins.add_file(
                bulletin_id, part, language, name=made.name, mime=made.mime, data=made.data, now=self._clock.now()
            )
            await uow.commit()
        if not added:  # another process made it first: send theirs, whose file_id may be known
            return await self.load(key)
        return OutgoingFile(made.name, made.data, None)

    async def remember(self, key: str, telegram_file_id: str) -> None:
        bulletin_id, part, language = _parse(key)
        async with self._db.uow() as uow:
            kept = await uow.bulletins.file(bulletin_id, part, language)
            if kept is not None:
                await uow.bulletins.remember_file_id(kept.id, telegram_file_id)
                await uow.commit()


def _parse(key: str) -> tuple[int, str, str]:
    _prefix, bulletin_id, part, language = key.split(":")
    return int(bulletin_id), part, language
