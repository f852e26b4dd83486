"""antispam_message: two indexes fewer written at a random place per message; pruning indexed

Every group message adds a row to anti-spam's message log, and every index of it whose key is
not in arrival order costs each commit a B-tree page of its own per message (on SQLite a WAL
frame each; issue 13). Of its four secondary indexes:

- (room_id, at) is replaced by (at): nothing read a room's messages by time but backtest's
  range, which the time alone serves too, while pruning (`at < ?`) and the behaviour windows'
  warm-up (`at >= ?`) had no index at all and read the whole log. Its key follows arrival, so a
  batch's rows share its last page.
- (message_id) is dropped: a message is looked up by its id only for a case, which names its
  member, and found by (room_id, sender_id, at) (plugins/antispam/store.py).

(room_id, sender_id, at) and (fingerprint, at) stay: a member's recent texts and a quote's
sender's messages, and a quote whose sender is unknown.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_antispam_message_room_at", table_name="antispam_message")
    op.drop_index("ix_antispam_message_message_id", table_name="antispam_message")
    op.create_index("ix_antispam_message_at", "antispam_message", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_antispam_message_at", table_name="antispam_message")
    op.create_index("ix_antispam_message_message_id", "antispam_message", ["message_id"], unique=False)
    op.create_index("ix_antispam_message_room_at", "antispam_message", ["room_id", "at"], unique=False)
