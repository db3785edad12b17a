"""The sender keeps under Telegram's limits and delivers each (event, chat) at most once, through 429s,
refusals, timeouts and crashes, losing nothing. Time is virtual: one clock for the fake's flood control,
the limiter and the app, moved by the limiter's sleeps and by the tests, never by waiting."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import SendDocument, SendMessage, SendPhoto, TelegramMethod
from aiogram.methods.base import TelegramType
from openpyxl import load_workbook
from sqlalchemy import select

from bot.i18n import make_i18n
from bot.ratelimit import GROUP_WINDOW_SECONDS, RateLimiter, SendingLimits
from bot.sender import Sender
from bot.sendplan import SendPlan
from domain.bulletin import monthly_bulletin, monthly_to_json
from domain.directory import Directory, Role, RoleKind
from domain.scoring import ScoringRules
from sandbox.fake import FakeTelegram
from sandbox.limits import Limits
from sandbox.scenario import Conversation, Person
from sandbox.session import InProcessSession
from services.bulletins import PARTS
from services.people import grant_role, register_person
from storage import tables
from storage.uow import Database

OFFICE = Role(RoleKind.OFFICE)
TICK = 1e-6  # float slack when counting stamps in a window


class VirtualTime:
    """A monotonic clock, its datetime twin and a sleep that moves the clock instead of waiting."""

    def __init__(self) -> None:
        self.value = 1000.0
        self._epoch = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)

    def monotonic(self) -> float:
        return self.value

    def now(self) -> datetime:
        return self._epoch + timedelta(seconds=self.value - 1000.0)

    def advance(self, seconds: float) -> None:
        self.value += seconds

    async def sleep(self, seconds: float) -> None:
        self.value += max(seconds, 0.0)
        await asyncio.sleep(0)


Trip = Callable[[int], Awaitable[None]]


# The sends a trip counts: texts, and the photos and documents of a bulletin.
SENDS = (SendMessage, SendPhoto, SendDocument)


class TrippingSession(InProcessSession):
    """Reaches the fake like the in-process session, but runs `trip(n)` around the n-th send."""

    def __init__(self, telegram: FakeTelegram, *, before: Trip | None = None, after: Trip | None = None) -> None:
        super().__init__(telegram)
        self.before, self.after, self.sends = before, after, 0

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - aiogram's signature
    ) -> TelegramType:
        sending = isinstance(method, SENDS)
        self.sends += sending
        if sending and self.before is not None:
            await self.before(self.sends)
        result = await super().make_request(bot, method, timeout)
        if sending and self.after is not None:
            await self.after(self.sends)
        return result


class Rig:
    """A fake Telegram and a database on one virtual clock, and senders to drain one into the other."""

    def __init__(self, telegram: FakeTelegram, db: Database, directory: Directory, time: VirtualTime) -> None:
        self.telegram, self.db, self.directory, self.time = telegram, db, directory, time
        self.cadre = telegram.user("李尖山")
        self._events = 0

    def sender(
        self, limits: SendingLimits | None = None, *, session: InProcessSession | None = None, **options: Any
    ) -> Sender:
        limiter = RateLimiter(limits, clock=self.time.monotonic, sleep=self.time.sleep)
        bot = Bot(token=self.telegram.token, session=session or self.telegram.session())
        return Sender(bot, self.db, self.directory, self.time, make_i18n(), limiter=limiter, **options)

    def groups(self, count: int) -> list[Conversation]:
        return [self.telegram.group(f"联络群{n}", members=[self.cadre]) for n in range(count)]

    async def office(self, name: str = "王办公室") -> Person:
        someone = self.telegram.user(name)
        someone.opens_private_chat()
        person = await register_person(
            self.db, display_name=name, telegram_user_id=someone.id, language="zh", now=self.time.now()
        )
        assert person.id is not None
        await grant_role(self.db, self.directory, admin_id=None, person_id=person.id, role=OFFICE, now=self.time.now())
        return someone

    async def queue(self, chats: list[int], project_name: str | None = None) -> int:
        """One event announced in each chat, as a use case would queue it; returns the event id."""
        self._events += 1
        name = project_name or f"项目{self._events}"
        params = {"project_id": self._events, "project_name": name, "landing_unit": "jianshan"}
        async with self.db.uow() as uow:
            event_id = await uow.audit.append_system(
                "project", self._events, "create", at=self.time.now(), before={}, after={}
            )
            await uow.outbox.add(event_id, chats, "project.create", params, self.time.now())
            await uow.commit()
        return event_id

    async def rows(self) -> list[dict[str, Any]]:
        async with self.db.uow(read_only=True) as uow:
            query = select(tables.outbox).order_by(tables.outbox.c.id)
            return [dict(r) for r in (await uow.session.execute(query)).mappings()]

    async def statuses(self, key: str = "project.create") -> list[str]:
        return [r["status"] for r in await self.rows() if r["message_key"] == key]

    def bot_texts(self, chat: Conversation | Person) -> list[str]:
        conversation = chat.private_chat if isinstance(chat, Person) else chat
        return [m.text or "" for m in conversation.bot_messages()]

    def answers(self, status: int) -> int:
        return sum(1 for r in self.telegram.calls("sendMessage") if r.status == status)


@pytest.fixture
def time() -> VirtualTime:
    return VirtualTime()


@pytest.fixture
async def rig(
    request: pytest.FixtureRequest, db: Database, directory: Directory, time: VirtualTime
) -> AsyncIterator[Rig]:
    """Telegram's real limits unless a test names its own with @pytest.mark.parametrize('fake_limits', ...)."""
    limits = getattr(request, "param", None) or Limits()
    telegram = FakeTelegram(limits=limits, clock=time.monotonic)
    yield Rig(telegram, db, directory, time)
    await telegram.close()
    telegram.assert_conformant()


# ---------------------------------------------------------------------------------------------- the limiter


async def stamps_of(limiter: RateLimiter, time: VirtualTime, chats: list[int]) -> list[float]:
    """Acquire once per entry in `chats`, in order, and return when each was let go."""
    stamps = []
    for chat_id in chats:
        await limiter.acquire(chat_id)
        stamps.append(time.monotonic())
    return stamps


def most_in_any_window(stamps: list[float], span: float) -> int:
    """The most stamps in any half-open window (t - span, t], as Telegram counts."""
    return max(sum(1 for s in stamps if end - span + TICK < s <= end) for end in stamps)


async def test_the_limiter_never_sends_a_group_more_than_its_minute_allowance(time: VirtualTime) -> None:
    limits = SendingLimits()
    stamps = await stamps_of(RateLimiter(limits, clock=time.monotonic, sleep=time.sleep), time, [-42] * 60)
    assert most_in_any_window(stamps, GROUP_WINDOW_SECONDS) == limits.group_messages_per_minute < 20
    # And about one a second to the chat: a burst after a lull, then its rate (a token bucket's promise).
    rate, burst = limits.chat_messages_per_second, limits.chat_burst
    for i, start in enumerate(stamps):
        for j in range(i, len(stamps)):
            assert j - i + 1 <= burst + rate * (stamps[j] - start) + TICK


async def test_the_limiter_keeps_every_second_under_the_global_ceiling_and_near_it(time: VirtualTime) -> None:
    limits = SendingLimits()
    stamps = await stamps_of(
        RateLimiter(limits, clock=time.monotonic, sleep=time.sleep), time, list(range(-1, -601, -1))
    )
    # At most the cap in any rolling second, leaving room under Telegram's 30 for our sends' jitter on the way.
    assert most_in_any_window(stamps, 1.0) == limits.max_in_any_second < 30
    # It holds nothing back needlessly: 600 messages take no longer than the cap allows.
    assert stamps[-1] - stamps[0] <= 600 / limits.max_in_any_second + TICK


async def test_a_pause_holds_one_chat_and_a_pause_for_all_holds_everyone(time: VirtualTime) -> None:
    limiter = RateLimiter(SendingLimits.unlimited(), clock=time.monotonic, sleep=time.sleep)
    limiter.pause(-1, 5)
    assert limiter.delay(-1) == pytest.approx(5) and limiter.delay(-2) == 0
    limiter.pause_all(3)
    assert limiter.delay(-2) == pytest.approx(3) and limiter.delay(-1) == pytest.approx(5)
    stamps = await stamps_of(limiter, time, [-2, -1])
    assert stamps[0] == pytest.approx(1003) and stamps[1] == pytest.approx(1005)


async def test_a_busy_group_does_not_hold_up_the_others_and_each_chat_keeps_its_order(time: VirtualTime) -> None:
    busy = [{"id": n, "chat_id": -1, "not_before": None} for n in range(1, 31)]
    others = [{"id": 30 + n, "chat_id": -1 - n, "not_before": None} for n in range(1, 6)]
    soon = time.now() + timedelta(seconds=5)
    held: list[dict[str, Any]] = [
        {"id": 40, "chat_id": -9, "not_before": soon},
        {"id": 41, "chat_id": -9, "not_before": None},
    ]
    limiter = RateLimiter(SendingLimits(), clock=time.monotonic, sleep=time.sleep)
    plan = SendPlan([*busy, *others, *held], time.now(), limiter.chat_ready_at)
    assert plan.next_due == time.now() + timedelta(seconds=5)  # chat -9 waits whole: 41 must not pass 40

    order = []
    while (chat_id := plan.peek()) is not None:
        await limiter.acquire(chat_id)
        row = plan.take(chat_id)
        order.append((chat_id, int(row["id"])))
        plan.done(chat_id, go_on=True)
    assert [row for chat, row in order if chat == -1] == list(range(1, 31))
    assert len(order) == 35 and -9 not in {chat for chat, _ in order}
    third_of_busy = [row for _, row in order].index(3)
    assert {chat for chat, _ in order[:third_of_busy]} == {-1, -2, -3, -4, -5, -6}


# ------------------------------------------------------------------------------------------------ the sender


@pytest.mark.parametrize("rig", [Limits(chat_messages_per_second=1.0, chat_burst=1)], indirect=True)
async def test_a_429_pauses_the_chat_and_the_row_goes_out_once_when_it_is_due(rig: Rig) -> None:
    (group,) = rig.groups(1)
    await rig.queue([group.id], "一号项目")
    await rig.queue([group.id], "二号项目")
    sender = rig.sender(SendingLimits.unlimited())  # our limiter lets it through: the fake's answers 429

    assert await sender.deliver_due() == 1
    assert await rig.statuses() == ["sent", "pending"] and rig.answers(429) == 1
    assert sender.limiter.delay(group.id) > 0
    assert await sender.deliver_due() == 0  # not yet due

    rig.time.advance(1)
    assert await sender.deliver_due() == 1
    assert await rig.statuses() == ["sent", "sent"] and rig.answers(429) == 1
    texts = rig.bot_texts(group)
    assert len(texts) == 2 and "一号项目" in texts[0] and "二号项目" in texts[1]


async def test_a_group_that_kicked_the_bot_fails_its_rows_and_the_office_hears_once(rig: Rig) -> None:
    office = await rig.office()
    gone, fine = rig.groups(2)
    await rig.cadre.removes_bot(gone, settle=False)
    await rig.queue([gone.id, fine.id], "中药饮片项目")
    await rig.queue([gone.id], "中药饮片项目")
    sender = rig.sender()

    assert await sender.deliver_due() == 1
    assert await rig.statuses() == ["failed", "sent", "failed"]
    assert await rig.statuses("delivery.failed") == ["pending"]  # one notice for the two lost messages
    for _ in range(3):
        await sender.deliver_due()
    assert await rig.statuses("delivery.failed") == ["sent"]
    (told,) = rig.bot_texts(office)
    assert "未能送达" in told and "移出" in told and "中药饮片项目" in told and str(gone.id) in told
    async with rig.db.uow(read_only=True) as uow:
        attention = await uow.outbox.needing_attention()
    assert [r["chat_id"] for r in attention] == [gone.id, gone.id]


@pytest.mark.parametrize("reached", [True, False], ids=["after-telegram-took-it", "before-telegram-saw-it"])
async def test_a_timeout_marks_the_row_unknown_and_no_later_run_resends_it(rig: Rig, reached: bool) -> None:
    (group,) = rig.groups(1)
    await rig.queue([group.id])

    async def time_out(n: int) -> None:
        if n == 1:
            raise TelegramNetworkError(SendMessage(chat_id=group.id, text="?"), "Request timeout error")

    session = TrippingSession(rig.telegram, **{"after" if reached else "before": time_out})
    assert await rig.sender(session=session).deliver_due() == 0
    assert await rig.statuses() == ["unknown"]

    later = rig.sender()  # the next tick, and a worker after a restart
    assert await later.deliver_due() == 0
    stop = asyncio.Event()
    worker = asyncio.create_task(later.run(stop))
    await asyncio.sleep(0.02)
    stop.set()
    await worker
    assert await rig.statuses() == ["unknown"]
    assert len(rig.bot_texts(group)) == (1 if reached else 0)
    assert rig.answers(200) == (1 if reached else 0)


@pytest.mark.parametrize("in_flight", [1, 8])
async def test_a_crash_mid_broadcast_then_a_restart_delivers_the_rest_without_duplicates(
    rig: Rig, in_flight: int
) -> None:
    groups = rig.groups(60)
    await rig.queue([g.id for g in groups])
    crashed = asyncio.Event()

    async def die_at_the_twentieth(n: int) -> None:
        if n >= 20:  # Telegram took it, and the process dies before it hears back
            crashed.set()
            await asyncio.Event().wait()

    first = rig.sender(session=TrippingSession(rig.telegram, after=die_at_the_twentieth), max_in_flight=in_flight)
    worker = asyncio.create_task(first.run(asyncio.Event()))
    await asyncio.wait_for(crashed.wait(), timeout=5)
    worker.cancel()
    with pytest.raises(asyncio.CancelledError):
        await worker
    assert "sending" in await rig.statuses()

    rig.time.advance(5)  # a restart takes a moment; the new limiter knows nothing of the last second's sends
    restarted = rig.sender(max_in_flight=in_flight)
    stop = asyncio.Event()
    worker = asyncio.create_task(restarted.run(stop))
    async with asyncio.timeout(5):
        while {"pending", "sending"} & set(await rig.statuses()):  # noqa: ASYNC110 - the database has no event
            await asyncio.sleep(0.005)
    stop.set()
    await worker

    rows = {r["chat_id"]: r for r in await rig.rows()}
    received = {g.id: g.bot_messages() for g in groups}
    assert max(len(m) for m in received.values()) == 1  # no duplicates
    for chat_id, row in rows.items():
        if row["status"] == "sent":
            assert [m.model.message_id for m in received[chat_id]] == [row["sent_message_id"]]
        else:  # cut short by the crash: flagged for a person, never resent
            assert row["status"] == "unknown" and "interrupted" in row["last_error"]
    unknown = [c for c, r in rows.items() if r["status"] == "unknown"]
    assert 1 <= len(unknown) <= in_flight
    if in_flight == 1:  # the one message the crash cut short had reached Telegram: nothing was lost
        assert all(len(m) == 1 for m in received.values())
        assert rig.answers(429) == 0
    # With sends in flight, virtual time runs ahead of them and the fake may answer 429: retried, still once.


# -------------------------------------------------------------------------------- a bulletin's photo and table


async def queue_bulletin(rig: Rig, chats: list[int]) -> None:
    """October's 通报 published to `chats` as services.bulletins writes it: its text, chart and table events."""
    figures = monthly_to_json(monthly_bulletin(2026, 10, ["jianshan", "anwen"], [], [], {}, ScoringRules()))
    now = rig.time.now()
    async with rig.db.uow() as uow:
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


def uploads(rig: Rig, method: str) -> list[Any]:
    """The sends of this method that carried the file's bytes (an upload), not a file_id."""
    field = "photo" if method == "sendPhoto" else "document"
    return [r for r in rig.telegram.calls(method) if r.ok and isinstance(r.params[field], dict)]


async def test_a_bulletin_goes_as_text_photo_and_table_uploading_each_file_once_per_language(rig: Rig) -> None:
    groups = rig.groups(5)
    english = rig.telegram.user("Reader", language_code="en")
    english.opens_private_chat()
    someone = await register_person(
        rig.db, display_name="Reader", telegram_user_id=english.id, language="en", now=rig.time.now()
    )
    assert someone.id is not None
    await queue_bulletin(rig, [g.id for g in groups] + [english.id])

    stop = asyncio.Event()
    worker = asyncio.create_task(rig.sender().run(stop))
    async with asyncio.timeout(20):
        while {"pending", "sending"} & {r["status"] for r in await rig.rows()}:  # noqa: ASYNC110 - no event
            await asyncio.sleep(0.01)
    stop.set()
    await worker

    assert {r["status"] for r in await rig.rows()} == {"sent"}
    for group in groups:
        text, chart, table = group.bot_messages()
        assert "2026年10月全县招商引资工作通报" in (text.text or "")
        assert chart.photo is not None and chart.photo.mime_type == "image/png"
        assert table.document is not None and table.document.file_name == "招商引资通报-2026-10.xlsx"
        assert "图表" in (chart.caption or "")
    # One upload per file and language (zh for the groups, en for the reader); every other chat got its file_id.
    assert len(uploads(rig, "sendPhoto")) == len(uploads(rig, "sendDocument")) == 2
    assert len(rig.telegram.calls("sendPhoto")) == len(rig.telegram.calls("sendDocument")) == 6
    ids = {g.bot_messages()[2].model.document for g in groups}
    assert len(ids) == 1

    zh_book = load_workbook(io.BytesIO(groups[0].bot_messages()[2].document.data))  # type: ignore[union-attr]
    assert zh_book.sheetnames == ["各单位", "分阶段"]
    assert [c.value for c in zh_book["各单位"][1]][:3] == ["单位", "在库项目", "本月新增"]
    assert zh_book["各单位"]["A4"].value == "全县"  # two units, then the county
    en_message = english.private_chat.bot_messages()[2]
    assert en_message.document is not None and en_message.document.file_name == "investment-bulletin-2026-10.xlsx"
    en_book = load_workbook(io.BytesIO(en_message.document.data))
    assert en_book.sheetnames == ["Units", "By stage"] and en_book["Units"]["A1"].value == "Unit"
    async with rig.db.uow(read_only=True) as uow:
        kept = await uow.bulletins.file(1, "chart", "zh")
    assert kept is not None and kept.telegram_file_id == groups[0].bot_messages()[1].model.photo


@pytest.mark.parametrize("in_flight", [1, 8])
async def test_a_crash_mid_bulletin_then_a_restart_sends_the_rest_once_reusing_the_uploads(
    rig: Rig, in_flight: int
) -> None:
    groups = rig.groups(15)
    await queue_bulletin(rig, [g.id for g in groups])
    crashed = asyncio.Event()

    async def die_at_the_twenty_fifth(n: int) -> None:
        if n >= 25:  # Telegram took it, and the process dies before it hears back
            crashed.set()
            await asyncio.Event().wait()

    first = rig.sender(session=TrippingSession(rig.telegram, after=die_at_the_twenty_fifth), max_in_flight=in_flight)
    worker = asyncio.create_task(first.run(asyncio.Event()))
    await asyncio.wait_for(crashed.wait(), timeout=20)
    worker.cancel()
    with pytest.raises(asyncio.CancelledError):
        await worker

    rig.time.advance(5)
    restarted = rig.sender(max_in_flight=in_flight)
    stop = asyncio.Event()
    worker = asyncio.create_task(restarted.run(stop))
    async with asyncio.timeout(20):
        while {"pending", "sending"} & {r["status"] for r in await rig.rows()}:  # noqa: ASYNC110 - no event
            await asyncio.sleep(0.01)
    stop.set()
    await worker

    rows = await rig.rows()
    unknown = [r for r in rows if r["status"] == "unknown"]
    assert 1 <= len(unknown) <= in_flight and all("interrupted" in r["last_error"] for r in unknown)
    assert {r["status"] for r in rows} <= {"sent", "unknown"}
    for group in groups:
        received = group.bot_messages()
        kinds = ["text" if m.text else "photo" if m.model.photo else "table" for m in received]
        assert len(kinds) == len(set(kinds))  # no duplicates
        sent = {r["message_key"] for r in rows if r["chat_id"] == group.id and r["status"] == "sent"}
        assert len(received) >= len(sent)
        if in_flight == 1:  # the one send the crash cut short had reached Telegram: nothing was lost
            assert kinds == ["text", "photo", "table"]
    # The restarted sender found the file_ids stored by the first and uploaded nothing again.
    assert len(uploads(rig, "sendPhoto")) == len(uploads(rig, "sendDocument")) == 1
