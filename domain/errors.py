"""Domain errors: each carries a stable `code` and `params` so the bot can render it from locales/.

`str(error)` is a developer-facing English sentence that names the culprit and what was expected;
user-facing wording lives in locales/ under the key ``error.<code>``.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the policy was broken; nothing was changed."""

    code: str = "domain"

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.params: dict[str, Any] = params
