"""The `qunguan` command."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import click

from bot.rules.loader import RulesInvalid, load_rules
from bot.settings import Settings
from bot.terminal import setup_logging


def _plugins():  # imported lazily: `qunguan check-rules` should not pay for the SDK
    from plugins import default_plugins
    return default_plugins()


def _print_rules_errors(exc: RulesInvalid) -> None:
    """Each error in Chinese (as operators get it in WeChat), then in English beneath it."""
    click.echo(f"{exc.source}: {len(exc.errors)} 处错误 / {len(exc.errors)} error(s):", err=True)
    for error in exc.errors:
        click.echo(f"  {error.for_people()}\n    {error}", err=True)


SIM_PORT = 8790  # not 8788: the README gives that port to a real gateway


def run_until_stopped(work: Coroutine[Any, Any, None]) -> None:
    """Run `work` until it ends, Ctrl-C or SIGTERM (what Docker and systemd send): both cancel
    it, so its `finally` blocks stop the bot cleanly instead of dying mid-write."""

    async def main() -> None:
        task = asyncio.ensure_future(work)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, task.cancel)
        try:
            await task
        except asyncio.CancelledError:
            pass

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass


def fail(message: str) -> None:
    """One clear line for an operator, no traceback."""
    click.echo(message, err=True)
    sys.exit(2)


def check_database_driver(database_url: str) -> None:
    from db.session import normalise_url

    url = normalise_url(database_url)
    if url.startswith("postgresql"):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            fail("数据库地址是 PostgreSQL，但没有安装驱动 psycopg。请运行：pip install 'qunguan[postgres]' "
                 "/ a PostgreSQL URL needs psycopg: pip install 'qunguan[postgres]'")


def check_rules_file(rules_path: Path) -> None:
    if not rules_path.exists():
        fail(f"没有找到规则文件：{rules_path.resolve()}（当前目录 {Path.cwd()}）。请在放有 rules.yaml 的目录运行，"
             f"或用 --rules 指定，例如 qunguan run --rules /etc/qunguan/rules.yaml "
             f"/ rules file not found at {rules_path.resolve()}; pass --rules PATH")


@click.group()
@click.version_option(package_name="qunguan")
def main() -> None:
    """群管 qunguan: a moderation bot for WeChat groups."""


@main.command("check-rules")
@click.argument("file", default="rules.yaml", type=click.Path(dir_okay=False, path_type=Path))
def check_rules(file: Path) -> None:
    """Validate a rules file; exit non-zero listing every error with its line."""
    try:
        rules = load_rules(file, _plugins())
    except RulesInvalid as exc:
        _print_rules_errors(exc)
        sys.exit(1)
    overrides = len(rules.groups)
    click.echo(f"{file}: OK (version {rules.digest}, {overrides} group override(s))")


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@click.option("--db", "database_url", envvar="QUNGUAN_DATABASE_URL", default="sqlite:///qunguan.db",
              show_default=True, help="SQLAlchemy URL (env QUNGUAN_DATABASE_URL)")
def db_upgrade(database_url: str) -> None:
    """Apply all migrations (alembic upgrade head)."""
    from db.migrate import current, upgrade
    check_database_driver(database_url)
    upgrade(database_url)
    click.echo(f"database at revision {current(database_url)}")


@main.group()
def member() -> None:
    """A member's personal data: export it, or delete it on request."""


_DB_OPTION = click.option("--db", "database_url", envvar="QUNGUAN_DATABASE_URL", default="sqlite:///qunguan.db",
                          show_default=True, help="SQLAlchemy URL (env QUNGUAN_DATABASE_URL)")


def _member_session(database_url: str):  # type: ignore[no-untyped-def]
    check_database_driver(database_url)
    _plugins()  # every plugin's tables are part of the schema the export walks
    from db.session import make_engine, make_sessionmaker
    return make_sessionmaker(make_engine(database_url))()


@member.command("export")
@click.argument("contact_id")
@_DB_OPTION
def member_export(contact_id: str, database_url: str) -> None:
    """Print every stored row about CONTACT_ID (a wxid) as JSON."""
    import json

    from bot.core.privacy import export_member
    with _member_session(database_url) as db:
        data = export_member(db, contact_id)
    click.echo(json.dumps({"contact_id": contact_id, "tables": data}, ensure_ascii=False, indent=2))


@member.command("delete")
@click.argument("contact_id")
@_DB_OPTION
@click.option("--include-blacklist", is_flag=True, help="Also drop blacklist entries (kept by default).")
@click.option("--yes", is_flag=True, help="Delete; without it, only show what would be deleted.")
def member_delete(contact_id: str, database_url: str, include_blacklist: bool, yes: bool) -> None:
    """Delete the rows about CONTACT_ID and blank it where it only acted (dry run without --yes)."""
    from bot.core.privacy import delete_member
    with _member_session(database_url) as db:
        counts = delete_member(db, contact_id, include_blacklist=include_blacklist)
        if yes:
            db.commit()
        else:
            db.rollback()
    for table, count in sorted(counts.items()):
        click.echo(f"{table}: {count}")
    click.echo(("deleted" if yes else "would delete (dry run; add --yes)") + f": {sum(counts.values())} row(s)")


@main.command()
@click.option("--rules", "rules_path", default="rules.yaml", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path))
@click.option("--console/--no-console", default=None,
              help="With the built-in simulator: type as group members in this terminal (default: on a tty).")
@click.option("--web/--no-web", default=None,
              help="The web console (default: QUNGUAN_CONSOLE, else on with the simulator, off with a gateway).")
def run(rules_path: Path, console: bool | None, web: bool | None) -> None:
    """Run the bot. With WECHATY_PUPPET_SERVICE_ENDPOINT/TOKEN set it connects to that gateway;
    otherwise it starts the built-in WeChat simulator in-process."""
    settings = Settings()
    setup_logging(settings.log_level)
    check_rules_file(rules_path)
    check_database_driver(settings.database_url)
    try:
        load_rules(rules_path, _plugins())
    except RulesInvalid as exc:
        _print_rules_errors(exc)
        sys.exit(1)
    if console is None:
        console = sys.stdin.isatty()
    run_until_stopped(_run(settings, rules_path, console, settings.console_enabled(web)))


async def _start_web(runtime, settings: Settings, *, demo: bool) -> None:
    """Start the web console and tell the operator where it is and how to log in. A taken port
    is fatal when the console was asked for in production; the demo falls back to a free port."""
    from bot.console.server import ConsoleSettings

    wanted = ConsoleSettings(settings.console_host, settings.console_port, settings.console_token)
    try:
        server = await runtime.start_console(wanted)
    except OSError as exc:
        if not demo:
            raise click.ClickException(
                f"web console cannot listen on {settings.console_host}:{settings.console_port}: {exc} "
                "(set QUNGUAN_CONSOLE_PORT, or --no-web)") from exc
        click.echo(f"网页控制台端口 {settings.console_port} 不可用（{exc}），改用空闲端口。", err=True)
        server = await runtime.start_console(ConsoleSettings(wanted.host, 0, wanted.token))
    click.echo(f"网页控制台：{server.url}", err=True)
    if server.generated_token:
        click.echo(f"运营令牌（本次启动生成；固定令牌请设置 QUNGUAN_CONSOLE_TOKEN）：{server.token}", err=True)
    else:
        click.echo("运营令牌：见环境变量 QUNGUAN_CONSOLE_TOKEN", err=True)


async def _run(settings: Settings, rules_path: Path, console: bool, web: bool = False) -> None:
    from bot.runtime import Runtime

    if settings.uses_gateway:
        endpoint, token = settings.puppet_endpoint, settings.puppet_token
        if not endpoint:
            raise click.UsageError("WECHATY_PUPPET_SERVICE_ENDPOINT (host:port) is required with a token")
        runtime = Runtime(rules_path=rules_path, database_url=settings.database_url, endpoint=endpoint,
                          token=token or "insecure_qunguan", tls=settings.puppet_tls,
                          cache_dir=settings.cache_dir, freeze_heap=True)
        if web:
            await _start_web(runtime, settings, demo=False)
        await runtime.run_forever()
        return

    from bot.clock import SystemClock
    from bot.simulator import SimServer, default_world
    from bot.simulator.console import run_console

    clock = SystemClock()
    world = default_world(clock)
    server = SimServer(world)
    await server.start("127.0.0.1", 0)
    click.echo(f"没有配置网关，使用内置微信模拟器（127.0.0.1:{server.port}）。", err=True)
    runtime = Runtime(rules_path=rules_path, database_url=settings.database_url,
                      endpoint=f"127.0.0.1:{server.port}", token="insecure_simulator", clock=clock,
                      cache_dir=settings.cache_dir, freeze_heap=True)
    await runtime.start()
    quiet = runtime.rules.current.bot.governor.quiet_after_login.total_seconds()
    if quiet:
        # otherwise the first replies seem lost: WeChat flags accounts that talk right after login
        click.echo(f"机器人登录后先静默 {quiet:g} 秒（rules.yaml 的 bot.governor.quiet_after_login），"
                   f"这段时间收到的消息会照常处理，回复稍后发出。", err=True)
    try:
        if web:
            await _start_web(runtime, settings, demo=True)
        if console:
            # lines typed before the bot has logged in would be said in a WeChat it is not in
            # yet, and lost (seen on a busy machine: the console was up before the login)
            await runtime.ready()
            await run_console(world)
        else:
            await asyncio.Event().wait()
    finally:
        await runtime.stop()
        await server.stop()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=SIM_PORT, show_default=True, type=int)
@click.option("--token", default=lambda: os.environ.get("WECHATY_PUPPET_SERVICE_TOKEN", "insecure_simulator"))
@click.option("--console/--no-console", default=None, help="Type as group members (default: on a tty).")
def sim(host: str, port: int, token: str, console: bool | None) -> None:
    """Start the built-in WeChat simulator as a standalone puppet-service gateway."""
    setup_logging(Settings().log_level)
    import socket

    from bot.simulator import serve_standalone
    with socket.socket() as probe:  # grpclib's own error for a busy port is a 40-line traceback
        try:
            probe.bind((host, port))
        except OSError as exc:
            fail(f"端口 {host}:{port} 无法使用（{exc.strerror}）。请用 --port 换一个端口 "
                 f"/ cannot listen on {host}:{port}: {exc.strerror}; pick another with --port")
    run_until_stopped(serve_standalone(host, port, token,
                                       console=sys.stdin.isatty() if console is None else console))


def _register_plugin_commands() -> None:
    from plugins import cli_commands

    for cmd in cli_commands():
        main.add_command(cmd)


_register_plugin_commands()


if __name__ == "__main__":
    main()
