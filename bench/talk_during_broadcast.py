"""Benchmark: how long a conversation's reply takes while the monthly progress prompt goes to N groups, against
the same replies with nothing else going on (the baseline, measured in the same run).

Run by hand, not in the test suite:  .venv/bin/python bench/talk_during_broadcast.py [--groups N] [--talkers T]
The bot is built as in production (bot.app.build: one limiter for every request) and polls the fake Telegram
in-process under Telegram's real limits. T people, each in one project group, send /status a few times a
second apart: first with the outbox empty (baseline), then while the supervision pass's prompt drains to every
group. It prints the replies' median and worst latency in both phases and their ratio, the broadcast's rate,
and the 429s the fake answered; it exits non-zero on any 429 or a lost reply.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path

from bot.app import Application, build, make_bot
from bot.polling import Poller
from domain.approval import Category
from domain.calendar import SHANGHAI
from domain.project import Project
from sandbox.fake import FakeTelegram
from sandbox.limits import Limits
from sandbox.scenario import Conversation, Person
from services.people import register_person
from services.progress import reconcile_progress
from zhikong.clock import MovableClock
from zhikong.settings import Settings

ROUNDS = 3
PROMPT_DAY = datetime.combine(datetime(2026, 12, 1).date(), clock_time(10), tzinfo=SHANGHAI)


@dataclass(frozen=True)
class Phase:
    latencies: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.latencies)

    @property
    def worst(self) -> float:
        return max(self.latencies)


async def add_projects(app: Application, chat_ids: list[int]) -> None:
    directory = app.directory
    now = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
    clerk = await register_person(app.db, display_name="录入员", telegram_user_id=None, language="zh", now=now)
    units = [u.code for u in directory.landing_units()]
    async with app.db.uow() as uow:
        for n, chat_id in enumerate(chat_ids):
            uow.projects.add(
                Project(
                    name=f"项目{n:04d}",
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


def answers_in(group: Conversation) -> int:
    return sum(1 for m in group.bot_messages() if (m.text or "").startswith("📌"))


async def talk(talkers: list[tuple[Person, Conversation]]) -> Phase:
    """Each talker sends /status ROUNDS times, a second apart; the time from sending to the bot's answer."""

    async def one(person: Person, group: Conversation) -> list[float]:
        took = []
        for _ in range(ROUNDS):
            before = answers_in(group)
            started = time.perf_counter()
            await person.says(group, "/status", settle=False)
            async with asyncio.timeout(60):
                while answers_in(group) == before:  # noqa: ASYNC110 - the fake's state has no event to wait on
                    await asyncio.sleep(0.002)
            took.append(time.perf_counter() - started)
            await asyncio.sleep(1.0)
        return took

    results = await asyncio.gather(*(one(*pair) for pair in talkers))
    return Phase([t for took in results for t in took])


async def run(groups: int, talkers_count: int, workdir: Path) -> int:
    telegram = FakeTelegram(limits=Limits())
    member = telegram.user("群成员")
    people = [telegram.user(f"干部{n}") for n in range(talkers_count)]
    step = max(1, groups // talkers_count)
    chat_ids = []
    for n in range(groups):
        talking = [people[n // step]] if n % step == 0 and n // step < talkers_count else []
        chat_ids.append(telegram.group(f"联络群{n:04d}", members=[member, *talking]).id)
    telegram.core.updates.drop_pending()
    talkers = [(person, telegram.chat(chat_ids[n * step])) for n, person in enumerate(people)]
    settings = Settings(database_url=f"sqlite:///{workdir / 'bench.db'}", bot_token=None, redis_url=None)
    clock = MovableClock()
    app = await build(settings, clock, bot=make_bot(telegram.token, session=telegram.session()))
    telegram.watch(app.dispatcher)
    poller = Poller(app.dispatcher, app.bot, polling_timeout=10)  # as the bot polls
    polling = asyncio.create_task(poller.run())
    try:
        await add_projects(app, chat_ids)
        baseline = await talk(talkers)
        clock.move_to(PROMPT_DAY)
        queued = await reconcile_progress(app.supervision, clock.now())
        stop = asyncio.Event()
        started = time.perf_counter()
        sender = asyncio.create_task(app.sender.run(stop))
        during = await talk(talkers)

        def prompts() -> int:
            return sum(1 for r in telegram.calls("sendMessage") if r.ok and "月度进展" in r.params["text"])

        while prompts() < queued:  # noqa: ASYNC110 - the fake's state has no event to wait on
            await asyncio.sleep(0.01)
        elapsed = time.perf_counter() - started
        stop.set()
        await sender
    finally:
        poller.stop()
        await polling
        await app.bot.session.close()
        await app.db.dispose()
        await telegram.close()
    refused = sum(1 for r in telegram.requests if r.status == 429)
    lost = talkers_count * ROUNDS * 2 - len(baseline.latencies) - len(during.latencies)
    print(f"/status replies while the monthly prompt goes to {groups} groups (fake Telegram, its real limits)")
    print(
        f"  baseline (idle)           median {baseline.median * 1000:7.1f} ms   worst {baseline.worst * 1000:7.1f} ms"
    )
    print(f"  during the broadcast      median {during.median * 1000:7.1f} ms   worst {during.worst * 1000:7.1f} ms")
    print(
        f"  ratio during / baseline   median {during.median / baseline.median:7.2f}      worst "
        f"{during.worst / baseline.worst:7.2f}"
    )
    print(f"  broadcast                 {queued} prompts in {elapsed:.2f} s ({queued / elapsed:.1f} messages/s)")
    print(f"  429 answers               {refused}")
    print(f"  replies lost              {lost}")
    return 0 if refused == 0 and lost == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--talkers", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        return asyncio.run(run(args.groups, args.talkers, Path(workdir)))


if __name__ == "__main__":
    sys.exit(main())
