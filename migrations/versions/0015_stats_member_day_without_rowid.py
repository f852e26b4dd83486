"""stats_member_day on SQLite: the rows in the primary key's B-tree (WITHOUT ROWID)

Every group message counts its sender in stats_member_day (room, day, member). As a rowid
table on SQLite, a member's first message of a day wrote three B-trees: the table by rowid,
the primary key's own index (room, day, member) and ix_stats_member_day_room_member_day; each
later message of the day found the key in one and rewrote the row in the other. WITHOUT
ROWID keeps each row in the primary key's B-tree: two B-trees for a new row, one for a count
(issue 13; core30 counted 0.60 + 0.60 + 0.35 WAL pages a message to this table in
bench.pipeline). The secondary index stays: #tag reads one member's days by it (a room's
days by the key would be every member's rows of the window).

SQLite cannot change a table's kind in place: the table is rebuilt (batch mode: a copy, the
old one dropped, the copy renamed, the index made again), in the migration's transaction.
PostgreSQL has no rowid: nothing to do there.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _rebuild(with_rowid: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("stats_member_day", recreate="always",
                              table_kwargs={"sqlite_with_rowid": with_rowid}):
        pass


def upgrade() -> None:
    _rebuild(with_rowid=False)


def downgrade() -> None:
    _rebuild(with_rowid=True)
