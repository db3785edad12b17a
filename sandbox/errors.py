"""Telegram's error answers, with the descriptions the real Bot API gives."""

from __future__ import annotations

from typing import Any

MESSAGE_TOO_LONG = "Bad Request: message is too long"
CAPTION_TOO_LONG = "Bad Request: message caption is too long"
MESSAGE_TEXT_EMPTY = "Bad Request: message text is empty"
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
EDIT_NOT_FOUND = "Bad Request: message to edit not found"
DELETE_NOT_FOUND = "Bad Request: message to delete not found"
PIN_NOT_FOUND = "Bad Request: message to pin not found"
REPLY_NOT_FOUND = "Bad Request: message to be replied not found"
CANT_EDIT = "Bad Request: message can't be edited"
CANT_DELETE = "Bad Request: message can't be deleted"
CHAT_NOT_FOUND = "Bad Request: chat not found"
CHAT_ID_EMPTY = "Bad Request: chat_id is empty"
USER_NOT_FOUND = "Bad Request: user not found"
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
WRONG_FILE_ID = "Bad Request: wrong file identifier/HTTP URL specified"
INVALID_FILE_ID = "Bad Request: invalid file_id"
NOT_ENOUGH_RIGHTS_TO_PIN = "Bad Request: not enough rights to manage pinned messages in the chat"
WRONG_CHAT_ACTION = "Bad Request: wrong parameter action in request"
BLOCKED_BY_USER = "Forbidden: bot was blocked by the user"
CANT_INITIATE = "Forbidden: bot can't initiate conversation with a user"
UNAUTHORIZED = "Unauthorized"
NOT_FOUND = "Not Found"
CONFLICT_OTHER_POLL = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)
CONFLICT_WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
CONFLICT_SET_WEBHOOK = "Conflict: terminated by setWebhook request"


class ApiError(Exception):
    """A Bot API call that Telegram would refuse, carrying the exact answer to give."""

    def __init__(self, code: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        """The JSON Telegram answers: ok false, error_code, description and, for 429, parameters."""
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(description: str) -> ApiError:
    """A 400; `description` is either a full constant above or the text after "Bad Request: "."""
    if not description.startswith("Bad Request: "):
        description = f"Bad Request: {description}"
    return ApiError(400, description)


def forbidden(description: str) -> ApiError:
    """A 403; `description` is either a full constant above or the text after "Forbidden: "."""
    if not description.startswith("Forbidden: "):
        description = f"Forbidden: {description}"
    return ApiError(403, description)


def too_many_requests(retry_after: int) -> ApiError:
    """Telegram's flood-control answer telling the bot how many seconds to wait."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


def missing_parameter(name: str) -> ApiError:
    """The 400 Telegram gives when a required parameter is absent or empty."""
    if name == "chat_id":
        return ApiError(400, CHAT_ID_EMPTY)
    if name == "text":
        return ApiError(400, MESSAGE_TEXT_EMPTY)
    return ApiError(400, f'Bad Request: parameter "{name}" is required')


def kicked_from(chat_type: str) -> ApiError:
    """The 403 for a bot removed from a group or supergroup by someone else."""
    return forbidden(f"bot was kicked from the {chat_type} chat")


def not_member_of(chat_type: str) -> ApiError:
    """The 403 for a bot that left a group or was never in it."""
    return forbidden(f"bot is not a member of the {chat_type} chat")
