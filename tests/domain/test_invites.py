"""The rules of an invite: one role, a lifetime, one use; 接任 displaces the holders, 新增 adds one more."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from domain.directory import Directory, InvalidRole, Role, RoleKind, UnknownUnit
from domain.invites import Invite, InviteInvalid, InviteLifetime, InviteRefusal, hash_code, issue_invite
from tests.factories import NOW, staff

DAY = timedelta(hours=24)
JIANSHAN = staff("jianshan")


def invite(directory: Directory, role: Role = JIANSHAN, *, replaces: bool = False) -> Invite:
    made = issue_invite(
        directory, code="secret-code", role=role, replaces_holder=replaces, created_by=1, now=NOW, ttl=DAY
    )
    return replace(made, id=7)


def test_an_invite_keeps_only_the_hash_of_its_code_and_ends_after_its_lifetime(directory: Directory) -> None:
    made = invite(directory)
    assert made.code_hash == hash_code("secret-code") != "secret-code"
    assert len(made.code_hash) == 64
    assert made.expires_at == NOW + DAY
    assert not made.expired(NOW + DAY - timedelta(seconds=1))
    assert made.expired(NOW + DAY)


@pytest.mark.parametrize(
    ("role", "error"),
    [
        (Role(RoleKind.DEPUTY_HEAD, "jianshan"), InvalidRole),  # a 分管副县长 holds a post, not a town
        (Role(RoleKind.HEAD, "deputy_industry"), InvalidRole),  # a post has no 主要负责人
        (staff("atlantis"), UnknownUnit),
    ],
)
def test_a_scoped_role_needs_a_unit_of_a_fitting_kind(directory: Directory, role: Role, error: type[Exception]) -> None:
    with pytest.raises(error):
        invite(directory, role)


def test_county_wide_and_fitting_scoped_roles_are_fine(directory: Directory) -> None:
    for role in (
        Role(RoleKind.ADMIN),
        Role(RoleKind.DEPUTY_HEAD, "deputy_industry"),
        staff("industry_investment_office"),
    ):
        assert invite(directory, role).role == role


def test_the_lifetime_must_be_positive(directory: Directory) -> None:
    with pytest.raises(InviteLifetime):
        issue_invite(
            directory, code="x", role=staff("jianshan"), replaces_holder=False, created_by=1, now=NOW, ttl=timedelta(0)
        )


def test_an_unused_invite_is_redeemable_until_it_expires(directory: Directory) -> None:
    made = invite(directory)
    made.check_redeemable(42, NOW)
    made.check_redeemable(None, NOW + DAY - timedelta(seconds=1))  # someone not registered yet
    with pytest.raises(InviteInvalid) as refused:
        made.check_redeemable(42, NOW + DAY)
    assert refused.value.code == "invite_invalid"
    assert refused.value.params["reason"] is InviteRefusal.EXPIRED


def test_a_used_invite_refuses_others_but_not_a_repeat_by_its_user(directory: Directory) -> None:
    used = replace(invite(directory), used_by=42, used_at=NOW)
    used.check_redeemable(42, NOW)  # Telegram redelivering the same /start
    used.check_redeemable(42, NOW + 2 * DAY)
    assert used.already_redeemed_by(42)
    with pytest.raises(InviteInvalid) as refused:
        used.check_redeemable(43, NOW)
    assert refused.value.params["reason"] is InviteRefusal.USED


def test_a_successor_invite_displaces_the_holders_and_an_ordinary_one_nobody(directory: Directory) -> None:
    deputy = Role(RoleKind.DEPUTY_HEAD, "deputy_industry")
    assert invite(directory, deputy, replaces=True).displaced([3, 4, 3], redeemer=5) == [3, 4]
    assert invite(directory, deputy, replaces=True).displaced([3, 5], redeemer=5) == [3]  # the redeemer keeps it
    assert invite(directory, deputy).displaced([3, 4], redeemer=5) == []
