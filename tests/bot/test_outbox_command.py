"""The office finds every message that did not surely arrive in /outbox — a part of a 通报 cut short by a crash,
a message Telegram refused, a chat that is gone — with its chat and part, looks at it, and re-sends it marked
【补发】 or closes it; every other tap (twice, from someone else, from a group, forged) is answered and changes
nothing."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import SendDocument, TelegramMethod
from aiogram.methods.base import TelegramType
from sqlalchemy import func, select

from bot.i18n import make_i18n
from bot.ratelimit import RateLimiter, SendingLimits
from bot.sender import Sender
from domain.bulletin import monthly_bulletin, monthly_to_json
from domain.directory import Role, RoleKind
from domain.scoring import ScoringRules
from sandbox.fake import FakeTelegram
from sandbox.scenario import Conversation, MessageView, Person
from sandbox.session import InProcessSession
from services.bulletins import PARTS
from storage import tables
from tests.bot.conftest import World
from tests.bot.test_sender import TrippingSession

OFFICE = Role(RoleKind.OFFICE)
COUNTY_HEAD = Role(RoleKind.COUNTY_HEAD)
CADRE = Role(RoleKind.STAFF, "jianshan")
TITLE = "2026年10月全县招商引资工作通报"
IN_FLIGHT = 6
HANG_FROM = 20
MARKER = "【补发】"


async def rows(world: World) -> list[dict[str, Any]]:
    async with world.app.db.uow(read_only=True) as uow:
        query = select(tables.outbox).order_by(tables.outbox.c.id)
        return [dict(r) for r in (await uow.session.execute(query)).mappings()]


async def snapshot(world: World) -> tuple[list[dict[str, Any]], int]:
    """Everything a tap could change: the outbox and the audit trail."""
    async with world.app.db.uow(read_only=True) as uow:
        events = (await uow.session.execute(select(func.count()).select_from(tables.audit_events))).scalar_one()
    return await rows(world), int(events)


async def queue_bulletin(world: World, chats: list[int]) -> None:
    """October's 通报 as services.bulletins publishes it: its text, chart and table, each to every chat."""
    figures = monthly_to_json(monthly_bulletin(2026, 10, ["jianshan", "anwen"], [], [], {}, ScoringRules()))
    now = world.clock.now()
    async with world.app.db.uow() as uow:
        bulletin_id = await uow.bulletins.add("monthly", "2026-10", figures, now)
        assert bulletin_id is not None
        facts = {"bulletin_id": bulletin_id, "kind": "monthly", "period": "2026-10"}
        for part in PARTS:
            event_id = await uow.audit.append_system(
                "bulletin", bulletin_id, f"bulletin_{part}", at=now, before={}, after=facts
            )
            params = facts | {"figures": figures} if part == "text" else facts
            await uow.outbox.add(event_id, chats, f"bulletin.{part}", params, now)
        await uow.commit()


def sender_on(world: World, session: InProcessSession) -> Sender:
    bot = Bot(token=world.telegram.token, session=session)
    limiter = RateLimiter(SendingLimits.unlimited())
    return Sender(bot, world.app.db, world.app.directory, world.clock, make_i18n(), limiter=limiter, max_in_flight=6)


async def crash_mid_broadcast(world: World) -> None:
    """The bot dies while every send slot waits on Telegram, which never saw those sends."""
    hung = 0
    full = asyncio.Event()

    async def hang(n: int) -> None:
        nonlocal hung
        if n >= HANG_FROM:
            hung += 1
            if hung == IN_FLIGHT:
                full.set()
            await asyncio.Event().wait()

    worker = asyncio.create_task(sender_on(world, TrippingSession(world.telegram, before=hang)).run(asyncio.Event()))
    await asyncio.wait_for(full.wait(), timeout=10)
    worker.cancel()
    await asyncio.gather(worker, return_exceptions=True)


async def restart(world: World) -> None:
    """The bot's worker after a restart, until nothing is pending or mid-send."""
    stop = asyncio.Event()
    worker = asyncio.create_task(world.app.sender.run(stop))
    async with asyncio.timeout(10):
        while {"pending", "sending"} & {r["status"] for r in await rows(world)}:  # noqa: ASYNC110 - no event
            await asyncio.sleep(0.01)
    stop.set()
    await worker


class RefusingTables(InProcessSession):
    """Telegram refuses the table sent to one chat: the message itself, not the chat."""

    def __init__(self, telegram: FakeTelegram, chat_id: int) -> None:
        super().__init__(telegram)
        self.chat_id = chat_id

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - aiogram's signature
    ) -> TelegramType:
        if isinstance(method, SendDocument) and method.chat_id == self.chat_id:
            raise TelegramBadRequest(method, "Bad Request: file is too big")
        return await super().make_request(bot, method, timeout)


def parts_in(chat: Conversation) -> list[str]:
    """Which parts of the 通报 reached the chat, in order, each with whether it carries the 补发 marker."""
    found = []
    for message in chat.bot_messages():
        part = "chart" if message.photo else "table" if message.document else "text"
        words = message.caption if part != "text" else message.text
        if TITLE not in (words or ""):
            continue  # the bot's greeting on joining a group, and the like
        found.append(part + (" 补发" if (words or "").startswith(MARKER) else ""))
    return found


def chat_name(world: World, chat_id: int) -> str:
    """How /outbox names a reader of the 通报 in these stories: a group by its title, the 县长 by name."""
    return f"群「{world.telegram.chat(chat_id).title}」" if chat_id < 0 else "县长（私聊）"


def listed(chat: Conversation) -> MessageView:
    """The latest /outbox list in the chat."""
    return next(m for m in reversed(chat.bot_messages()) if "未确认送达的消息" in (m.text or ""))


async def test_every_part_a_crash_left_uncertain_is_listed_and_resent_once_marked(world: World) -> None:
    office = await world.person("王办公室", OFFICE)
    leader = await world.person("县长", COUNTY_HEAD)
    office_chat = office.opens_private_chat()
    groups = [world.telegram.group(f"联络群{n}", members=[office]) for n in range(12)]
    readers: list[Conversation] = [*groups, leader.opens_private_chat()]
    await queue_bulletin(world, [chat.id for chat in readers])

    await crash_mid_broadcast(world)
    await restart(world)

    uncertain = [r for r in await rows(world) if r["status"] == "unknown"]
    assert len(uncertain) == IN_FLIGHT  # the sends in flight at the crash, no more
    assert {r["status"] for r in await rows(world)} == {"sent", "unknown"}
    missing = {(r["chat_id"], r["message_key"].removeprefix("bulletin.")) for r in uncertain}
    for chat in readers:
        got = parts_in(chat)
        assert len(got) == len(set(got))  # 0 duplicates
        assert sorted(got) == sorted(p for p in PARTS if (chat.id, p) not in missing)
    (told,) = office_chat.bot_messages()
    assert f"有 {IN_FLIGHT} 条消息未能确认送达" in (told.text or "") and "/outbox" in (told.text or "")

    await office.says(office_chat, "/outbox")
    first = listed(office_chat)
    text = first.text or ""
    assert f"共 {IN_FLIGHT} 条待处理" in text and "第 1/2 页" in text and "停止运行" in text
    labels = {"text": "文字", "chart": "图表", "table": "表格"}
    shown = uncertain[:5]
    for row in shown:
        part = labels[row["message_key"].removeprefix("bulletin.")]
        assert f"{chat_name(world, row['chat_id'])}\n{TITLE} · {part}" in text
    assert "5 补发" in first.button_texts and "下一页" in first.button_texts

    await office.taps(first, "下一页")
    assert "第 2/2 页" in (first.text or "") and "6 补发" in first.button_texts
    await office.taps(first, "6 查看")
    head, content = office_chat.bot_messages()[-2:]
    sixth = uncertain[5]
    assert "预览" in (head.text or "") and chat_name(world, sixth["chat_id"]) in (head.text or "")
    words = (content.caption if content.photo or content.document else content.text) or ""
    assert words.startswith(MARKER) and content.button_texts == ["补发", "不需补发"]

    await office.taps(content, "补发")
    await world.deliver()
    target = world.telegram.chat(sixth["chat_id"])
    assert sorted(parts_in(target)) == sorted(
        [p for p in PARTS if p != sixth["message_key"].removeprefix("bulletin.")]
        + [sixth["message_key"].removeprefix("bulletin.") + " 补发"]
    )
    before = await snapshot(world)
    again = await office.taps(content, "补发")  # a second tap on the same row does nothing more
    assert "已经处理过" in (world.telegram.answer_to(again).text or "")
    await world.deliver()
    assert await snapshot(world) == before

    # The rest: four re-sent from the list, one closed after the office heard by phone that it came.
    await office.says(office_chat, "/outbox")
    for _ in range(4):
        await office.taps(listed(office_chat), "1 补发")
    await office.taps(listed(office_chat), "1 不需补发")
    assert "没有待处理的消息" in (listed(office_chat).text or "")
    await world.deliver()

    closed = uncertain[4]
    final = await rows(world)
    resends = [r for r in final if r["resend_of"] is not None]
    assert sorted(r["resend_of"] for r in resends) == sorted(r["id"] for r in uncertain if r["id"] != closed["id"])
    assert {r["status"] for r in resends} == {"sent"}
    by_id = {r["id"]: r for r in final}
    assert by_id[closed["id"]]["resolution"] == "not_needed"
    assert all(by_id[r["id"]]["resolved_at"] is not None for r in uncertain)
    for chat in readers:
        got = [p.removesuffix(" 补发") for p in parts_in(chat)]
        assert len(got) == len(set(got))  # still no duplicates
        expected = [p for p in PARTS if (chat.id, p) != (closed["chat_id"], closed["message_key"][9:])]
        assert sorted(got) == sorted(expected)
    async with world.app.db.uow(read_only=True) as uow:
        trail = [e for r in uncertain for e in await uow.audit.for_subject("outbox", r["id"])]
    assert sorted(e["name"] for e in trail) == ["outbox_not_needed"] + ["outbox_resent"] * 5
    assert {e["actor_person_id"] for e in trail} == {await person_id(world, office)}


async def person_id(world: World, someone: Person) -> int:
    async with world.app.db.uow(read_only=True) as uow:
        person = await uow.people.by_telegram_id(someone.id)
    assert person is not None and person.id is not None
    return person.id


async def test_failed_rows_are_listed_and_stale_forged_or_foreign_taps_change_nothing(world: World) -> None:
    office = await world.person("王办公室", OFFICE)
    cadre = await world.person("李尖山", CADRE)
    stranger = world.telegram.user("路人")
    office_chat = office.opens_private_chat()
    gone = world.telegram.group("已解散的群", members=[cadre])
    shared = world.telegram.group("工作群", members=[office, cadre])
    await cadre.removes_bot(gone)
    await queue_bulletin(world, [gone.id, shared.id])

    stop = asyncio.Event()
    worker = asyncio.create_task(sender_on(world, RefusingTables(world.telegram, shared.id)).run(stop))
    async with asyncio.timeout(10):
        while {"pending", "sending"} & {r["status"] for r in await rows(world)}:  # noqa: ASYNC110 - no event
            await asyncio.sleep(0.01)
    stop.set()
    await worker
    failed = [r for r in await rows(world) if r["status"] == "failed" and r["message_key"].startswith("bulletin.")]
    assert len(failed) == 4  # three parts to the gone group, the refused table
    told = [m.text or "" for m in office_chat.bot_messages()]
    # The gone group was told as such (once for its three parts); the refused table in the summary notice.
    assert sum("未能送达" in t for t in told) == 1 and sum("有 1 条消息未能确认送达" in t for t in told) == 1

    await office.says(office_chat, "/outbox")
    text = listed(office_chat).text or ""
    assert "共 4 条待处理" in text and "机器人已被移出该群" in text
    assert f"群「工作群」\n{TITLE} · 表格" in text and "Telegram 拒收了这条消息（Bad Request: file is too big）" in text

    before = await snapshot(world)
    table = next(r for r in failed if r["chat_id"] == shared.id)
    await cadre.says(cadre.opens_private_chat(), "/outbox")
    assert "只有领导小组办公室" in (cadre.private_chat.last_message().text or "")
    await office.says(shared, "/outbox")
    assert "私聊" in (shared.last_message().text or "")
    mine = cadre.private_chat.last_message()
    taps = [
        (cadre, mine, f"ob:r:{table['id']}:0", "只有领导小组办公室"),  # not the office
        (office, shared.bot_messages()[-1], f"ob:r:{table['id']}:0", "私聊"),  # the office, but in a group
        (office, listed(office_chat), "ob:r:99999999999999999999999:0", "已失效"),  # out of range
        (office, listed(office_chat), "ob:r:0:0", "已失效"),
        (office, listed(office_chat), f"ob:n:{before[0][-1]['id'] + 1000}:0", "已失效"),  # no such row
        (office, listed(office_chat), "ob:x:1:0", "按钮"),  # no such action
    ]
    sent_row = next(r for r in before[0] if r["status"] == "sent")
    taps.append((office, listed(office_chat), f"ob:r:{sent_row['id']}:0", "已经处理过"))  # it arrived
    for who, message, data, answer in taps:
        query = await who.taps_forged(message, data)
        reply = world.telegram.answer_to(query)
        assert reply.answered and answer in (reply.text or ""), (data, reply)
    await stranger.says(stranger.opens_private_chat(), "/outbox")
    query = await stranger.taps_forged(stranger.private_chat.last_message(), f"ob:v:{table['id']}:0")
    assert "只有领导小组办公室" in (world.telegram.answer_to(query).text or "")
    assert await snapshot(world) == before

    # A re-send to the gone group fails again: a new row, listed again as a 补发, the original closed.
    gone_text = next(r for r in failed if r["chat_id"] == gone.id and r["message_key"] == "bulletin.text")
    await office.taps_forged(listed(office_chat), f"ob:r:{gone_text['id']}:0")
    await world.deliver()
    again = [r for r in await rows(world) if r["resend_of"] == gone_text["id"]]
    assert [r["status"] for r in again] == ["failed"]
    await office.says(office_chat, "/outbox")
    assert "这是一次补发" in (listed(office_chat).text or "") and "共 4 条待处理" in (listed(office_chat).text or "")
