"""The bot does not flood itself: every request passes one limiter that knows Telegram's limits, a conversation
goes before a broadcast, an edit that changes nothing is not sent, and a 429 is waited out, whoever asked.

The fake counts edits toward a chat's and a group's limits, as Telegram does, so each test here would meet
the 429s the bot once earned."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from aiogram.filters import Command
from aiogram.types import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.app import make_bot
from bot.limited import limit_requests
from bot.ratelimit import Priority, RateLimiter, SendingLimits
from domain.approval import Category
from domain.errors import DomainError
from domain.project import Project
from domain.quantities import Currency, Money
from sandbox.fake import FakeTelegram
from sandbox.limits import Limits, ManualClock
from sandbox.scenario import Conversation, MessageView, Person
from services import projects as uc
from services.people import register_person
from services.progress import reconcile_progress
from tests.bot.conftest import World
from tests.bot.conftest import running as bot_running
from tests.bot.story import INDUSTRIAL_35_MU, answer_each, latest, tap
from tests.bot.test_form import JIANSHAN, project_group
from tests.bot.test_progress import START, at
from tests.bot.test_sender import VirtualTime
from tests.factories import NOW
from tests.sandbox.support import wait_until

PACE = 5.0  # seconds between a person's answers: reading the question, typing the answer


@asynccontextmanager
async def running(tmp_path: Path, telegram: FakeTelegram, limiter: RateLimiter | None = None) -> AsyncIterator[World]:
    """The bot as built for production, polling `telegram`; with `limiter`, that one for all its requests."""
    try:
        async with bot_running(telegram, tmp_path, limiter=limiter) as world:
            yield world
    finally:
        await telegram.close()
    telegram.assert_conformant()


def card_of(group: Conversation) -> MessageView:
    """The project card (the bot is no admin in these groups, so it is not pinned)."""
    return next(m for m in group.bot_messages() if (m.text or "").startswith("📌"))


def statuses_in(group: Conversation) -> list[MessageView]:
    """The bot's answers to /status: the project card with what the person may do."""
    return [m for m in group.bot_messages() if (m.text or "").startswith("📌")]


def refused_429(telegram: FakeTelegram) -> list[str]:
    return [f"{r.method} → {r.description}" for r in telegram.requests if r.status == 429]


@pytest.fixture
def time() -> VirtualTime:
    return VirtualTime()


@pytest.fixture
async def paced(tmp_path: Path, time: VirtualTime) -> AsyncIterator[World]:
    """Telegram's real limits and ours, on one virtual clock that the limiter's waits move."""
    telegram = FakeTelegram(limits=Limits(), clock=time.monotonic)
    async with running(tmp_path, telegram, RateLimiter(clock=time.monotonic, sleep=time.sleep)) as world:
        yield world


# ---------------------------------------------------------------------------------------------- conversations


async def test_a_form_filled_in_a_group_at_a_human_pace_meets_no_429(paced: World, time: VirtualTime) -> None:
    cadre = await paced.person("李尖山", JIANSHAN)
    group, _project_id = await project_group(paced, cadre)
    await paced.deliver()  # the scheduler's tick posts and pins the card
    await cadre.says(group, "/form")
    await tap(cadre, group, "工业")
    for answer in INDUSTRIAL_35_MU:
        time.advance(PACE)
        await answer_each(cadre, group, (answer,))
        await paced.deliver()  # and keeps the card up to date as the form fills
    assert "必填项已全部填写" in (latest(group).text or "")
    assert "3亿元" in (card_of(group).text or "")
    assert refused_429(paced.telegram) == []


async def test_an_error_reply_that_meets_a_429_waits_and_arrives(tmp_path: Path, time: VirtualTime) -> None:
    # Telegram allows this chat one message every 2 s; our limiter lets everything go, so the 429 comes.
    telegram = FakeTelegram(limits=Limits(chat_burst=1, chat_messages_per_second=0.5), clock=time.monotonic)
    limiter = RateLimiter(SendingLimits.unlimited(), clock=time.monotonic, sleep=time.sleep)
    async with running(tmp_path, telegram, limiter) as world:

        async def boom(message: Message) -> None:  # a handler that answers, then is refused by a rule
            await message.answer("收到")
            raise DomainError("refused")

        world.app.dispatcher.message.register(boom, Command("boom"))  # the dispatcher's own go first
        person = telegram.user("王")
        chat = person.opens_private_chat()
        await person.says(chat, "/boom")
        texts = [m.text for m in chat.bot_messages()]
        assert texts[0] == "收到" and len(texts) == 2  # the error handler's reply came after its 429
        assert [r.status for r in telegram.calls("sendMessage")] == [200, 429, 200]


# ------------------------------------------------------------------------------------------------- broadcasts

GROUPS = 200
TALKERS = 10


def groups(telegram: FakeTelegram, count: int, talkers: list[Person]) -> list[int]:
    """`count` groups with the bot in them; the talkers are members of every seventh group, one each. The bot's
    greetings on joining are dropped: they are not what the tests here are about."""
    member = telegram.user("群成员")
    chat_ids = []
    for n in range(count):
        talking = talkers[n // 7 : n // 7 + 1] if n % 7 == 0 else []
        chat_ids.append(telegram.group(f"联络群{n:03d}", members=[member, *talking]).id)
    telegram.core.updates.drop_pending()
    return chat_ids


async def add_projects(world: World, chat_ids: list[int]) -> None:
    """One project in each group, created in October, so each owes November's update."""
    directory = world.app.directory
    clerk = await register_person(world.app.db, display_name="录入员", telegram_user_id=None, language="zh", now=NOW)
    units = [u.code for u in directory.landing_units()]
    async with world.app.db.uow() as uow:
        for n, chat_id in enumerate(chat_ids):
            uow.projects.add(
                Project(
                    name=f"项目{n:03d}",
                    landing_unit=units[n % len(units)],
                    deputy=directory.deputy_for(Category.INDUSTRY),
                    joint_reviewer=directory.joint_reviewer_for(Category.INDUSTRY).code,
                    declared_by_jinpan=False,
                    created_by=clerk.id or 0,
                    created_at=datetime(2026, 10, 1 + n % 28, 2, 0, tzinfo=UTC),
                    group_chat_id=chat_id,
                )
            )
        await uow.commit()


async def test_the_monthly_prompt_to_200_groups_meets_no_429_and_lets_people_talk_meanwhile(tmp_path: Path) -> None:
    # Real time: the fake's real limits on the monotonic clock, the bot's limiter as in production.
    telegram = FakeTelegram(limits=Limits())
    people = [telegram.user(f"干部{n}") for n in range(TALKERS)]
    chat_ids = groups(telegram, GROUPS, people)
    talkers = [(someone, telegram.chat(chat_ids[n * 7])) for n, someone in enumerate(people)]
    async with running(tmp_path, telegram) as world:
        await add_projects(world, chat_ids)
        world.clock.move_to(at(date(2026, 12, 1)))
        assert await reconcile_progress(world.app.supervision, world.clock.now()) == GROUPS

        def prompts() -> int:
            return sum(1 for r in world.telegram.calls("sendMessage") if r.ok and "月度进展" in r.params["text"])

        broadcast = asyncio.create_task(world.app.sender.run(stop := asyncio.Event()))
        try:
            await wait_until(lambda: prompts() >= 30, within=10)
            left_when_answered: list[int] = []

            async def talk(talker: Person, group: Conversation, rounds: int = 2) -> None:
                for n in range(rounds):
                    await talker.says(group, "/status", settle=False)
                    await wait_until(lambda n=n: len(statuses_in(group)) > n, within=10)  # type: ignore[misc]
                    left_when_answered.append(GROUPS - prompts())
                    await asyncio.sleep(1.0)

            await asyncio.gather(*(talk(*pair) for pair in talkers))
            await wait_until(lambda: prompts() == GROUPS, within=30)
        finally:
            stop.set()
            await broadcast
        assert refused_429(world.telegram) == []
        assert all(sum(START in m.button_texts for m in world.telegram.chat(c).bot_messages()) == 1 for c in chat_ids)
        assert all(len(statuses_in(group)) == 2 for _talker, group in talkers)
        # Each answer came while the broadcast was still going: none waited behind it.
        assert len(left_when_answered) == 2 * TALKERS and min(left_when_answered) > 0


# ---------------------------------------------------------------------------------------------------- the card


async def test_a_card_whose_content_did_not_change_is_not_edited(world: World) -> None:
    cadre = await world.person("李尖山", JIANSHAN)
    group, project_id = await project_group(world, cadre)
    await world.deliver()
    shown = card_of(group).text
    edits = len(world.telegram.calls("editMessageText"))
    opener = (await uc.get_project(world.app.db, project_id)).created_by
    await uc.edit_form(
        world.app.db, world.app.directory, person_id=opener, project_id=project_id, now=NOW, investor_name="王建国"
    )
    world.clock.move_to(NOW + timedelta(minutes=5))  # the card's "updated" line would say a new time
    assert await world.deliver() == 0
    assert len(world.telegram.calls("editMessageText")) == edits and card_of(group).text == shown
    amount = Money(Decimal(300_000_000), Currency.CNY)
    await uc.edit_form(
        world.app.db, world.app.directory, person_id=opener, project_id=project_id, now=NOW, total_investment=amount
    )
    assert await world.deliver() == 1
    assert len(world.telegram.calls("editMessageText")) == edits + 1 and "3亿元" in (card_of(group).text or "")


# ------------------------------------------------------------------------------------------- edits and limits


async def test_an_edit_that_changes_nothing_is_not_sent_and_not_modified_counts_as_done(time: VirtualTime) -> None:
    telegram = FakeTelegram(limits=Limits(), clock=time.monotonic)
    bot = make_bot(telegram.token, session=telegram.session())
    limit_requests(bot, RateLimiter(clock=time.monotonic, sleep=time.sleep))
    person = telegram.user("王")
    chat = person.opens_private_chat()
    buttons = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="是", callback_data="yes")]])
    question = await bot.send_message(chat.id, "问题", reply_markup=ForceReply())
    asked = await bot.send_message(chat.id, "选择", reply_markup=buttons)
    assert await bot.edit_message_reply_markup(chat_id=chat.id, message_id=question.message_id) is True
    await bot.edit_message_reply_markup(chat_id=chat.id, message_id=asked.message_id)  # takes the buttons off
    await bot.edit_message_reply_markup(chat_id=chat.id, message_id=asked.message_id)  # they are off already
    await bot.edit_message_text(text="选择", chat_id=chat.id, message_id=asked.message_id)
    assert len(telegram.calls("editMessageReplyMarkup")) == 1 and not telegram.calls("editMessageText")
    # A message this process did not send (before a restart): Telegram's "not modified" is the same outcome.
    fresh = make_bot(telegram.token, session=telegram.session())
    limit_requests(fresh, RateLimiter(clock=time.monotonic, sleep=time.sleep))
    assert await fresh.edit_message_text(text="选择", chat_id=chat.id, message_id=asked.message_id) is True
    assert [r.status for r in telegram.calls("editMessageText")] == [400]
    await telegram.close()


async def test_a_conversation_goes_before_a_broadcast_to_the_same_chat() -> None:
    clock = ManualClock()

    async def spin(seconds: float) -> None:  # waiting on a clock only the test moves
        await asyncio.sleep(0)

    limiter = RateLimiter(SendingLimits(chat_burst=1), clock=clock, sleep=spin)
    await limiter.acquire(-5)  # the chat's last message: the next may go in about a second
    order: list[str] = []

    async def send(name: str, priority: Priority) -> None:
        await limiter.acquire(-5, priority)
        order.append(name)

    broadcast = asyncio.create_task(send("broadcast", Priority.BROADCAST))
    await spin_for(10)  # the broadcast waits first
    reply = asyncio.create_task(send("reply", Priority.INTERACTIVE))
    await spin_for(10)
    clock.advance(2)  # the chat's slot comes
    await spin_for(10)
    assert order == ["reply"]
    clock.advance(2)
    await asyncio.gather(broadcast, reply)
    assert order == ["reply", "broadcast"]


async def spin_for(turns: int) -> None:
    for _ in range(turns):
        await asyncio.sleep(0)


async def test_a_broadcast_leaves_a_group_room_for_its_conversation(time: VirtualTime) -> None:
    limits = SendingLimits(group_messages_per_minute=5, group_headroom=2, chat_burst=10, chat_messages_per_second=10)
    limiter = RateLimiter(limits, clock=time.monotonic, sleep=time.sleep)
    for _ in range(3):
        await limiter.acquire(-5, Priority.BROADCAST)
    # The rest of the group's minute is its conversation's: a broadcast waits for the minute to pass.
    assert limiter.chat_ready_at(-5, Priority.BROADCAST) > time.monotonic() + 30
    for _ in range(2):
        assert limiter.chat_ready_at(-5) == 0
        await limiter.acquire(-5)
    assert limiter.chat_ready_at(-5) > time.monotonic() + 30


async def test_a_waiting_conversation_does_not_make_a_chats_rank_move_with_the_clock() -> None:
    # The sender ranks chats by chat_ready_at and re-ranks until the value holds still: it must not drift.
    ticks = itertools.count()
    limiter = RateLimiter(SendingLimits(chat_burst=1), clock=lambda: 1000 + next(ticks) * 0.001, sleep=spin_for_once)
    await limiter.acquire(-5)
    waiting = asyncio.create_task(limiter.acquire(-5))
    await spin_for(3)
    assert limiter.chat_ready_at(-5, Priority.BROADCAST) == limiter.chat_ready_at(-5, Priority.BROADCAST)
    assert limiter.delay(-5, Priority.BROADCAST) > limiter.delay(-5)  # the conversation still goes first
    waiting.cancel()
    await asyncio.gather(waiting, return_exceptions=True)


async def spin_for_once(seconds: float) -> None:
    await asyncio.sleep(0)
