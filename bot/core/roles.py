"""Who may do what. Roles come from contact ids only (the puppet's owner/admin ids and ids
listed in rules.yaml); display names and group nicknames are chosen by members and are never
consulted: anyone can call themselves 群主."""

from __future__ import annotations

from enum import IntEnum

from bot.platform import RoomInfo
from bot.rules.loader import Rules


class Role(IntEnum):
    MEMBER = 0
    ADMIN = 1  # a room admin (管理员) or a moderator listed for the group in rules.yaml
    OWNER = 2  # the room owner (群主)
    OPERATOR = 3  # listed under bot.operators: runs the bot for every group

    @property
    def label(self) -> str:
        return {0: "成员", 1: "管理员", 2: "群主", 3: "运营"}[self.value]


def role_of(contact_id: str, room: RoomInfo | None, rules: Rules) -> Role:
    if contact_id in rules.bot.operators:
        return Role.OPERATOR
    if room is None:
        return Role.MEMBER
    if room.owner_id and contact_id == room.owner_id:
        return Role.OWNER
    if contact_id in room.admin_ids or contact_id in rules.for_room(room.id).moderators:
        return Role.ADMIN
    return Role.MEMBER


def is_protected(contact_id: str, room: RoomInfo | None, rules: Rules) -> bool:
    """Members the bot never acts on: anyone with a role, and the group's whitelist."""
    if role_of(contact_id, room, rules) > Role.MEMBER:
        return True
    room_id = room.id if room else None
    return contact_id in rules.for_room(room_id).whitelist


def bot_can_moderate(self_id: str | None, room: RoomInfo | None) -> bool:
    """Only the owner or an admin may remove members or set the 群公告 (WECHAT.md)."""
    if self_id is None or room is None:
        return False
    return self_id == room.owner_id or self_id in room.admin_ids


def vouched_by(inviter_id: str | None, member_id: str, room: RoomInfo | None, rules: Rules) -> Role | None:
    """The role of whoever invited a member, when it is the owner, an admin, a listed moderator or
    an operator (by contact id, as WeChat's join event names them): that person vouched for the
    newcomer. None for a member's invitation, no inviter, or one who invited themselves.

    WeChat names whoever shared the group's QR code as the inviter of those who scanned it, so an
    owner who posts the code publicly "invites" strangers too: a vouch softens how the bot acts
    (it asks the humans instead of removing), it is not a pass (plugins.antispam)."""
    if not inviter_id or inviter_id == member_id:
        return None
    role = role_of(inviter_id, room, rules)
    return role if role >= Role.ADMIN else None
