"""A newcomer named as the group's owner, an admin or the bot: 「群主老王」 joins, or renames himself so.

The commonest fraud in WeChat family and class groups: someone joins with the owner's or the
teacher's name (and picture) and asks for money — 资料费, 班费, a payment code. The group reads
the name it trusts. In a simulated class group the bot's own words made it worse: it reminded
「@群主老王」 about an ad and announced 「群主老王」已被移出本群, of a member nobody could tell from
the owner.

The name alone is no proof (two people may well both be 小王), so nobody is punished for it:
the group is told at once, before any money moves, that this member is not the person they are
named after and to check payments with that person; the member is asked to change their group
nickname. The case (a reminder, no strike) tells the owner and admins as every new case does,
and they decide. The bot's own name is guarded the same way: a 「群管机器人」 posting 「系统通知：请
全体成员扫码完成实名认证」 borrows the trust the group gives the bot's notices. Names match after
folding what a glance does not see (width, case, spaces, punctuation and emoji, traditional
script); a name of one character is never matched."""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.actions import Reply
from bot.core import cases
from bot.core.targets import display_name
from plugins.antispam.ladder import SOURCE
from plugins.antispam.normalize import light_form

if TYPE_CHECKING:
    from bot.core.context import Context, Lookup
    from bot.platform import RoomInfo
    from plugins.antispam.config import AntispamConfig

MIN_CHARS = 2  # folded: one character (王) is too common a name to mean anything
NAME_KEPT = 200  # of the name, in the case
BOT_ROLE = "机器人"  # the role named when a newcomer takes the bot's name
# what a glance at a name does not see: spaces and invisible characters, punctuation, symbols and
# emoji (群主老王🌸, 群主-老王 read as 群主老王 in a chat list)
_IGNORED = ("Z", "C", "P", "S")


@dataclass(frozen=True, slots=True)
class Impersonated:
    member_id: str  # the owner's or admin's contact id
    name: str  # their name as the group reads it
    role: str  # 群主, 管理员


def fold(name: str) -> str:
    text = light_form(name)  # NFKC, lower case, no zero-width characters, simplified script
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in _IGNORED)


class RoleNames:
    """The owner's and admins' names in each group, read from the platform before the database
    gate (the plugin's gather) at most every EVERY a group that speaks: an owner who has not
    spoken since the bot came has no name in its history, and a read under the gate holds every
    group's events."""

    EVERY = 300.0  # seconds between reads of a group's names
    KEPT = 5_000  # groups remembered

    def __init__(self) -> None:
        self._people: dict[str, tuple[tuple[str, str], ...]] = {}  # room -> ((id, role), ...)
        self._names: dict[str, tuple[float, dict[str, str]]] = {}  # room -> (read at, id -> name)

    def version(self, room_id: str) -> float:
        """Changes whenever the group's names were read anew (their read time; 0 before any
        read, and again after the group's owner or admins changed, until they are read)."""
        read = self._names.get(room_id)
        return read[0] if read else 0.0

    def note_room(self, room: RoomInfo | None, self_id: str | None) -> None:
        if room is None:
            return
        # the bot by its own role whether it owns the group or not: 「请先向群主本人核实」 would
        # send members to the bot
        people: tuple[tuple[str, str], ...] = (
            ((room.owner_id, "群主"),) if room.owner_id and room.owner_id != self_id else ())
        people += tuple((admin, "管理员") for admin in sorted(room.admin_ids) if admin != self_id)
        if self_id:
            people += ((self_id, BOT_ROLE),)
        if self._people.get(room.id) != people:
            if len(self._people) >= self.KEPT:
                self._people.clear()
            self._people[room.id] = people
            self._names.pop(room.id, None)

    async def read(self, room_id: str, lookup: Lookup) -> None:
        people = self._people.get(room_id)
        read = self._names.get(room_id)
        now = time.monotonic()
        if not people or (read is not None and now - read[0] < self.EVERY):
            return
        names: dict[str, str] = {}
        for person, _ in people:
            names[person] = await lookup.member_alias(room_id, person) or await lookup.member_name(person)
        if len(self._names) >= self.KEPT:
            self._names.clear()
        self._names[room_id] = (now, names)

    def people(self, ctx: Context) -> list[tuple[str, str, str]]:
        """(id, role, name as the group reads it) of the room's owner and admins: as last read
        from the platform, else from the bot's name history."""
        assert ctx.room_id is not None
        read = self._names.get(ctx.room_id)
        names = read[1] if read else {}
        return [(person, role, names.get(person) or display_name(ctx.db, ctx.room_id, person))
                for person, role in self._people.get(ctx.room_id, ())]


def impersonated(ctx: Context, roles: RoleNames, member_id: str, name: str) -> Impersonated | None:
    """The owner or admin of the room whose name reads as `name`, if `member_id` is not that
    person."""
    folded = fold(name)
    if len(folded) < MIN_CHARS:
        return None
    for person, role, shown in roles.people(ctx):
        if person != member_id and shown != person and fold(shown) == folded:
            return Impersonated(person, shown, role)
    return None


def tell(ctx: Context, cfg: AntispamConfig, member_id: str, name: str, who: Impersonated) -> int:
    """The group warned, the member asked to rename, and a case (a reminder: no strike) that the
    owner and admins hear of as of any new case. Returns the case number."""
    assert ctx.room_id is not None
    reason = cfg.texts.impersonation_reason.format(role=who.role)
    case = cases.open_case(ctx.db, room_id=ctx.room_id, kind="warn", target_id=member_id,
                           target_name=name[:NAME_KEPT], source=SOURCE, at=ctx.now(), reason=reason,
                           evidence={"name": name[:NAME_KEPT], "impersonates": who.member_id,
                                     "impersonates_role": who.role, cases.REMINDED: True})
    # the bot cannot be asked to confirm a payment: its text sends members to the owner or admins
    template = cfg.texts.impersonation_bot if who.role == BOT_ROLE else cfg.texts.impersonation
    text = template.format(member=name, role=who.role, case=case.id)
    # no @: 「@群主老王 请大家注意」 read as the bot calling the owner
    ctx.emit(Reply(ctx.room_id, text, reason=f"case {case.id}", case_id=case.id))
    return case.id


def told_before(ctx: Context, member_id: str, name: str) -> bool:
    """The group was already told about this member under this name (a restart forgets the
    plugin's memory of names judged): once is enough."""
    assert ctx.room_id is not None
    return any(isinstance(c.evidence, dict) and c.evidence.get("impersonates")
               and c.evidence.get("name") == name[:NAME_KEPT]
               for c in cases.cases_for(ctx.db, ctx.room_id, member_id))
