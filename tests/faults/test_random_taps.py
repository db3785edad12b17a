"""Random callback data over every prefix, pressed by anyone on any message of the bot's: each press that no
button of that message carries is answered and changes no row."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.lifecycle import Move
from domain.records import Decision, Outcome
from tests.bot.conftest import World
from tests.faults.arena import PREFIXES, Arena, arena
from tests.faults.taps import carried, refused

# Values a field of some button may hold, so that many forgeries come close to real data.
WORDS = (
    [d.value for d in Decision]
    + [m.value for m in Move]
    + [o.value for o in Outcome]
    + ["s", "c", "d", "u", "r", "p", "k", "x", "f", "a", "q", "m", "0", "1", "2", "3", "true", "false", ""]
    + ["jianshan", "yushan", "natural_resources", "beijing", "shanghai", "office", "staff", "add", "rep"]
    + ["2026-10", "2026-Q3", "99999-Q1", "2026-13", "en", "zh", "xx"]
)

field = st.one_of(
    st.sampled_from(WORDS),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.integers(min_value=0, max_value=12).map(str),
    st.text(max_size=8),
)
data = st.builds(
    lambda prefix, fields: ":".join([prefix, *fields]).encode()[:64].decode("utf-8", "ignore"),
    st.one_of(st.sampled_from(PREFIXES), st.text(max_size=6)),
    st.lists(field, max_size=6),
)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
    derandomize=True,  # the same examples on every run: CI stays reproducible
)
@given(choice=st.data(), forged=data)
async def test_random_data_on_any_message_is_answered_and_changes_nothing(
    world: World, choice: st.DataObject, forged: str
) -> None:
    scene = await _scene(world)
    message, pressers = choice.draw(st.sampled_from(scene.messages()), label="message")
    presser = choice.draw(st.sampled_from(pressers), label="presser")
    # Half the time the data of a real button, taken from another message (the closest forgery there is).
    real = sorted(set().union(*(carried(m) for m, _ in scene.messages())))
    if choice.draw(st.booleans(), label="real data elsewhere"):
        forged = choice.draw(st.sampled_from(real), label="real data")
    if not forged or forged in carried(message):
        return  # a button the message really carries (or none): not a forgery
    await refused(world, presser, message, forged)


# Kept with its world, so that no later world can take the same id.
_SCENES: dict[int, tuple[World, Arena]] = {}


async def _scene(world: World) -> Arena:
    """One arena per world: hypothesis runs every example on the same fixture."""
    if id(world) not in _SCENES:
        _SCENES[id(world)] = (world, await arena(world))
    return _SCENES[id(world)][1]
