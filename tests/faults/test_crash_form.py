"""SIGKILL at any point of the 审批表 conversation loses no answer and leaves no message unanswered after the
restart, in polling and in webhook mode: the bot runs as its own process against the fake over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from domain.directory import Role, RoleKind
from domain.form import ApprovalForm
from sandbox.fake import FakeTelegram
from sandbox.limits import Limits
from sandbox.scenario import Conversation, MessageView, Person
from sandbox.server import SandboxServer
from services import groups as groups_uc
from services import projects as uc
from services.people import grant_role, register_person
from services.setup import open_database, read_directory
from tests.bot.test_form import all_but
from tests.factories import NOW
from tests.faults.harness import (
    BotProcess,
    KillPoint,
    KillSwitch,
    any_request_but_polling,
    delivers_message,
    free_port,
    method_is,
    wait_for_bot,
)

# The fields the cadre answers in the test, in the order the bot asks them: free text, so any answer is taken.
UNANSWERED = ("investor_name", "company_name", "company_profile", "construction_content", "construction_plan")
ANSWER_TIMEOUT = 120.0  # generous: a cold start on a loaded machine takes many seconds


@dataclass
class Rig:
    telegram: FakeTelegram
    bot: BotProcess
    switch: KillSwitch
    cadre: Person
    group: Conversation
    database_url: str
    project_id: int
    mode: str
    started: bool = False

    def listening(self, since: int) -> Callable[[], bool]:
        if self.mode == "webhook":
            return lambda: len(self.telegram.calls("setWebhook")) > since
        # A long poll is logged only once it ends: one open now counts too.
        updates = self.telegram.core.updates
        return lambda: updates.active_polls > 0 or len(self.telegram.calls("getUpdates")) > since

    async def start_bot(self) -> None:
        method = "setWebhook" if self.mode == "webhook" else "getUpdates"
        before, kills = len(self.telegram.calls(method)), self.switch.kills
        self.started = False
        self.bot.start()
        # A kill point may strike during start-up too: answer_to() then starts it again.
        killed = lambda: self.switch.kills > kills  # noqa: E731 - read once the wait is over
        self.started = await wait_for_bot(self.telegram, self.bot, listening=self.listening(before), killed=killed)

    def up(self) -> bool:
        """The bot runs and listens since its latest start."""
        return self.started and self.bot.alive

    async def answer_to(self, message: MessageView) -> MessageView:
        """The bot's latest message in reply to `message`, restarting the bot whenever it was killed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ANSWER_TIMEOUT
        while loop.time() < deadline:
            replies = [m for m in self.group.bot_messages() if m.reply_to_message_id == message.message_id]
            if replies:
                return replies[-1]
            if not self.bot.alive:
                await self.bot.reaped()
                await self.start_bot()
            await asyncio.sleep(0.02)
        lines = [f"{m.message_id} ↩{m.reply_to_message_id} {(m.text or '')[:60]!r}" for m in self.group.messages()]
        raise AssertionError(
            f"no answer to {message.text!r} within {ANSWER_TIMEOUT}s; killed at {self.switch.killed_at}; the chat:\n"
            + "\n".join(lines)
        )


async def _seed(database_url: str, telegram_id: int, chat_id: int) -> int:
    """The cadre of 尖山镇 and their project, bound to the group, its form answered but for UNANSWERED."""
    directory = read_directory()
    db = await open_database(database_url, directory)
    try:
        person = await register_person(db, display_name="李尖山", telegram_user_id=telegram_id, language="zh", now=NOW)
        assert person.id is not None
        staff = Role(RoleKind.STAFF, "jianshan")
        await grant_role(db, directory, admin_id=None, person_id=person.id, role=staff, now=NOW)
        project = await uc.create_project(
            db, directory, person_id=person.id, name="中药饮片项目", landing_unit="jianshan", now=NOW
        )
        assert project.id is not None
        await groups_uc.bind_group(db, person_id=person.id, project_id=project.id, chat_id=chat_id, now=NOW)
        await uc.edit_form(db, directory, person_id=person.id, project_id=project.id, now=NOW, **all_but(*UNANSWERED))
        return project.id
    finally:
        await db.dispose()


async def _form(database_url: str, project_id: int) -> ApprovalForm:
    db = await open_database(database_url, read_directory())
    try:
        return (await uc.get_project(db, project_id)).form
    finally:
        await db.dispose()


@pytest.fixture(params=["polling", "webhook"])
async def rig(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Rig]:
    telegram = FakeTelegram(limits=Limits.unlimited(), auto_settle=False)
    server = SandboxServer(telegram)
    url = await server.start()
    cadre = telegram.user("李尖山")
    group = telegram.group("中药饮片项目联络群", members=[cadre], bot_is_admin=True)
    database_url = f"sqlite:///{tmp_path / 'bot.db'}"
    project_id = await _seed(database_url, cadre.id, group.id)
    env = {"BOT_TOKEN": telegram.token, "TELEGRAM_API_URL": url, "DATABASE_URL": database_url, "LOG_LEVEL": "DEBUG"}
    if request.param == "webhook":
        port = free_port()
        env |= {
            "WEBHOOK_URL": f"http://127.0.0.1:{port}",
            "WEBHOOK_HOST": "127.0.0.1",
            "WEBHOOK_PORT": str(port),
            "WEBHOOK_SECRET": "fault-suite-webhook-secret",
        }
    bot = BotProcess(env, tmp_path / "bot.log")
    rig = Rig(telegram, bot, KillSwitch(telegram, bot), cadre, group, database_url, project_id, request.param)
    try:
        await rig.start_bot()
        yield rig
    finally:
        await bot.stop()
        await server.stop()


def _plans(rig: Rig, answer: MessageView) -> dict[str, KillPoint | float | None]:
    """Where to kill the bot while it handles `answer`: at a request, or after a moment (mid-handling)."""
    polling = rig.mode == "polling"
    return {
        "no kill": None,
        "as the update is handed over": delivers_message(answer.message_id) if polling else 0.0,
        "at its first request about it": any_request_but_polling(),
        "once the next question reached the chat": method_is("sendMessage"),
        "between its database writes": 0.15,
    }


async def test_sigkill_at_any_point_of_the_form_loses_no_answer_and_leaves_none_unanswered(rig: Rig) -> None:
    cadre, group = rig.cadre, rig.group
    opened = await cadre.says(group, "/form", settle=False)
    question = await rig.answer_to(opened)
    answers: dict[str, str] = {}
    sent: list[MessageView] = [opened]
    plans = list(_plans(rig, opened).items())
    kills: list[asyncio.Task[None]] = []
    for number, field in enumerate(UNANSWERED):
        text = f"第{number + 1}项的回答：谈判，正在办理"
        label, _ = plans[number % len(plans)]
        answer = await cadre.replies(group, to=question, text=text, settle=False)
        plan = _plans(rig, answer)[label]
        if isinstance(plan, float):
            kills.append(asyncio.create_task(rig.switch.kill_after(plan, running=rig.up)))
        elif plan is not None:
            rig.switch.arm(plan)
        sent.append(answer)
        answers[field] = text
        question = await rig.answer_to(answer)
        rig.switch.armed = None
    await asyncio.gather(*kills)
    review = question
    assert any("提交" in b for b in review.button_texts), f"the form ends on its card, got {review.text!r}"
    await rig.bot.stop()
    form = await _form(rig.database_url, rig.project_id)
    assert {field: getattr(form, field) for field in UNANSWERED} == answers
    unanswered = [m.text for m in sent if not any(b.reply_to_message_id == m.message_id for b in group.bot_messages())]
    assert unanswered == []
    assert rig.switch.kills >= 3, f"the bot was killed only at {rig.switch.killed_at}"
