"""For every kind of button: pressed by someone it is not for, in a chat it does not belong to, with data no
button carries, after its state moved on, or twice: each press is answered and changes no row."""

from __future__ import annotations

from sandbox import events
from sandbox.scenario import Conversation, MessageView, Person
from tests.bot.conftest import World
from tests.faults.arena import PREFIXES, Arena, arena
from tests.faults.taps import changes, refused, snapshot
from tests.journeys import ident

Press = tuple[str, Person, MessageView, str]  # what is being tried, who presses, on what, the data


def _data(message: MessageView, prefix: str) -> str:
    """The data of the first button with this prefix on the message."""
    for row in message.model.inline_keyboard:
        for button in row:
            data = str(button.get("callback_data") or "")
            if data.split(":")[0] == prefix:
                return data
    raise LookupError(f"no {prefix} button on {message!r}")


def _prefixes(message: MessageView) -> set[str]:
    return {str(b.get("callback_data") or "").split(":")[0] for row in message.model.inline_keyboard for b in row}


def _on(chat: Conversation, prefix: str) -> MessageView:
    """The bot's newest message in the chat with a button of this prefix."""
    return next(m for m in reversed(chat.bot_messages()) if prefix in _prefixes(m))


def _listing(scene: Arena) -> MessageView:
    return _on(scene.people.office.private_chat, "urge")


async def _all_refused(world: World, presses: list[Press]) -> dict[str, str]:
    answers = {}
    for label, person, message, data in presses:
        answers[label] = await refused(world, person, message, data)
    return answers


async def test_a_button_pressed_by_someone_it_is_not_for(world: World) -> None:
    scene = await arena(world)
    p, group, unbound = scene.people, scene.group, scene.unbound
    request, status, offer, listing = (
        _on(group, "sd"),
        _on(group, "mv"),
        unbound.last_message(),
        _listing(scene),
    )
    decision, move, new = _data(request, "sd"), _data(status, "mv"), _data(offer, "newp")
    invite_menu = scene.admin.private_chat.last_message()
    answers = await _all_refused(
        world,
        [
            *[
                (f"sd by {who.name}", who, request, decision)
                for who in (p.cadre, p.office, scene.outsider, scene.stranger)
            ],
            *[(f"mv by {who.name}", who, status, move) for who in (p.deputy, scene.outsider, scene.stranger)],
            *[(f"newp by {who.name}", who, offer, new) for who in (scene.stranger, p.deputy)],
            ("newp of another unit", scene.outsider, offer, "newp:jianshan"),
            ("bind by the stranger", scene.stranger, offer, f"bind:{ident(scene.project.id)}"),
            ("urge by the deputy", p.deputy, p.deputy.private_chat.last_message(), _data(listing, "urge")),
            ("pv by the cadre", p.cadre, p.cadre.private_chat.last_message(), "pv:::0:"),
            (
                "inv by the stranger",
                scene.stranger,
                scene.stranger.private_chat.last_message(),
                _data(invite_menu, "inv"),
            ),
            ("bp by the cadre", p.cadre, p.cadre.private_chat.last_message(), "bp:m:2026-10"),
            ("lv by the cadre", p.cadre, p.cadre.private_chat.last_message(), "lv:beijing:0"),
            ("lr by the cadre", p.cadre, p.cadre.private_chat.last_message(), "lr:beijing"),
            ("pg by the stranger", scene.stranger, request, f"pg:{ident(scene.project.id)}"),
            ("pg by the outsider", scene.outsider, request, f"pg:{ident(scene.project.id)}"),
        ],
    )
    assert "赵副县长" in answers["sd by 李干部"] or "只能由" in answers["sd by 李干部"]


async def test_a_button_pressed_in_a_chat_it_does_not_belong_to(world: World) -> None:
    scene = await arena(world)
    p, group, unbound = scene.people, scene.group, scene.unbound
    request, status, listing = _on(group, "sd"), _on(group, "mv"), _listing(scene)
    offer = unbound.last_message()
    pid = ident(scene.project.id)
    answers = await _all_refused(
        world,
        [
            ("sd in another group", p.deputy, offer, _data(request, "sd")),
            ("mv in another group", p.office, offer, _data(status, "mv")),
            ("pg in another group", p.cadre, offer, f"pg:{pid}"),
            (
                "bind in private",
                p.cadre,
                p.cadre.private_chat.last_message(),
                _data(offer, "newp").replace("newp:", "bind:") or f"bind:{pid}",
            ),
            ("newp in private", p.cadre, p.cadre.private_chat.last_message(), _data(offer, "newp")),
            ("newp in a bound group", p.cadre, request, _data(offer, "newp")),
            ("urge in a group", p.office, offer, _data(listing, "urge")),
            ("pv in a group", p.office, offer, "pv:::0:"),
            ("inv in a group", scene.admin, offer, "inv:office::::add"),
            ("bp in a group", p.office, offer, "bp:m:2026-10"),
            ("lr in a group", p.cadre, offer, "lr:beijing"),
            ("lv in a group", p.cadre, offer, "lv:beijing:0"),
        ],
    )
    for label in ("sd in another group", "mv in another group", "pg in another group"):
        assert "不属于本聊天" in answers[label], (label, answers[label])
    for label in ("urge in a group", "pv in a group", "lr in a group", "lv in a group", "inv in a group"):
        assert "私聊" in answers[label], (label, answers[label])


async def test_data_no_button_carries(world: World) -> None:
    scene = await arena(world)
    p, request = scene.people, _on(scene.group, "sd")
    step, pid = scene.step_id, ident(scene.project.id)
    huge, negative = "99999999999999999999999", "-1"
    presses: list[Press] = []
    for prefix in PREFIXES:
        for fields in ([], [huge], [negative], ["", ""], ["x", "y", "z", "w", "v", "u"], [huge, huge], ["0"]):
            presses.append((f"{prefix}:{fields}", p.deputy, request, ":".join([prefix, *fields])))
    presses += [
        ("a decision no button has", p.deputy, request, f"sd:{step}:maybe"),
        ("a step id with a plus", p.deputy, request, f"sd:+{step}:approve"),
        ("a step id padded", p.deputy, request, f"sd: {step}:approve"),
        ("a step id past INTEGER", p.deputy, request, "sd:2147483648:approve"),
        ("a decision on the project's /status", p.deputy, _on(scene.group, "mv"), f"sd:{step}:approve"),
        ("a move with a made-up outcome", p.office, request, f"mv:{pid}:record_screening:maybe"),
        ("a move on a project id past INTEGER", p.office, request, "mv:2147483648:terminate:"),
        ("an unknown prefix", p.deputy, request, "zz:1"),
        ("nothing after the prefix", p.deputy, request, "sd"),
        ("the year 99999", p.office, p.office.private_chat.last_message(), "bp:q:99999-Q1"),
        ("a month 13", p.office, p.office.private_chat.last_message(), "bp:m:2026-13"),
        ("a 通报 never previewed", p.office, p.office.private_chat.last_message(), "bp:m:2026-10"),
        ("a page past any list", p.office, p.office.private_chat.last_message(), "pv:::99999999999:"),
        ("an invite for a made-up kind", scene.admin, scene.admin.private_chat.last_message(), "inv:emperor::::add"),
        ("an invite made without the menu", scene.admin, scene.admin.private_chat.last_message(), "inv:office::::add"),
        ("a language no catalog has", p.cadre, p.cadre.private_chat.last_message(), "lang:xx"),
        ("a language on the wrong message", p.cadre, request, "lang:en"),
        ("a visit to a report id past INTEGER", p.cadre, p.cadre.private_chat.last_message(), f"lv::{huge}"),
        ("a task id past INTEGER", p.office, p.office.private_chat.last_message(), f"tk:approve:{huge}"),
        ("a task that does not exist", p.office, p.office.private_chat.last_message(), "tk:approve:424242"),
    ]
    await _all_refused(world, presses)


async def test_a_button_after_its_state_moved_on(world: World) -> None:
    scene = await arena(world)
    p, group = scene.people, scene.group
    private_copy = _on(p.deputy.private_chat, "sd")
    listing = _listing(scene)
    urge = _data(listing, "urge")
    request = _on(group, "sd")
    decision = _data(request, "sd")
    await p.deputy.taps(request, "✅ 同意")
    await p.deputy.replies(group, to=group.last_message(), text="同意")
    assert request.button_texts == []  # the request's copies show the outcome; /todo's item still has buttons
    answers = await _all_refused(
        world,
        [
            ("the same decision on the private copy", p.deputy, private_copy, decision),
            ("the decision on the group's copy", p.deputy, request, decision),
            ("urge on a decided step", p.office, listing, urge),
            (
                "bind a project that has its group",
                p.cadre,
                scene.unbound.last_message(),
                f"bind:{ident(scene.project.id)}",
            ),
        ],
    )
    assert "已经办理过" in answers["the same decision on the private copy"]
    assert private_copy.button_texts == []  # a stale press takes the buttons off the message it was on


async def test_the_same_press_twice(world: World) -> None:
    scene = await arena(world)
    p, group = scene.people, scene.group
    request = _on(group, "sd")
    decision = _data(request, "sd")
    await p.deputy.taps(request, "✅ 同意")  # starts the decision: its questions are out
    await refused(world, p.deputy, request, decision)
    listing = _listing(scene)
    urge = _data(listing, "urge")
    await p.office.taps(listing, next(t for t in listing.button_texts if "催办" in t))
    before = await snapshot(world.app.db)
    again = await p.office.taps(listing, next(t for t in listing.button_texts if "催办" in t))
    assert world.telegram.answer_to(again).answered and changes(before, await snapshot(world.app.db)) == {}
    assert urge
    offer = scene.unbound.last_message()
    await p.cadre.taps(offer, "➕ 新建项目")
    await refused(world, p.cadre, offer, _data(offer, "newp") if offer.button_texts else "newp:")


async def test_an_old_offer_in_a_group_bound_since(world: World) -> None:
    scene = await arena(world)
    cadre, unbound = scene.people.cadre, scene.unbound
    offer = unbound.last_message()
    new = _data(offer, "newp")
    await cadre.taps(offer, "➕ 新建项目")
    await cadre.replies(unbound, to=unbound.last_message(), text="尖山镇康养小镇项目")
    assert "尖山镇康养小镇项目" in (unbound.last_message().text or "")
    assert offer.button_texts  # the offer still shows its button
    text = await refused(world, cadre, offer, new)
    assert "已是" in text and offer.button_texts == []


async def test_a_double_tap_starts_one_decision(world: World) -> None:
    """Both presses reach the bot before it has changed the buttons (as with a quick double tap)."""
    scene = await arena(world)
    deputy, group = scene.people.deputy, scene.group
    request = _on(group, "sd")
    before = await snapshot(world.app.db)
    chat, core = world.telegram.core.world.chat(group.id), world.telegram.core
    first = events.press(core, deputy.user, chat, request.message_id, button_text="✅ 同意").id
    second = events.press(core, deputy.user, chat, request.message_id, button_text="✅ 同意").id
    await world.telegram.settle()
    answers = world.telegram.answer_to(first), world.telegram.answer_to(second)
    assert all(a.answered for a in answers)
    assert sum(bool(a.text) for a in answers) == 1  # the second is told the decision is under way
    questions = [m for m in group.bot_messages() if m.forces_reply]
    assert len(questions) == 1
    assert set(changes(before, await snapshot(world.app.db))) == {"fsm_states"}  # one draft, nothing else
