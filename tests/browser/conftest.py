"""Browser fixtures: the real sandbox (bot, fake Telegram, demo cast) in-process, and Debian's Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright

from sandbox.limits import Limits
from zhikong.sandbox import RunningSandbox, start_sandbox

MISSING_CHROMIUM = "Debian's chromium is not installed: apt-get install chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def chromium() -> str:
    """The system Chromium; playwright never downloads a browser of its own here."""
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(MISSING_CHROMIUM)
        pytest.skip(MISSING_CHROMIUM)
    return path


@pytest.fixture
async def sandbox(chromium: str, tmp_path: Path) -> AsyncIterator[RunningSandbox]:
    """`zhikong sandbox` on an OS-chosen port with a fresh database, stopped after the test."""
    running = await start_sandbox(data_dir=tmp_path / "sandbox", port=0)
    # The test types faster than any person: at its pace the bot's answers would run into Telegram's
    # per-chat flood limit (a burst of 3, then 1 a second), which is not what these tests are about.
    running.telegram.core.flood.limits = Limits.unlimited()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def page(chromium: str, tmp_path: Path) -> AsyncIterator[Page]:
    """A 1280×800 tab in a fresh Chromium profile."""
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            tmp_path / "chromium-profile",
            executable_path=chromium,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 800},
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
        )
        try:
            yield context.pages[0] if context.pages else await context.new_page()
        finally:
            await context.close()
