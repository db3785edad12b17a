"""Checks reply markup the way Telegram does before it accepts a message."""

from __future__ import annotations

from typing import Any

from sandbox.errors import BUTTON_DATA_INVALID, ApiError, bad_request

MAX_CALLBACK_DATA_BYTES = 64
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def markup_kind(markup: dict[str, Any]) -> str:
    """Which of the four reply markups this is: inline, keyboard, remove or force_reply."""
    for key, kind in (
        ("inline_keyboard", "inline"),
        ("keyboard", "keyboard"),
        ("remove_keyboard", "remove"),
        ("force_reply", "force_reply"),
    ):
        if key in markup:
            return kind
    raise bad_request("can't parse reply keyboard markup JSON object")


def validate_markup(markup: Any, *, inline_only: bool = False) -> dict[str, Any]:
    """The markup if Telegram would accept it; raises the 400 Telegram gives otherwise."""
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    kind = markup_kind(markup)
    if inline_only and kind != "inline":
        raise bad_request("inline keyboard expected")
    if kind == "inline":
        _validate_inline(markup["inline_keyboard"])
    elif kind == "keyboard":
        _validate_rows(markup["keyboard"], "keyboard")
    return markup


def _validate_rows(rows: Any, what: str) -> list[list[Any]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{what}" of the {what} markup must be an Array of Arrays')
    return rows


def _validate_inline(rows: Any) -> None:
    for row in _validate_rows(rows, "inline_keyboard"):
        for button in row:
            _validate_button(button)


def _validate_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    text = button.get("text")
    if not isinstance(text, str) or not text:
        raise bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
    actions = [key for key in _BUTTON_ACTIONS if key in button]
    if not actions:
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
    data = button.get("callback_data")
    if "callback_data" in button and (
        not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
    ):
        raise ApiError(400, BUTTON_DATA_INVALID)


def find_button(markup: dict[str, Any] | None, text: str) -> dict[str, Any] | None:
    """The first inline or keyboard button whose text is `text`."""
    if not markup:
        return None
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    for row in rows:
        for button in row:
            label = button if isinstance(button, str) else button.get("text")
            if label == text:
                return {"text": button} if isinstance(button, str) else button
    return None


def button_texts(markup: dict[str, Any] | None) -> list[list[str]]:
    """The button labels row by row, as a person sees them."""
    if not markup:
        return []
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [[b if isinstance(b, str) else str(b.get("text", "")) for b in row] for row in rows]
