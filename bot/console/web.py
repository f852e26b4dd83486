"""The console's routes: server-rendered pages (Jinja2) with htmx fragments for actions.

Every route but /login and /static needs a session; every POST needs the session's CSRF token
(header X-CSRF-Token, which htmx sends from <body hx-headers>, or a `csrf` form field). Pages
are never cached and may not be framed; scripts come only from /static."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.console.auth import COOKIE, PRE_COOKIE, SESSION_AGE, Auth, Session
from bot.console.service import (
    KIND_LABELS,
    OUTCOME_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    CaseFilter,
    ConsoleError,
    ConsoleService,
    parse_day,
)

log = logging.getLogger("bot.console")
HERE = Path(__file__).parent
_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
_PAGES = [("/", "概览"), ("/cases", "案件"), ("/appeals", "申诉"), ("/checker", "检测器"), ("/samples", "样本"),
          ("/groups", "群规则"), ("/schedules", "定时"), ("/stats", "统计"), ("/audit", "操作日志"),
          ("/rules", "规则检查"), ("/backup", "备份")]

Handler = Callable[[Request], Awaitable[Response]]


class _Headers:
    """Security headers on every response (pages, fragments, static files)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"content-security-policy", _CSP.encode()), (b"x-frame-options", b"DENY"),
                            (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(service: ConsoleService, auth: Auth, *, secure_cookie: bool = False) -> ASGIApp:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(pages=_PAGES, kind_labels=KIND_LABELS, outcome_labels=OUTCOME_LABELS,
                                 status_labels=STATUS_LABELS)

    def session_of(request: Request) -> Session | None:
        return auth.session(request.cookies.get(COOKIE))

    async def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        """Render in a worker thread: a page of 50 cases is tens of milliseconds of Jinja, which
        on the loop would hold up every group's messages."""
        sess: Session | None = request.state.session if hasattr(request.state, "session") else None
        full = {"request": request, "csrf": sess.csrf if sess else "", "path": request.url.path, **context}
        html = await asyncio.to_thread(templates.get_template(name).render, full)
        return HTMLResponse(html, status_code=status)

    def page(handler: Handler) -> Handler:
        @wraps(handler)
        async def guarded(request: Request) -> Response:
            sess = session_of(request)
            if sess is None:
                if request.headers.get("hx-request"):
                    return Response(status_code=401, headers={"HX-Redirect": "/login"})
                return RedirectResponse("/login", status_code=303)
            request.state.session = sess
            try:
                return await handler(request)
            except ConsoleError as exc:
                return await render(request, "error.html", {"message": str(exc)}, status=400)
        return guarded

    def action(handler: Handler) -> Handler:
        @wraps(handler)
        async def guarded(request: Request) -> Response:
            sess = session_of(request)
            if sess is None:
                return PlainTextResponse("请先登录", status_code=401, headers={"HX-Redirect": "/login"})
            if not _same_origin(request):
                return PlainTextResponse("来源不符", status_code=403)
            given = request.headers.get("x-csrf-token")
            if not given:
                form = await request.form()
                value = form.get("csrf")
                given = value if isinstance(value, str) else None
            if not auth.same(given, sess.csrf):
                return PlainTextResponse("CSRF 校验失败，请刷新页面后重试", status_code=403)
            request.state.session = sess
            try:
                return await handler(request)
            except ConsoleError as exc:
                return await render(request, "notice.html", {"message": str(exc), "error": True}, status=400)
        return guarded

    # ------------------------------------------------------------------ login
    async def login_form(request: Request) -> Response:
        if session_of(request) is not None:
            return RedirectResponse("/", status_code=303)
        return await _login_page(request, "")

    async def _login_page(request: Request, error: str, status: int = 200) -> Response:
        pre = secrets.token_urlsafe(16)
        response = await render(request, "login.html", {"pre": pre, "error": error}, status=status)
        response.set_cookie(PRE_COOKIE, pre, max_age=1800, httponly=True, samesite="strict", secure=secure_cookie,
                            path="/login")
        return response

    async def login(request: Request) -> Response:
        client = request.client.host if request.client else "?"
        if not _same_origin(request):
            return PlainTextResponse("来源不符", status_code=403)
        form = await request.form()
        pre = form.get("pre")
        if not auth.same(pre if isinstance(pre, str) else None, request.cookies.get(PRE_COOKIE)):
            return await _login_page(request, "登录表单已过期，请重试。", status=403)
        if auth.blocked(client):
            log.warning("console: login refused for %s (too many wrong tokens)", client)
            return await _login_page(request, "错误次数过多，请 15 分钟后再试。", status=429)
        token = form.get("token")
        if not auth.check_token(client, token if isinstance(token, str) else ""):
            log.warning("console: wrong token from %s", client)
            return await _login_page(request, "令牌不正确。", status=403)
        cookie, _ = auth.new_session()
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(COOKIE, cookie, max_age=int(SESSION_AGE.total_seconds()), httponly=True,
                            samesite="strict", secure=secure_cookie, path="/")
        response.delete_cookie(PRE_COOKIE, path="/login")
        log.info("console: operator logged in from %s", client)
        return response

    @action
    async def logout(request: Request) -> Response:
        auth.revoke(request.state.session)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        response.headers["HX-Redirect"] = "/login"
        return response

    # ------------------------------------------------------------------ overview
    @page
    async def overview(request: Request) -> Response:
        data = await service.overview()
        name = "overview_panel.html" if request.headers.get("hx-request") else "overview.html"
        return await render(request, name, {"o": data})

    @page
    async def qr_svg(request: Request) -> Response:
        payload = service.runtime.link.qrcode
        if not payload or service.app.logged_in_as:
            return Response(status_code=404)
        import qrcode
        import qrcode.image.svg

        image = qrcode.make(payload, image_factory=qrcode.image.svg.SvgPathImage, border=2)
        return Response(image.to_string(), media_type="image/svg+xml")

    # ------------------------------------------------------------------ cases
    @page
    async def cases(request: Request) -> Response:
        q = request.query_params
        flt = CaseFilter(room_id=q.get("room", ""), check=q.get("check", ""), outcome=q.get("outcome", ""),
                         kind=q.get("kind", ""), status=q.get("status", ""), start=parse_day(q.get("from")),
                         end=parse_day(q.get("to")), page=_int(q.get("page"), 1))
        rows, more, checks = await service.cases(flt)
        labels = service.app.rules.plugin_config(None, "antispam").texts.check_labels
        base = {k: v for k, v in q.items() if k != "page" and v}
        return await render(request, "cases.html", {
            "rows": rows, "more": more, "flt": flt, "groups": await service.group_names(),
            "checks": [(c, labels.get(c, c)) for c in checks], "q": q,
            "next_url": "/cases?" + urlencode({**base, "page": flt.page + 1}),
            "prev_url": "/cases?" + urlencode({**base, "page": flt.page - 1}) if flt.page > 1 else ""})

    def case_action(run: Callable[[int], Awaitable[list[str]]]) -> Handler:
        @action
        async def handler(request: Request) -> Response:
            case_id = _int(request.path_params.get("case_id"), 0)
            answers = await run(case_id)
            view = await service.case(case_id)
            view.answer = answers or ["已完成。"]
            return await render(request, "case_card.html", {"c": view})
        return handler

    # ------------------------------------------------------------------ appeals
    @page
    async def appeals_page(request: Request) -> Response:
        show_all = request.query_params.get("all") == "1"
        return await render(request, "appeals.html", {"appeals": await service.appeals(show_all), "show_all": show_all})

    def appeal_action(accept: bool) -> Handler:
        @action
        async def handler(request: Request) -> Response:
            case_id = _int(request.path_params.get("case_id"), 0)
            form = await request.form()
            note = form.get("note")
            answers = await service.decide_appeal(case_id, accept, note if isinstance(note, str) else "")
            return await render(request, "notice.html", {"message": "\n".join(answers) or "已处理。", "error": False})
        return handler

    # ------------------------------------------------------------------ checker
    @page
    async def checker_page(request: Request) -> Response:
        return await render(request, "checker.html", {"groups": await service.group_names()})

    @action
    async def checker_run(request: Request) -> Response:
        form = await request.form()
        text = form.get("text")
        room = form.get("room")
        if not isinstance(text, str) or not text.strip():
            raise ConsoleError("请粘贴要检测的消息")
        result = await service.check(room if isinstance(room, str) else "", text[:2000],
                                     form.get("as") == "newcomer")
        return await render(request, "checker_result.html", {"r": result, "newcomer": form.get("as") == "newcomer"})

    # ------------------------------------------------------------------ stats
    @page
    async def stats_page(request: Request) -> Response:
        room, days = request.query_params.get("room", ""), _days(request.query_params.get("days"))
        data = await service.stats(room, days)
        return await render(request, "stats.html", {"s": data, "room": room, "days": days,
                                              "groups": await service.group_names(),
                                              "csv_url": "/stats.csv?" + urlencode({"room": room, "days": days})})

    @page
    async def stats_csv(request: Request) -> Response:
        room, days = request.query_params.get("room", ""), _days(request.query_params.get("days"))
        body = "\ufeff" + await service.stats_csv(room, days)  # BOM: Excel opens UTF-8 Chinese correctly
        name = f"qunguan-stats-{days}d.csv"
        return Response(body, media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    # ------------------------------------------------------------------ audit
    @page
    async def audit_page(request: Request) -> Response:
        room = request.query_params.get("room", "")
        return await render(request, "audit.html", {"rows": await service.audit(room), "room": room,
                                              "groups": await service.group_names()})

    # ------------------------------------------------------------------ samples and word lists
    @page
    async def samples_page(request: Request) -> Response:
        q = request.query_params
        page_no = _int(q.get("page"), 1)
        rows, more, counts = await service.samples(q.get("q", ""), q.get("label", ""), q.get("source", ""), page_no)
        base = {k: v for k, v in q.items() if k != "page" and v}
        return await render(request, "samples.html", {
            "rows": rows, "more": more, "counts": counts, "q": q, "page": page_no,
            "words": service.word_lists(""), "sources": SOURCE_LABELS,
            "next_url": "/samples?" + urlencode({**base, "page": page_no + 1}),
            "prev_url": "/samples?" + urlencode({**base, "page": page_no - 1}) if page_no > 1 else ""})

    @action
    async def sample_add(request: Request) -> Response:
        form = await request.form()
        text, label = form.get("text"), form.get("label")
        if not isinstance(text, str) or not text.strip() or label not in ("0", "1"):
            raise ConsoleError("请填写样本文本并选择“广告”或“正常”")
        added, _ = await service.add_samples([(int(str(label)), text.strip()[:2000])])
        kind = "广告" if label == "1" else "正常"
        message = f"已加入{kind}样本，立即生效。" if added else "已有相同样本（标签一致），未重复加入。"
        return await render(request, "notice.html", {"message": message, "error": False})

    @action
    async def sample_import(request: Request) -> Response:
        form = await request.form()
        upload, pasted = form.get("file"), form.get("tsv")
        if upload is not None and not isinstance(upload, str) and upload.filename:
            raw = await upload.read(4_000_000)
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ConsoleError("文件不是 UTF-8 编码") from None
        elif isinstance(pasted, str) and pasted.strip():
            text = pasted
        else:
            raise ConsoleError("请选择 TSV 文件或粘贴内容")
        result = await service.import_samples(text)
        if result.errors:
            message = "没有导入任何样本，请修正后整体重新导入：\n" + "\n".join(result.errors)
            return await render(request, "notice.html", {"message": message, "error": True}, status=400)
        return await render(request, "notice.html", {
            "message": f"导入完成：新增 {result.added} 条，重复 {result.duplicates} 条。", "error": False})

    @action
    async def sample_delete(request: Request) -> Response:
        text = await service.remove_sample(_int(request.path_params.get("sample_id"), 0))
        return await render(request, "notice.html", {"message": f"已删除样本：{text[:60]}", "error": False, "row": 7})

    # ------------------------------------------------------------------ groups
    @page
    async def groups_page(request: Request) -> Response:
        room = request.query_params.get("room", "")
        if not room:
            return await render(request, "groups.html", {"o": await service.overview()})
        return await render(request, "group.html", {"g": await service.group(room)})

    # ------------------------------------------------------------------ schedules
    @page
    async def schedules_page(request: Request) -> Response:
        groups = await service.group_names()
        room = request.query_params.get("room", "") or next(iter(groups), "")
        rows = await service.schedules(room) if room else []
        return await render(request, "schedules.html", {"rows": rows, "room": room, "groups": groups})

    @action
    async def schedule_change(request: Request) -> Response:
        form = await request.form()
        room, verb, ident = form.get("room"), form.get("verb"), form.get("id")
        if not all(isinstance(v, str) for v in (room, verb, ident)):
            raise ConsoleError("无效的定时任务操作")
        answers = await service.change_schedule(str(room), str(verb), str(ident))
        return await render(request, "schedules_area.html", {"rows": await service.schedules(str(room)), "room": room,
                                                       "answers": answers or ["已完成。"]})

    # ------------------------------------------------------------------ rules
    @page
    async def rules_page(request: Request) -> Response:
        data = await service.overview()
        return await render(request, "rules.html", {"o": data, "text": service.rules_text(),
                                              "groups": await service.group_names()})

    @action
    async def rules_check(request: Request) -> Response:
        form = await request.form()
        text, room = form.get("text"), form.get("room")
        if not isinstance(text, str) or not text.strip():
            raise ConsoleError("请粘贴候选规则")
        days = _int(form.get("days"), 0) if form.get("backtest") == "1" else 0
        result = await service.check_rules(text, days, room if isinstance(room, str) else "")
        return await render(request, "rules_result.html", {"r": result, "days": days})

    # ------------------------------------------------------------------ backup
    @page
    async def backup_page(request: Request) -> Response:
        kind = service.backup_kind()
        if kind != "sqlite" or request.query_params.get("download") != "1":
            url = service.runtime.engine.url.render_as_string(hide_password=True)
            return await render(request, "backup.html", {"kind": kind, "url": url})
        folder = tempfile.mkdtemp(prefix="qunguan-backup-")
        target = os.path.join(folder, "qunguan.db")
        await service.backup_sqlite(target)
        stamp = service.app.clock.now().strftime("%Y%m%d-%H%M%S")
        log.info("console: database backup downloaded")
        return FileResponse(target, media_type="application/vnd.sqlite3", filename=f"qunguan-{stamp}.db",
                            background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))

    routes = [
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/", overview),
        Route("/qr.svg", qr_svg),
        Route("/cases", cases),
        Route("/cases/{case_id:int}/ham", case_action(service.mark_ham), methods=["POST"]),
        Route("/cases/{case_id:int}/spam", case_action(service.mark_spam), methods=["POST"]),
        Route("/cases/{case_id:int}/unban", case_action(service.unban), methods=["POST"]),
        Route("/cases/{case_id:int}/revoke", case_action(service.revoke), methods=["POST"]),
        Route("/appeals", appeals_page),
        Route("/appeals/{case_id:int}/accept", appeal_action(True), methods=["POST"]),
        Route("/appeals/{case_id:int}/reject", appeal_action(False), methods=["POST"]),
        Route("/checker", checker_page, methods=["GET"]),
        Route("/checker", checker_run, methods=["POST"]),
        Route("/stats", stats_page),
        Route("/stats.csv", stats_csv),
        Route("/audit", audit_page),
        Route("/samples", samples_page),
        Route("/samples/add", sample_add, methods=["POST"]),
        Route("/samples/import", sample_import, methods=["POST"]),
        Route("/samples/{sample_id:int}/delete", sample_delete, methods=["POST"]),
        Route("/groups", groups_page),
        Route("/backup", backup_page),
        Route("/schedules", schedules_page),
        Route("/rules", rules_page, methods=["GET"]),
        Route("/rules", rules_check, methods=["POST"]),
        Route("/schedules/change", schedule_change, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    return _Headers(Starlette(routes=routes))


# the routes every test of "nothing without a session" walks: (method, path)
PROTECTED = [("GET", "/"), ("GET", "/qr.svg"), ("GET", "/cases"), ("GET", "/appeals"), ("GET", "/checker"),
             ("GET", "/stats"), ("GET", "/stats.csv"), ("GET", "/audit"), ("POST", "/logout"),
             ("POST", "/cases/1/ham"), ("POST", "/cases/1/spam"), ("POST", "/cases/1/unban"),
             ("POST", "/appeals/1/accept"), ("POST", "/appeals/1/reject"), ("POST", "/checker"),
             ("GET", "/samples"), ("POST", "/samples/add"), ("POST", "/samples/import"), ("POST", "/samples/1/delete"),
             ("GET", "/groups"), ("GET", "/groups?room=30000000002@chatroom"), ("GET", "/backup"),
             ("GET", "/backup?download=1"), ("GET", "/schedules"), ("POST", "/schedules/change"),
             ("GET", "/rules"), ("POST", "/rules")]


def _same_origin(request: Request) -> bool:
    """A browser's cross-site POST names its origin; ours must match the Host it was sent to."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _days(value: str | None) -> int:
    return min(max(_int(value, 30), 1), 366)
