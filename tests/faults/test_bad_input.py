"""The cases of bad input seen from outside, each answered now: command arguments and 审批表 answers with HTML
specials or of Telegram's full length, an exception no handler expected, and messages in a group that no
feature took."""

from __future__ import annotations

import logging

import pytest

from bot.handlers import fallback, targets
from domain.approval import Category
from domain.directory import Role, RoleKind
from tests.bot.conftest import World
from tests.bot.story import asks, latest
from tests.bot.test_form import JIANSHAN, project_group
from tests.faults.conftest import Failures, Watch

OFFICE = Role(RoleKind.OFFICE)


@pytest.mark.parametrize("command", ["/assessment", "/targets", "/calendar"])
async def test_a_command_argument_with_html_specials_is_quoted_back_as_typed(
    watch: Watch, world: World, command: str
) -> None:
    office = await world.person("王办公室", OFFICE)
    await office.starts()
    answer = await watch.sends(office, office.private_chat, f"{command} <b")
    assert "“<b”" in (answer.text or "")


async def test_a_long_command_argument_is_quoted_shortened(watch: Watch, world: World) -> None:
    office = await world.person("王办公室", OFFICE)
    await office.starts()
    answer = await watch.sends(office, office.private_chat, "/assessment " + "&" * 4000)
    assert "&" * 50 + "…" in (answer.text or "") and "&" * 70 not in (answer.text or "")


async def test_a_bad_answer_to_the_form_is_shown_back_escaped_once(watch: Watch, world: World) -> None:
    cadre = await world.person("李尖山", JIANSHAN)
    group, _project = await project_group(world, cadre, category=Category.INDUSTRY)
    await cadre.says(group, "/form")
    question = latest(group)
    assert asks(question, "总投资")
    answer = await watch.sends(cadre, group, "a<b&c", reply_to=question)
    assert "「a<b&c」" in (answer.text or "") and asks(answer, "总投资")


async def test_a_long_answer_of_html_specials_gets_a_short_reply(watch: Watch, world: World) -> None:
    cadre = await world.person("李尖山", JIANSHAN)
    group, _project = await project_group(world, cadre, category=Category.INDUSTRY)
    await cadre.says(group, "/form")
    answer = await watch.sends(cadre, group, "<&" * 2048, reply_to=latest(group))
    assert asks(answer, "总投资") and len(answer.text or "") < 1000


async def test_a_full_length_answer_to_a_choice_question_is_refused_in_a_short_reply(
    watch: Watch, world: World
) -> None:
    cadre = await world.person("李尖山", JIANSHAN)
    group, _project = await project_group(world, cadre)
    await cadre.says(group, "/form")
    question = latest(group)
    assert asks(question, "产业类别") and "工业" in question.button_texts
    answer = await watch.sends(cadre, group, "工" * 4096, reply_to=question)
    assert asks(answer, "产业类别") and len(answer.text or "") < 1000


async def test_an_unexpected_exception_is_logged_once_and_the_person_gets_an_apology(
    world: World, failures: Failures, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(targets, "ASSESSED_YEAR", None)  # .match on None: an AttributeError inside the handler
    office = await world.person("王办公室", OFFICE)
    await office.starts()
    chat = office.private_chat
    posted = await office.says(chat, "/assessment 2026")
    answer = latest(chat)
    assert answer.message_id > posted.message_id and "抱歉" in (answer.text or "")
    assert "AttributeError" not in (answer.text or "") and "NoneType" not in (answer.text or "")
    logged = [r for r in failures.records if r.levelno >= logging.ERROR]
    assert len(logged) == 1 and logged[0].exc_info is not None
    assert logged[0].name == "bot.handlers.errors"


async def test_an_unexpected_exception_on_a_tap_is_answered_with_an_alert(
    world: World, failures: Failures, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(key: str) -> str:
        raise RuntimeError(f"a defect nobody expected in {key}")

    office = await world.person("王办公室", OFFICE)
    await office.starts()
    chat = office.private_chat
    monkeypatch.setattr(fallback, "_", broken)  # the answer to an unknown button fails as it is worded
    pressed = await office.taps_forged(latest(chat), "no-such-button")
    answer = world.telegram.answer_to(pressed)
    assert answer.answered and answer.show_alert and "抱歉" in (answer.text or "")
    assert len(failures.records) == 1


async def test_in_a_group_a_command_for_this_bot_or_a_reply_to_it_that_no_feature_took_gets_a_hint(
    watch: Watch, world: World
) -> None:
    cadre = await world.person("李尖山", JIANSHAN)
    group, _project = await project_group(world, cadre)
    hint = await watch.sends(cadre, group, "/nosuchcommand 1 2")
    assert "/help" in (hint.text or "")
    hint = await watch.sends(cadre, group, "/nosuchcommand@zhikong_bot")
    assert "/help" in (hint.text or "")
    await world.deliver()
    card = group.bot_messages()[-1]
    hint = await watch.sends(cadre, group, "这是什么？", reply_to=card)
    assert "/help" in (hint.text or "")


async def test_in_a_group_commands_for_other_bots_and_plain_talk_get_nothing(world: World, failures: Failures) -> None:
    cadre = await world.person("李尖山", JIANSHAN)
    other = await world.person("张三", JIANSHAN)
    group, _project = await project_group(world, cadre, other)
    await cadre.makes_bot_admin(group)  # an administrator bot sees every message, not only commands
    seen = len(group.bot_messages())
    await cadre.says(group, "/weather@otherbot 磐安")
    await cadre.says(group, "大家好，明天上午开会")
    await other.says(group, "收到", reply_to=group.last_message())
    assert len(group.bot_messages()) == seen and not failures.records


async def test_a_task_list_of_twenty_long_items_still_fits_in_one_review(watch: Watch, world: World) -> None:
    from tests.bot.test_tasks import cast, project_group

    people = await cast(world)
    group = await project_group(world, people)
    await people.cadre.says(group, "/problem")
    review = await watch.sends(people.cadre, group, "&" * 2000, reply_to=latest(group))
    await people.cadre.taps(review, "✅ 确认")
    await world.deliver()
    office = people.office.private_chat
    await people.office.taps(office.last_message(), "📝 准备交办单")
    await watch.sends(people.office, office, "<" * 500)
    line = "财政局：" + "<&" * 245
    for _batch in range(4):
        await watch.sends(people.office, office, "\n".join([line] * 5))
    card = await watch.sends(people.office, office, "完成")
    assert "✅ 确认" in card.button_texts and "20." in (card.text or "") and "…" in (card.text or "")


async def test_a_liaison_report_of_four_full_answers_still_fits_in_its_review(watch: Watch, world: World) -> None:
    from datetime import datetime

    from domain.calendar import SHANGHAI

    world.clock.move_to(datetime(2026, 10, 8, 10, tzinfo=SHANGHAI))
    staff = await world.person("林联络", Role(RoleKind.STAFF, "liaison_beijing"))
    await staff.starts()
    chat = staff.private_chat
    await watch.sends(staff, chat, "/report")
    for _question in range(3):
        await watch.sends(staff, chat, "<&" * 1000)
    review = await watch.sends(staff, chat, "&<" * 1000)
    assert "✅ 提交" in review.button_texts and "…" in (review.text or "")
