"""A short-lived cache of room facts (owner, admins, members) read from the platform.

Room payloads can be stale and join/leave events can be missed (WECHAT.md), so the cache is
refreshed on membership events, on a message from someone it does not list, before any kick (a
newcomer's right after their join's own read excepted: `for_removal`) or announcement, and for an
admin's command (App._roles_fresh: WeChat sends no event when an admin is made or unmade);
otherwise it lives for `ttl`, and never across a reconnection (the platform's
``connection_epoch``): after an outage the groups, roles and members may have changed, and a
demoted admin must not keep admin rights from a cached room.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.platform import Member, Platform, PlatformError, RoomInfo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fetched:
    """A room read and when: the clock's time and the platform's connection epoch, and how many
    of the room's membership events had arrived when the read began (`note_arrival`)."""

    info: RoomInfo
    at: datetime
    epoch: int
    arrivals: int = 0


@dataclass(frozen=True, slots=True)
class _Entry:
    info: RoomInfo
    at: datetime
    epoch: int
    arrivals: int  # the room's membership events arrived when the read began
    newly: frozenset[str] = frozenset()  # members this read listed first (a join's own read)


class RoomDirectory:
    def __init__(self, platform: Platform, clock: Clock, ttl: timedelta = timedelta(minutes=10)) -> None:
        self._platform = platform
        self._clock = clock
        self._ttl = ttl
        self._cache: dict[str, _Entry] = {}
        self._arrivals: dict[str, int] = {}

    def _epoch(self) -> int:
        return int(getattr(self._platform, "connection_epoch", 0) or 0)

    def cached(self, room_id: str) -> RoomInfo | None:
        entry = self._cache.get(room_id)
        return entry.info if entry else None

    def note_arrival(self, room_id: str) -> None:
        """A join or leave of the room arrived (before it is handled): a read begun before it
        may no longer list the room's members as they are (for_removal)."""
        self._arrivals[room_id] = self._arrivals.get(room_id, 0) + 1

    def for_removal(self, room_id: str, member_id: str, max_age: timedelta) -> RoomInfo | None:
        """The cached room, where it can stand for the read before removing `member_id`: read
        in this connection at most `max_age` ago, no join or leave of the room arrived since
        the read began, and the read is the first to list the member (their join's own read,
        RoomDirectory.keep). An ad posted a moment after joining was removed a room read later
        (p99 31-39 ms at 300 msg/s, issue 13) though the join had just read the room. Only a
        newcomer: roles change with no event (an admin made or unmade), and someone in the
        group for long may have been made admin since any read but the latest; a member made
        admin within seconds of joining is what this leaves to the platform's refusal. None:
        read the room (Executor._kick)."""
        entry = self._cache.get(room_id)
        if (entry is None or member_id not in entry.newly or entry.epoch != self._epoch()
                or entry.arrivals != self._arrivals.get(room_id, 0)
                or not timedelta(0) <= self._clock.now() - entry.at <= max_age):
            return None
        return entry.info

    def invalidate(self, room_id: str) -> None:
        self._cache.pop(room_id, None)

    def invalidate_all(self) -> None:
        self._cache.clear()

    async def fetch(self, room_id: str) -> Fetched | None:
        """The room read now and not cached (None if it cannot be read): a membership event's
        read, begun as the event arrives and kept (`keep`) only once the event's turn comes, so
        the events ahead of it in its room still see the room as it was for them."""
        now, epoch, arrivals = self._clock.now(), self._epoch(), self._arrivals.get(room_id, 0)
        try:
            info = await self._platform.room_info(room_id, refresh=False)
        except PlatformError as exc:
            log.warning("cannot read room %s (%s): %s", room_id, exc.kind, exc)
            return None
        return Fetched(info, now, epoch, arrivals)

    def keep(self, fetched: Fetched) -> RoomInfo:
        """A fetched room as the cache's entry, as old as when it was read (a reconnection since
        makes it stale, as any entry), with the members it lists that the entry before it did
        not (for_removal)."""
        info = fetched.info
        before = self._cache.get(info.id)
        newly = info.member_set - before.info.member_set if before is not None else frozenset()
        self._cache[info.id] = _Entry(info, fetched.at, fetched.epoch, fetched.arrivals, newly)
        return info

    async def get(self, room_id: str, *, refresh: bool = False, max_age: timedelta | None = None) -> RoomInfo | None:
        """The room's facts, read from the platform when not cached, older than the cache's ttl
        (or `max_age`), cached before a reconnection, or `refresh`."""
        entry = self._cache.get(room_id)
        now = self._clock.now()
        epoch = self._epoch()
        arrivals = self._arrivals.get(room_id, 0)
        ttl = min(self._ttl, max_age) if max_age is not None else self._ttl
        if entry and not refresh and now - entry.at < ttl and entry.epoch == epoch:
            return entry.info
        try:
            info = await self._platform.room_info(room_id, refresh=refresh or entry is not None)
        except PlatformError as exc:
            log.warning("cannot read room %s (%s): %s", room_id, exc.kind, exc)
            return entry.info if entry else None
        self._cache[room_id] = _Entry(info, now, epoch, arrivals)
        return info


class PlatformLookup:
    """bot.core.context.Lookup over the platform: fresh reads, errors become empty values."""

    def __init__(self, platform: Platform,
                 owned: Callable[[str], Awaitable[list[tuple[str, str]]]] | None = None) -> None:
        self._platform = platform
        self._owned = owned  # BotControl.groups_for: it knows the rules and the room directory

    async def member_alias(self, room_id: str, member_id: str) -> str | None:
        try:
            return await self._platform.member_alias(room_id, member_id)
        except PlatformError as exc:
            log.warning("cannot read the group nickname of %s in %s: %s", member_id, room_id, exc)
            return None

    async def member_name(self, member_id: str) -> str:
        try:
            return await self._platform.contact_name(member_id)
        except PlatformError as exc:
            log.warning("cannot read the name of %s: %s", member_id, exc)
            return ""

    async def members(self, room_id: str) -> list[Member]:
        try:
            return await self._platform.member_list(room_id)
        except PlatformError as exc:
            log.warning("cannot read the members of %s: %s", room_id, exc)
            return []

    async def owned_groups(self, contact_id: str) -> list[tuple[str, str]]:
        return await self._owned(contact_id) if self._owned is not None else []

    async def message_image(self, message_id: str) -> bytes | None:
        # Platforms that can fetch an image message's picture implement message_image(id) -> bytes
        # (the contract anti-spam's QR check needs); the others have none and get None.
        fetch = getattr(self._platform, "message_image", None)
        if fetch is None:
            return None
        try:
            return await fetch(message_id)
        except PlatformError as exc:
            log.warning("cannot fetch the image of message %s: %s", message_id, exc)
            return None
