"""The console in a real headless Chromium (Playwright for Python, pointed at Debian's
chromium-headless-shell: Playwright's own browser download is not reachable here), against the
real bot on the simulator over a real socket. Each page is saved as a screenshot artifact
(QUNGUAN_CONSOLE_ARTIFACTS, else a pytest temp dir).

Without a browser these tests skip, or fail when QUNGUAN_REQUIRE_BROWSER=1 (CI sets it, as it
does QUNGUAN_REQUIRE_PG: a browser test must never pass by not running)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Case
from plugins.antispam.models import Strike
from plugins.moderation.models import Appeal
from tests.console.conftest import TOKEN, Console, newcomer
from tests.harness import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]

AD = "加我薇信 abc12345 领取免费资料"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync"]
_CANDIDATES = ["/usr/lib/chromium/chromium-headless-shell", "chromium-headless-shell", "/usr/lib/chromium/chromium",
               "chromium"]


def chromium_path() -> str | None:
    wanted = os.environ.get("QUNGUAN_CHROMIUM")
    for candidate in [wanted] if wanted else _CANDIDATES:
        found = candidate if os.path.isabs(candidate) and os.access(candidate, os.X_OK) else shutil.which(candidate)
        if found:
            return found
    return None


def _unavailable(reason: str) -> None:
    if os.environ.get("QUNGUAN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"a browser is required (QUNGUAN_REQUIRE_BROWSER=1) but {reason}", pytrace=False)
    pytest.skip(f"no browser: {reason} (apt-get install chromium-headless-shell fonts-wqy-microhei)")


@pytest.fixture
def artifacts(tmp_path_factory) -> Path:
    where = os.environ.get("QUNGUAN_CONSOLE_ARTIFACTS")
    path = Path(where) if where else tmp_path_factory.mktemp("console-screens")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
async def browser():
    executable = chromium_path()
    if executable is None:
        _unavailable("no chromium-headless-shell or chromium binary found")
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    async with async_playwright() as pw:
        try:
            launched = await pw.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        except Exception as exc:
            _unavailable(f"{executable} did not start: {exc}")
        try:
            yield launched
        finally:
            await launched.close()


async def new_page(browser, console: Console):
    context = await browser.new_context(base_url=console.server.url.rstrip("/"), locale="zh-CN",
                                        viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = await context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the actions' hx-confirm
    return page


async def log_in(page, token: str = TOKEN) -> None:
    await page.goto("/login")
    await page.fill("input[name=token]", token)
    await page.click("form.login-card button[type=submit]")


def rows(console: Console, model, *where):
    with console.bot.app.sessions() as db:
        found = list(db.scalars(select(model).where(*where)))
        db.expunge_all()
        return found


async def test_login_refuses_a_wrong_token_then_shows_the_overview(browser, console, artifacts):
    page = await new_page(browser, console)
    await page.goto("/cases")
    assert page.url.endswith("/login")  # nothing without a session
    await log_in(page, "wrong-token-xxxxxxxx")
    await page.wait_for_selector("p.error")
    assert "令牌不正确" in await page.inner_text("p.error")
    await page.screenshot(path=str(artifacts / "login-refused.png"))
    await log_in(page)
    await page.wait_for_selector("text=登录与连接")
    assert page.url.endswith("/")
    body = await page.inner_text("body")
    assert "读书会" in body and "管理员" in body and "已登录" in body
    await page.screenshot(path=str(artifacts / "overview.png"), full_page=True)
    await page.click("text=退出登录")
    await page.wait_for_url("**/login")


async def test_spam_case_then_not_spam_then_appeal(browser, console, artifacts):
    bot = console.bot
    page = await new_page(browser, console)
    await log_in(page)
    await page.wait_for_selector("text=登录与连接")
    # a newcomer's ad in the simulated group becomes a case the operator sees
    member = newcomer(bot)
    bot.say(bot.cast.admin, "小明", AD)
    await wait_until(lambda: rows(console, Case, Case.target_id == member))
    await bot.app.idle()
    [case] = rows(console, Case, Case.target_id == member)
    await page.goto("/cases")
    card = page.locator(f"#case-{case.id}")
    await card.wait_for()
    # the status as chat says it: 处理中 beside 已执行 read as if the removal were still under way
    assert "abc12345" in await card.inner_text() and "有效" in await card.inner_text()
    assert "处理中" not in await card.inner_text()
    await card.locator("summary").click()  # the evidence
    assert "广告引流" in await card.inner_text()
    await page.screenshot(path=str(artifacts / "cases.png"), full_page=True)
    # "not spam" releases it: the card comes back reversed, the strike is cleared
    await card.locator("button", has_text="不是广告").click()
    await page.locator(f'#case-{case.id}[data-status="reversed"]').wait_for()
    assert "已撤销" in await page.locator(f"#case-{case.id}").inner_text()
    assert all(s.cleared for s in rows(console, Strike, Strike.case_id == case.id))
    assert bot.world.is_member(bot.cast.admin, member)
    await page.screenshot(path=str(artifacts / "case-released.png"), full_page=True)

    # a second ad from the same member, appealed privately, accepted from the queue
    bot.say(bot.cast.admin, "小明", "加我薇信 xyz98765 领取课程")
    await wait_until(lambda: len(rows(console, Case, Case.target_id == member)) == 2)
    await bot.app.idle()
    second = max(c.id for c in rows(console, Case, Case.target_id == member))
    bot.world.say_private(member, f"申诉 {second} 我在分享学习资料")
    await wait_until(lambda: rows(console, Appeal, Appeal.case_id == second))
    await page.goto("/appeals")
    appeal = page.locator(f'section.appeal[data-case="{second}"]')
    await appeal.wait_for()
    assert "我在分享学习资料" in await appeal.inner_text()
    await page.screenshot(path=str(artifacts / "appeals.png"), full_page=True)
    await appeal.locator("input[name=note]").fill("误判")
    await appeal.locator("button", has_text="接受").click()
    await appeal.locator(".result .notice").wait_for()
    assert f"#{second}" in await appeal.locator(".result").inner_text()
    assert rows(console, Appeal, Appeal.case_id == second)[0].status == "accepted"
    # the chat side: the member was told, privately
    await wait_until(lambda: any(f"#{second}" in t for t in bot.world.bot_texts(member)))


async def test_checker_stats_chart_csv_and_audit(browser, console, artifacts):
    bot = console.bot
    # distinct texts: near-identical ones would (rightly or not) trip the repeat check
    for text in ("今天读完了第三章", "作者的观点很有意思", "明晚几点讨论？", "我带两本书来"):
        bot.say(bot.cast.admin, "carol", text)
    bot.say(bot.cast.plain, "bob", "吃瓜")
    await wait_until(lambda: bot.app.events_handled >= 5)
    await bot.app.idle()
    page = await new_page(browser, console)
    await log_in(page)
    await page.wait_for_selector("text=登录与连接")

    await page.goto("/checker")
    await page.select_option("select[name=room]", bot.cast.admin)
    await page.fill("textarea[name=text]", AD)
    await page.click("main button[type=submit]")
    verdict = page.locator("section.verdict")
    await verdict.wait_for()
    text = await verdict.inner_text()
    assert "判定为广告" in text and "广告引流" in text and "abc12345" in text
    await page.screenshot(path=str(artifacts / "checker.png"), full_page=True)

    await page.goto(f"/stats?room={bot.cast.admin}&days=7")
    svg = page.locator("#chart svg")
    await svg.wait_for()  # drawn by the shipped ECharts, as SVG
    assert await page.locator("#chart svg path").count() > 5
    assert "消息" in await page.locator("#chart").inner_text()  # the legend
    assert await page.inner_text("#total-messages") == "4"
    await page.screenshot(path=str(artifacts / "stats.png"), full_page=True)
    async with page.expect_download() as info:
        await page.click("text=导出 CSV")
    download = await info.value
    content = Path(await download.path()).read_text("utf-8-sig")
    assert content.splitlines()[0].startswith("日期,群ID,群名,消息数")
    assert f"2026-05-01,{bot.cast.admin},读书会,4" in content

    for path, heading, name in (("/audit", "操作日志", "audit"), ("/samples", "样本与词表", "samples"),
                                ("/groups", "群规则", "groups"), (f"/groups?room={bot.cast.admin}", "读书会", "group"),
                                ("/backup", "备份", "backup")):
        await page.goto(path)
        await page.wait_for_selector(f"h1:has-text('{heading}')")
        await page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
