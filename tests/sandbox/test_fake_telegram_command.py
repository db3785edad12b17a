"""`zhikong fake-telegram` on its own, and `zhikong run` pointed at it with TELEGRAM_API_URL: both real processes."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from tests.faults.processes import Control, environment, wait_for, zhikong


async def test_zhikong_run_answers_through_a_separately_started_fake(tmp_path: Path) -> None:
    token = "7000000042:a-token-only-this-fake-knows"
    async with zhikong("fake-telegram", "--port", "0", "--token", token, env=environment()) as fake:
        url = (await fake.line_starting("TELEGRAM_API_URL=")).partition("=")[2]
        assert await fake.line_starting("BOT_TOKEN=") == f"BOT_TOKEN={token}"
        bot_env = environment(BOT_TOKEN=token, TELEGRAM_API_URL=url, DATABASE_URL=f"sqlite:///{tmp_path / 'z.db'}")
        async with aiohttp.ClientSession() as session, zhikong("run", env=bot_env) as bot:
            api = Control(session, url)
            li = await api.post("/users", {"first_name": "李", "id": 4242, "private_chat": True})
            assert li["id"] == 4242
            # The bot polls once it has migrated and published its commands.
            await wait_for(lambda: _polled(api), within=30.0)
            await api.post("/messages", {"from_id": 4242, "chat_id": 4242, "text": "/whoami"})
            replies = await wait_for(lambda: api.bot_replies(4242), within=20.0)
            assert "4242" in replies[0]["text"], bot.output
        assert token not in bot.output


async def _polled(api: Control) -> bool:
    """The bot is about to poll: it drops any webhook first (a long poll shows in /requests only once it ends)."""
    return any(r["method"] == "deleteWebhook" for r in await api.get("/requests"))
