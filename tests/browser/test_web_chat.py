"""The web chat in a real browser: a county IT officer tries the bot as one of the demo people, with no bot token."""

from __future__ import annotations

from pathlib import Path

from aiogram.types import BufferedInputFile, ForceReply
from playwright.async_api import ConsoleMessage, Error, Locator, Page, expect

from bot.i18n import make_i18n
from zhikong.sandbox import RunningSandbox, demo_data

CADRE = "李尖山"  # the 尖山镇 cadre of the demo cast
CADRE_ID = 1001


def text(key: str, language: str) -> str:
    """A catalog text, as the bot would send it in that language."""
    return str(make_i18n().gettext(key, locale=language))


def first_line(key: str, language: str) -> str:
    return text(key, language).splitlines()[0]


def watch_for_problems(page: Page) -> list[str]:
    """Script errors and console errors (a blocked request shows up there too), collected as they happen."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    def on_page_error(error: Error) -> None:
        problems.append(f"script error: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    return problems


def bot_messages(page: Page) -> Locator:
    return page.locator('[data-testid="message"][data-from-bot="true"]')


async def become(page: Page, sandbox: RunningSandbox, name: str) -> None:
    await page.goto(sandbox.url + "/")
    await page.get_by_test_id("person").filter(has_text=name).click()
    await expect(page.get_by_test_id("current-person")).to_contain_text(name)


async def open_chat(page: Page, title: str) -> None:
    await page.get_by_test_id("chat").filter(has=page.get_by_text(title, exact=True)).click()
    await expect(page.get_by_test_id("chat-title")).to_have_text(title)


async def send(page: Page, message: str) -> None:
    box = page.get_by_test_id("message-input")
    await box.fill(message)
    await box.press("Enter")
    await expect(box).to_have_value("")


async def test_a_cadre_asks_for_help_in_the_project_group_and_switches_the_bot_to_english(
    page: Page, sandbox: RunningSandbox, tmp_path: Path
) -> None:
    problems = watch_for_problems(page)
    group = demo_data()["project"]["group_title"]

    await page.goto(sandbox.url + "/")
    picker = page.get_by_test_id("people-picker")
    await expect(picker.get_by_test_id("person").filter(has_text=CADRE)).to_contain_text("尖山镇")
    await expect(picker.get_by_test_id("person").filter(has_text="招引智控")).to_have_count(0)
    await become(page, sandbox, CADRE)
    await open_chat(page, group)

    await send(page, "/help")
    await expect(bot_messages(page).last).to_contain_text(first_line("help.bound", "zh"))

    await send(page, "/language")
    choice = bot_messages(page).filter(has=page.get_by_test_id("inline-button")).last
    await expect(choice.get_by_test_id("inline-button")).to_have_text(["中文", "English"])
    await choice.get_by_role("button", name="English").click()
    await expect(page.get_by_test_id("toast")).to_contain_text(text("language.chosen", "en").format(name=CADRE))

    await send(page, "/help")
    await expect(bot_messages(page).last).to_contain_text(first_line("help.bound", "en"))
    await page.screenshot(path=tmp_path / "web-chat.png")
    assert problems == []


async def test_a_bot_message_shows_its_formatting_and_files_and_nothing_in_it_runs(
    page: Page, sandbox: RunningSandbox
) -> None:
    problems = watch_for_problems(page)
    markup = (
        '<b>进度提醒</b> <i>斜体</i> <code>ZY-001</code> <a href="https://example.gov.cn/guide">办事指南</a> '
        '<a href="javascript:alert(1)">坏链接</a> &lt;script&gt;alert(1)&lt;/script&gt;'
    )
    await sandbox.app.bot.send_message(CADRE_ID, markup, parse_mode="HTML")
    await sandbox.app.bot.send_document(CADRE_ID, BufferedInputFile(b"a,b\n1,2\n", filename="进度表.csv"))

    await become(page, sandbox, CADRE)
    await open_chat(page, "招引智控")
    formatted = bot_messages(page).filter(has_text="进度提醒").get_by_test_id("message-text")
    await expect(formatted.locator("b")).to_have_text("进度提醒")
    await expect(formatted.locator("i")).to_have_text("斜体")
    await expect(formatted.locator("code")).to_have_text("ZY-001")
    await expect(formatted.locator("a")).to_have_count(1)
    await expect(formatted.locator("a")).to_have_attribute("href", "https://example.gov.cn/guide")
    await expect(formatted).to_contain_text("坏链接 <script>alert(1)</script>")
    await expect(page.locator("#messages script")).to_have_count(0)
    attachment = bot_messages(page).get_by_test_id("attachment")
    await expect(attachment).to_contain_text("进度表.csv")
    await expect(attachment).to_have_attribute("href", "/sandbox/api/files/" + attachment_id(sandbox))
    assert problems == []


async def test_the_bots_question_with_force_reply_is_answered_as_a_reply_without_clicking_reply(
    page: Page, sandbox: RunningSandbox
) -> None:
    question = await sandbox.app.bot.send_message(CADRE_ID, "计划投资额是多少万元？", reply_markup=ForceReply())

    await become(page, sandbox, CADRE)
    await open_chat(page, "招引智控")
    await expect(page.get_by_test_id("reply-target")).to_contain_text("计划投资额是多少万元？")
    await send(page, "5000")

    answer = page.get_by_test_id("message").filter(has_text="5000")
    await expect(answer.locator(".quote")).to_contain_text("计划投资额是多少万元？")
    await expect(page.get_by_test_id("reply-target")).to_be_hidden()
    sent = [m for m in sandbox.telegram.core.world.chat(CADRE_ID).visible_messages() if m.text == "5000"]
    assert [m.reply_to for m in sent] == [question.message_id]


def attachment_id(sandbox: RunningSandbox) -> str:
    (stored,) = sandbox.telegram.core.world.files.values()
    return stored.file_id
