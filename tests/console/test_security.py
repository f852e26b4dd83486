"""Only operators see anything: every page and action refuses without a session, every POST
needs the session's CSRF token, wrong tokens are rate-limited, and nothing from the bot's
database or rules reaches a response without login."""

from __future__ import annotations

import re

import pytest

from bot.console.auth import COOKIE
from bot.console.web import PROTECTED
from tests.console.conftest import TOKEN, Console, csrf_of, newcomer
from tests.harness import wait_until

# security does not depend on the database: SQLite only, to keep the suite short
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def operator_data(console: Console) -> list[str]:
    """Strings that only an operator may see: group names and ids, member and bot ids, the rules."""
    bot = console.bot
    return ["读书会", "吃瓜群", "机器人自己的群", bot.cast.admin, bot.cast.plain, "wxid_", "@chatroom",
            bot.app.rules.digest, "小明", "abc12345"]


async def with_a_case(console: Console) -> None:
    bot = console.bot
    newcomer(bot)
    bot.say(bot.cast.admin, "小明", "加我薇信 abc12345 领取免费资料")
    await wait_until(lambda: any("案件 #" in t for t in bot.texts(bot.cast.admin)))


async def test_every_page_and_action_refuses_without_a_session(console):
    await with_a_case(console)
    client = console.client()
    for method, path in PROTECTED:
        for headers in ({}, {"HX-Request": "true"}):
            response = await client.request(method, path, headers=headers)
            assert response.status_code in (303, 401), (method, path, response.status_code)
            if response.status_code == 303:
                assert response.headers["location"] == "/login"
            for secret in operator_data(console):
                assert secret not in response.text, (method, path, secret)
    login = await client.get("/login")
    assert login.status_code == 200 and "运营令牌" in login.text
    for secret in [*operator_data(console), TOKEN]:
        assert secret not in login.text


async def test_a_forged_or_foreign_cookie_is_no_session(console):
    client = console.client()
    client.cookies.set(COOKIE, "eyJzaWQiOiJ4In0.forged.signature")
    assert (await client.get("/cases")).status_code == 303
    other = console.server.auth.__class__("another-token-abcdefgh", console.bot.clock)
    cookie, _ = other.new_session()  # signed, but with another token's key
    client.cookies.set(COOKIE, cookie)
    assert (await client.get("/cases")).status_code == 303


async def test_the_session_cookie_is_httponly_and_strict(console):
    client = console.client()
    response = await console.login(client)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith(COOKIE + "="))
    flags = cookie.lower()
    assert "httponly" in flags and "samesite=strict" in flags and "path=/" in flags
    page = await client.get("/")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY" and page.headers["cache-control"] == "no-store"


async def test_csrf_token_required_on_every_action(console):
    await with_a_case(console)
    client, csrf = await console.logged_in()
    posts = [(m, p) for m, p in PROTECTED if m == "POST"]
    for _, path in posts:
        for headers in ({}, {"X-CSRF-Token": "0" * 64}):
            response = await client.post(path, headers=headers, data={"text": "x", "note": "x"})
            assert response.status_code == 403, (path, headers)
    # another session's token does not do either
    _, other_csrf = await console.logged_in()
    assert other_csrf != csrf
    assert (await client.post("/cases/1/ham", headers={"X-CSRF-Token": other_csrf})).status_code == 403
    # a cross-site form post names its origin: refused even with the right token
    response = await client.post("/cases/1/ham", headers={"X-CSRF-Token": csrf, "Origin": "http://evil.example"})
    assert response.status_code == 403
    # nothing was done by any of these
    from db.models import Case
    with console.bot.app.sessions() as db:
        assert db.get(Case, 1).status == "open"
    # the form field works as well as the header (the logout button is a plain form)
    response = await client.post("/logout", data={"csrf": csrf})
    assert response.status_code == 303
    assert (await client.get("/")).status_code == 303  # logged out


async def test_logout_revokes_the_cookie_itself(console):
    client, csrf = await console.logged_in()
    stolen = client.cookies.get(COOKIE)
    await client.post("/logout", headers={"X-CSRF-Token": csrf})
    thief = console.client()
    thief.cookies.set(COOKIE, stolen)
    assert (await thief.get("/")).status_code == 303


async def test_wrong_tokens_are_refused_then_rate_limited(console):
    client = console.client()
    wrong = await console.login(client, "not-the-token")
    assert wrong.status_code == 403 and "令牌不正确" in wrong.text
    assert (COOKIE + "=") not in wrong.headers.get("set-cookie", "")
    for _ in range(console.server.auth.max_failures - 1):
        assert (await console.login(client, "still-wrong")).status_code == 403
    blocked = await console.login(client, TOKEN)  # even the right token waits now
    assert blocked.status_code == 429 and "错误次数过多" in blocked.text
    assert (await client.get("/")).status_code == 303
    console.bot.clock.advance(minutes=16)  # the window passes
    assert (await console.login(client, TOKEN)).status_code == 303
    assert (await client.get("/")).status_code == 200


async def test_login_needs_its_own_form(console):
    client = console.client()
    # a login posted from elsewhere has no form cookie: refused, and the token is not even tried
    response = await client.post("/login", data={"pre": "x", "token": TOKEN})
    assert response.status_code == 403 and (COOKIE + "=") not in response.headers.get("set-cookie", "")
    page = await client.get("/login")
    pre = re.search(r'name="pre" value="([^"]+)"', page.text).group(1)
    response = await client.post("/login", data={"pre": pre, "token": TOKEN},
                                 headers={"Origin": "http://evil.example"})
    assert response.status_code == 403


async def test_the_csrf_token_is_in_the_page_only_after_login(console):
    client, csrf = await console.logged_in()
    assert csrf and csrf_of((await client.get("/cases")).text) == csrf
