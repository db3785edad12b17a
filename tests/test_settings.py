"""Every setting is explained in .env.example, and the example itself is a valid configuration."""

from __future__ import annotations

import re
from pathlib import Path

from zhikong.settings import Settings

EXAMPLE = Path(__file__).resolve().parent.parent / ".env.example"


def test_every_setting_is_in_the_example_with_a_comment_above_it() -> None:
    lines = EXAMPLE.read_text("utf-8").splitlines()
    names = {m.group(1).lower(): i for i, line in enumerate(lines) if (m := re.match(r"([A-Z_]+)=", line))}
    assert set(names) == set(Settings.model_fields)
    for index in names.values():
        above = index - 1
        while above >= 0 and re.match(r"[A-Z_]+=", lines[above]):
            above -= 1
        assert lines[above].startswith("#"), lines[index]


def test_the_example_loads_and_leaves_the_token_unset() -> None:
    settings = Settings(_env_file=EXAMPLE)  # type: ignore[call-arg]
    assert settings.bot_token is None
    assert settings.database_url.startswith("sqlite")
