"""Several bot processes (one engine each) racing to claim the same events on one database."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.session import make_engine, make_sessionmaker


def claim_concurrently(database_url: str, claim: Callable[[Session, str], bool], *, engines: int = 4,
                       events: int = 25) -> tuple[dict[str, list[bool]], list[Engine]]:
    """Each engine claims every event (`claim` commits nothing; the caller's session does), all
    starting together. Returns who won each event, per engine, and the engines (to read back
    with; the caller disposes of them)."""
    pool = [make_engine(database_url) for _ in range(engines)]
    ids = [f"evt-{i}" for i in range(events)]
    claims: dict[str, list[bool]] = {e: [] for e in ids}
    barrier = threading.Barrier(len(pool))
    errors: list[BaseException] = []

    def claim_all(engine: Engine) -> None:
        try:
            sessions = make_sessionmaker(engine)
            barrier.wait()
            for event_id in ids:
                with sessions() as db:
                    won = claim(db, event_id)
                    db.commit()
                claims[event_id].append(won)
        except BaseException as exc:  # surfaced below: a thread's exception is otherwise lost
            errors.append(exc)

    threads = [threading.Thread(target=claim_all, args=(e,)) for e in pool]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return claims, pool


def once_each(claims: dict[str, list[bool]]) -> bool:
    """Every event won by exactly one engine."""
    return all(sorted(c).count(True) == 1 and len(c) > 1 for c in claims.values())
