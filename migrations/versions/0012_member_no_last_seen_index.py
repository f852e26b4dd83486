"""core_member: drop ix_core_member_room_last_seen (no query uses it; every message moved its entry)

Every group message updates its sender's last_message_at, so the index on (room_id,
last_message_at) cost an entry deleted and one inserted per message, and on PostgreSQL it made
every such update a non-HOT one (the primary key's index written too). No query filters or
orders core_member by last_message_at: the room's members are read by the primary key's
prefix (bot/core/members.in_room) and the lurker reports compare the times in Python.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_core_member_room_last_seen", table_name="core_member")


def downgrade() -> None:
    op.create_index("ix_core_member_room_last_seen", "core_member", ["room_id", "last_message_at"], unique=False)
