"""Running `python -m zhikong ...` as a separate process, as a county would run it, and stopping it again."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from zhikong.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
STOP_WITHIN = 10.0


@dataclass
class Process:
    """A zhikong process whose stdout and stderr are read as they come."""

    proc: asyncio.subprocess.Process
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    readers: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def output(self) -> str:
        """Everything written so far, both streams."""
        return "".join(self.stdout) + "".join(self.stderr)

    async def line_starting(self, prefix: str, *, within: float = 20.0) -> str:
        """The first stdout line that starts with `prefix`; fails after `within` seconds."""
        async with asyncio.timeout(within):
            while True:
                for line in self.stdout:
                    if line.startswith(prefix):
                        return line.strip()
                if self.proc.returncode is not None:
                    raise AssertionError(f"the process ended ({self.proc.returncode}):\n{self.output}")
                await asyncio.sleep(0.05)


def environment(**values: str) -> dict[str, str]:
    """This process's environment without any zhikong setting, plus `values` and the project on the path."""
    names = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.upper() not in names}
    env.update(values)
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONUNBUFFERED"] = "1"
    return env


async def _read(stream: asyncio.StreamReader, into: list[str]) -> None:
    while line := await stream.readline():
        into.append(line.decode("utf-8", "replace"))


@contextlib.asynccontextmanager
async def zhikong(*args: str, env: Mapping[str, str]) -> AsyncIterator[Process]:
    """`python -m zhikong ARGS` in the project root; stopped (SIGTERM, then SIGKILL) when the block ends."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "zhikong",
        *args,
        cwd=ROOT,
        env=dict(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    process = Process(proc)
    process.readers = [
        asyncio.create_task(_read(proc.stdout, process.stdout)),
        asyncio.create_task(_read(proc.stderr, process.stderr)),
    ]
    try:
        yield process
    finally:
        await stop(process)


async def stop(process: Process) -> None:
    """Ends the process if it still runs and waits until both streams are read to the end."""
    proc = process.proc
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), STOP_WITHIN)
        except TimeoutError:
            proc.kill()
            await proc.wait()
    await asyncio.gather(*process.readers)


async def wait_for(check: Callable[[], Any], *, within: float = 20.0, every: float = 0.1) -> Any:
    """Calls the coroutine function `check` until it returns something true; fails after `within` seconds."""
    async with asyncio.timeout(within):
        while not (result := await check()):  # noqa: ASYNC110 - the state is in another process
            await asyncio.sleep(every)
        return result


class Control:
    """JSON calls to a fake Telegram's control API."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session = session
        self.base = base.rstrip("/") + "/sandbox/api"

    async def get(self, path: str) -> Any:
        async with self.session.get(self.base + path) as resp:
            assert resp.status == 200, await resp.text()
            return await resp.json()

    async def post(self, path: str, body: Any) -> Any:
        async with self.session.post(self.base + path, json=body) as resp:
            assert resp.status == 201 or resp.status == 200, await resp.text()
            return await resp.json()

    async def bot_replies(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages in a chat, oldest first."""
        messages = await self.get(f"/chats/{chat_id}/messages")
        return [m for m in messages if m["sender"] and m["sender"]["is_bot"]]
