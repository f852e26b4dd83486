"""The console on the real bot: the harness's runtime (real app, real Wechaty SDK over gRPC to
the simulator, real database on SQLite and PostgreSQL) with the console served on its loop."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select

from bot.clock import Clock, FakeClock
from bot.console.server import ConsoleServer, ConsoleSettings
from db.models import KnownRoom
from plugins import default_plugins
from tests.harness import Harness, wait_until

START = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)
TOKEN = "test-operator-token-0123456789"
# the ladder straight from the first rung (a newcomer's obvious ad would otherwise be removed at once)
LADDER = "antispam:\n  ladder:\n    newcomer_obvious_ad: ladder\n"


class Console:
    def __init__(self, bot: Harness, server: ConsoleServer) -> None:
        self.bot, self.server = bot, server

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.server.asgi), base_url="http://testserver")

    async def login(self, client: httpx.AsyncClient, token: str = TOKEN) -> httpx.Response:
        form = await client.get("/login")
        pre = re.search(r'name="pre" value="([^"]+)"', form.text)
        assert pre, form.text
        return await client.post("/login", data={"pre": pre.group(1), "token": token})

    async def logged_in(self) -> tuple[httpx.AsyncClient, str]:
        """A client with a session, and the page's CSRF token."""
        client = self.client()
        response = await self.login(client)
        assert response.status_code == 303, response.text
        page = await client.get("/")
        assert page.status_code == 200
        return client, csrf_of(page.text)


def csrf_of(html: str) -> str:
    found = re.search(r'"X-CSRF-Token": "([0-9a-f]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


@pytest.fixture
async def make_console(tmp_path, database_url):
    started: list[Harness] = []

    async def make(extra_defaults: str = LADDER, clock: Clock | None = None) -> Console:
        # manage: all — the console spans every group, the plain-member one included (as if an
        # operator had said #manage on there)
        bot = Harness(tmp_path, default_plugins(), database_url=database_url, clock=clock or FakeClock(START),
                      extra_defaults=extra_defaults, extra_bot="manage: all")
        started.append(bot)
        await bot.start()
        assert bot.runtime is not None
        server = await bot.runtime.start_console(ConsoleSettings("127.0.0.1", 0, TOKEN))
        # the groups are recorded in the background after login; pages list them from there
        await wait_until(lambda: _known_rooms(bot) == 3)
        return Console(bot, server)

    yield make
    for bot in started:
        await bot.stop()  # stops the console too


@pytest.fixture
async def console(make_console):
    return await make_console()


def _known_rooms(bot: Harness) -> int:
    with bot.app.sessions() as db:
        return int(db.scalar(select(func.count()).select_from(KnownRoom)) or 0)


def newcomer(bot: Harness, name: str = "小明") -> str:
    member = bot.world.add_contact(name)
    bot.cast.people[name] = member
    bot.world.join(bot.cast.admin, [member], inviter=bot.cast["bob"])  # the owner's invitee is vouched for
    return member
