"""Who may use the console: whoever holds the operator token. The token is exchanged once for a
signed session cookie (HttpOnly, SameSite=Strict); every state-changing request also carries a
CSRF token bound to that session; wrong tokens are rate-limited per client and overall."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer

from bot.clock import Clock

COOKIE = "qunguan_console"
PRE_COOKIE = "qunguan_console_pre"  # the login form's own CSRF value (no session yet)
SESSION_AGE = timedelta(hours=12)


def new_token() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True, slots=True)
class Session:
    sid: str
    csrf: str


class Auth:
    def __init__(self, token: str, clock: Clock, *, max_failures: int = 5, global_failures: int = 30,
                 window: timedelta = timedelta(minutes=15)) -> None:
        if len(token) < 12:
            raise ValueError("the console token must be at least 12 characters")
        self._token = token.encode()
        self._clock = clock
        # keyed by the token: a new token ends every session, a restart with the same one does not
        self._secret = hashlib.sha256(b"qunguan-console\0" + self._token).digest()
        self._signer = URLSafeTimedSerializer(self._secret, salt="session")
        self._failures: dict[str, deque[datetime]] = {}
        self._all_failures: deque[datetime] = deque()
        self._revoked: set[str] = set()  # logged-out sessions (the cookie alone would stay valid)
        self.max_failures, self.global_failures, self.window = max_failures, global_failures, window

    # ------------------------------------------------------------------ the token
    def blocked(self, client: str) -> bool:
        """Too many wrong tokens lately, from this client or from everyone together (a token
        guessed from many addresses)."""
        now = self._clock.now()
        self._expire(now)
        mine = self._failures.get(client)
        return bool(mine and len(mine) >= self.max_failures) or len(self._all_failures) >= self.global_failures

    def check_token(self, client: str, token: str) -> bool:
        """True for the right token. Callers ask blocked() first: a blocked client's guesses are
        not even compared."""
        ok = hmac.compare_digest(token.strip().encode(), self._token)
        if not ok:
            now = self._clock.now()
            self._failures.setdefault(client, deque()).append(now)
            self._all_failures.append(now)
        return ok

    def _expire(self, now: datetime) -> None:
        cutoff = now - self.window
        while self._all_failures and self._all_failures[0] <= cutoff:
            self._all_failures.popleft()
        for client in list(self._failures):
            q = self._failures[client]
            while q and q[0] <= cutoff:
                q.popleft()
            if not q:
                del self._failures[client]

    # ------------------------------------------------------------------ sessions
    def new_session(self) -> tuple[str, Session]:
        """(cookie value, session) for someone who just gave the right token."""
        sid = secrets.token_urlsafe(18)
        return self._signer.dumps({"sid": sid}), Session(sid, self.csrf_for(sid))

    def session(self, cookie: str | None) -> Session | None:
        if not cookie:
            return None
        try:
            data = self._signer.loads(cookie, max_age=int(SESSION_AGE.total_seconds()))
        except BadSignature:
            return None
        sid = data.get("sid") if isinstance(data, dict) else None
        if not isinstance(sid, str) or not sid or sid in self._revoked:
            return None
        return Session(sid, self.csrf_for(sid))

    def revoke(self, sess: Session) -> None:
        if len(self._revoked) > 10_000:  # bounded: sessions expire anyway
            self._revoked.clear()
        self._revoked.add(sess.sid)

    def csrf_for(self, sid: str) -> str:
        return hmac.new(self._secret, b"csrf\0" + sid.encode(), hashlib.sha256).hexdigest()

    @staticmethod
    def same(a: str | None, b: str | None) -> bool:
        return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))
