"""getMe, the bot's command lists, answerCallbackQuery, getFile, logOut and close."""

from __future__ import annotations

import json
import re
from typing import Any

from sandbox.errors import INVALID_FILE_ID, QUERY_INVALID, ApiError, bad_request
from sandbox.methods.common import Call, Handler
from sandbox.render import bot_json, file_json

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


def _commands_key(call: Call) -> str:
    scope = call.obj("scope") or {"type": "default"}
    return f"{json.dumps(scope, sort_keys=True)}|{call.string('language_code') or ''}"


async def get_me(call: Call) -> dict[str, Any]:
    """The bot's own user, with its capabilities."""
    return bot_json(call.core.bot, privacy_mode=call.world.privacy_mode)


async def set_my_commands(call: Call) -> bool:
    """Stores the command list for a scope and language, checked as Telegram checks it."""
    commands = call.array("commands") or []
    if len(commands) > 100:
        raise bad_request("too many commands specified")
    for item in commands:
        if not isinstance(item, dict) or not _COMMAND.fullmatch(str(item.get("command", "")).lstrip("/")):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(item.get("description", ""))) <= 256:
            raise bad_request("command description must be non-empty")
    call.world.commands[_commands_key(call)] = [
        {"command": str(c["command"]).lstrip("/"), "description": str(c["description"])} for c in commands
    ]
    return True


async def get_my_commands(call: Call) -> list[dict[str, Any]]:
    """The command list for a scope and language (empty if never set)."""
    return list(call.world.commands.get(_commands_key(call), []))


async def delete_my_commands(call: Call) -> bool:
    """Forgets the command list for a scope and language."""
    call.world.commands.pop(_commands_key(call), None)
    return True


async def answer_callback_query(call: Call) -> bool:
    """Records the bot's answer to a button press; a query can be answered once."""
    record = call.world.callbacks.get(call.string("callback_query_id") or "")
    if record is None or record.answered:
        raise ApiError(400, QUERY_INVALID)
    record.answered = True
    record.text = call.string("text")
    record.show_alert = call.boolean("show_alert")
    record.url = call.string("url")
    call.core.activity.bump()
    return True


async def get_file(call: Call) -> dict[str, Any]:
    """The File object whose file_path the download route serves."""
    stored = call.world.files.get(call.string("file_id") or "")
    if stored is None:
        raise ApiError(400, INVALID_FILE_ID)
    return file_json(stored)


async def log_out_or_close(call: Call) -> bool:
    """Accepted and ignored: the sandbox has no cloud server to log out of."""
    return True


HANDLERS: dict[str, Handler] = {
    "getMe": get_me,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "answerCallbackQuery": answer_callback_query,
    "getFile": get_file,
    "logOut": log_out_or_close,
    "close": log_out_or_close,
}
