"""The types of the fields buttons carry, checked where callback data is parsed (CallbackData.unpack).

Callback data comes from the client and can be anything a modified client sends: a value out of these ranges
makes the unpack fail, so no handler sees it and the fallback answers the press. The ids are the database's
(INTEGER keys, 32 bits on PostgreSQL); an index is a place in a short list a message shows.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StringConstraints

# The largest key an INTEGER primary key holds on every supported database.
MAX_ID = 2**31 - 1
# No message shows a list this long; a larger index is forged.
MAX_INDEX = 999


def _digits(value: Any) -> Any:
    """Only plain digits as packed: pydantic would otherwise read " 7", "+7", "7_0" or "7.0" as 7 too."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit() and len(value) <= len(str(MAX_ID))):
        raise ValueError(f"Expected up to {len(str(MAX_ID))} digits, got {value[:20]!r}.")
    return value


Id = Annotated[int, BeforeValidator(_digits), Field(ge=1, le=MAX_ID)]
"""A row's id: 1 … MAX_ID."""

OptionalId = Annotated[int, BeforeValidator(_digits), Field(ge=0, le=MAX_ID)]
"""A row's id, or 0 for none."""

Index = Annotated[int, BeforeValidator(_digits), Field(ge=0, le=MAX_INDEX)]
"""A place in a list shown on the message (an option, a field, a page)."""

Code = Annotated[str, StringConstraints(max_length=64)]
"""A code from the directory (a unit, an office, a role kind), or "" for none; its existence is checked on use."""
