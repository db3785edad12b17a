"""An aiogram session that routes calls into the fake without HTTP, serialized exactly as AiohttpSession does."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any, cast

from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InputFile

from sandbox.models import Upload

if TYPE_CHECKING:
    from aiogram import Bot

    from sandbox.fake import FakeTelegram

IN_PROCESS_BASE = "http://sandbox.invalid"
_FILE_URL = re.compile(r"/file/bot(?P<token>[^/]+)/(?P<path>.+)$")


class SandboxFileNotFound(LookupError):
    """A download of a file path the fake does not hold."""


class InProcessSession(BaseSession):
    """Hands each call to the fake as the same string fields and files aiogram would post over HTTP."""

    def __init__(self, telegram: FakeTelegram, **kwargs: Any) -> None:
        kwargs.setdefault("api", TelegramAPIServer.from_base(IN_PROCESS_BASE))
        super().__init__(**kwargs)
        self.telegram = telegram

    async def close(self) -> None:
        """Nothing to close: there is no connection."""

    async def _fields(self, bot: Bot, method: TelegramMethod[TelegramType]) -> tuple[dict[str, str], dict[str, Upload]]:
        """Mirrors AiohttpSession.build_form_data: prepared values, empty ones dropped, files read into memory."""
        files: dict[str, InputFile] = {}
        fields: dict[str, str] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files)
            if not prepared:
                continue
            fields[key] = prepared
        uploads = {}
        for key, file in files.items():
            data = b"".join([chunk async for chunk in file.read(bot)])
            uploads[key] = Upload(filename=file.filename or key, data=data)
        return fields, uploads

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - aiogram's signature
    ) -> TelegramType:
        """Calls the fake and decodes its answer with aiogram's own check_response."""
        fields, uploads = await self._fields(bot, method)
        call = self.telegram.core.api.call(bot.token, method.__api_method__, fields, uploads, transport="in-process")
        try:
            reply = await asyncio.wait_for(call, timeout=self.timeout if timeout is None else timeout)
        except TimeoutError as e:
            raise TelegramNetworkError(method=method, message="Request timeout error") from e
        if self.telegram.core.strict and reply.violations:
            self.telegram.assert_conformant()
        response = self.check_response(
            bot=bot, method=method, status_code=reply.status, content=self.json_dumps(reply.body)
        )
        return cast(TelegramType, response.result)

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 - aiogram's signature
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        """Serves a download from the fake's file store."""
        match = _FILE_URL.search(url)
        stored = None
        if match and match.group("token") == self.telegram.token:
            stored = self.telegram.core.world.file_by_path(match.group("path"))
        if stored is None:
            if raise_for_status:
                raise SandboxFileNotFound(url)
            return
        for start in range(0, len(stored.data), chunk_size):
            yield stored.data[start : start + chunk_size]
