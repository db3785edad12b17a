"""Webhook delivery: POST each update in order to the bot's URL with the secret header, retrying until accepted."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp

from sandbox.models import Upload

if TYPE_CHECKING:
    from sandbox.core import Core
    from sandbox.updates import QueuedUpdate

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass
class WebhookConfig:
    """What setWebhook set, and the last delivery error getWebhookInfo reports."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass(frozen=True)
class _ReplyCall:
    method: str
    params: dict[str, Any]
    uploads: dict[str, Upload]


class WebhookDelivery:
    """Runs one delivery loop while a webhook is set."""

    def __init__(
        self,
        core: Core,
        *,
        retry_delays: tuple[float, ...] = (0.05, 0.1, 0.25, 0.5, 1.0),
        timeout: float = 10.0,
        allowed_hosts: frozenset[str] = LOOPBACK_HOSTS,
    ) -> None:
        self.core = core
        self.retry_delays = retry_delays
        self.timeout = timeout
        self.allowed_hosts = allowed_hosts
        self.config: WebhookConfig | None = None
        self._task: asyncio.Task[None] | None = None

    def set(self, config: WebhookConfig) -> None:
        """Starts delivering to a new URL (ending any long poll, as Telegram does)."""
        self._stop_task()
        self.config = config
        self.core.updates.webhook_active = True
        self.core.updates.wake()
        self._task = asyncio.get_running_loop().create_task(self._run(config))

    def resume(self) -> None:
        """Restarts delivery to the URL still set, after close() (a restarted server)."""
        if self.config is not None and self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(self.config))

    def delete(self) -> None:
        """Stops delivering; pending updates stay queued for getUpdates."""
        self.config = None
        self.core.updates.webhook_active = False
        self._stop_task()
        self.core.updates.wake()

    def info(self) -> dict[str, Any]:
        """The WebhookInfo object."""
        out: dict[str, Any] = {
            "url": self.config.url if self.config else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.core.updates),
        }
        if self.config is not None:
            out["max_connections"] = self.config.max_connections
            out["allowed_updates"] = self.core.updates.allowed
            if self.config.last_error_date is not None:
                out["last_error_date"] = self.config.last_error_date
                out["last_error_message"] = self.config.last_error_message
        return out

    async def close(self) -> None:
        """Stops the delivery loop and waits for it to end."""
        task, self._task = self._task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def _stop_task(self) -> None:
        # A reply to a webhook may itself call deleteWebhook; the loop then ends on its own.
        if self._task is not None and self._task is not asyncio.current_task():
            self._task.cancel()
        self._task = None

    async def _run(self, config: WebhookConfig) -> None:
        updates = self.core.updates
        failures = 0
        async with aiohttp.ClientSession() as session:
            while self.config is config and not updates.closed:
                pending = updates.pending()
                if not pending:
                    await updates.wait_for_pending()
                    continue
                error = await self._deliver(session, config, pending[0])
                if error is None:
                    failures = 0
                    continue
                config.last_error_date = self.core.world.now()
                config.last_error_message = error
                await asyncio.sleep(self.retry_delays[min(failures, len(self.retry_delays) - 1)])
                failures += 1

    async def _deliver(self, session: aiohttp.ClientSession, config: WebhookConfig, update: QueuedUpdate) -> str | None:
        """Posts one update; None once the bot accepted it, else the error getWebhookInfo shows."""
        headers = {"Content-Type": "application/json"}
        if config.secret_token:
            headers[SECRET_HEADER] = config.secret_token
        body = json.dumps(update.json(), ensure_ascii=False).encode("utf-8")
        try:
            async with session.post(
                config.url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=self.timeout)
            ) as resp:
                if not 200 <= resp.status < 300:
                    return f"Wrong response from the webhook: {resp.status} {resp.reason}"
                reply = await _reply_call(resp)
        except TimeoutError:
            return "Read timeout expired"
        except aiohttp.ClientConnectorError:
            return "Connection refused"
        except aiohttp.ClientError as e:
            return f"Webhook delivery failed: {type(e).__name__}"
        if reply is not None:
            await self.core.api.call(
                self.core.token, reply.method, reply.params, reply.uploads, transport="webhook-reply"
            )
        self.core.updates.ack(update.update_id)
        return None


async def _reply_call(resp: aiohttp.ClientResponse) -> _ReplyCall | None:
    """A method the bot answered the webhook with (JSON or multipart, as aiogram sends it), if any."""
    content_type = resp.content_type
    if content_type == "application/json":
        try:
            body = await resp.json()
        except (ValueError, aiohttp.ContentTypeError):
            return None
        if isinstance(body, dict) and isinstance(body.get("method"), str):
            method = body.pop("method")
            return _ReplyCall(method, body, {})
        return None
    if content_type != "multipart/form-data":
        return None
    params: dict[str, Any] = {}
    uploads: dict[str, Upload] = {}
    reader = aiohttp.MultipartReader.from_response(resp)
    async for part in reader:
        if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
            continue
        if part.filename:
            uploads[part.name] = Upload(part.filename, bytes(await part.read()), part.headers.get("Content-Type"))
        else:
            params[part.name] = await part.text()
    method = params.pop("method", None)
    return _ReplyCall(method, params, uploads) if isinstance(method, str) else None
