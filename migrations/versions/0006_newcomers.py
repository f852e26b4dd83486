"""newcomers tables: greeting_pending, greeting_room, nickname_member

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "greeting_pending",
        sa.Column("room_id", sa.String(length=190), nullable=False),
        sa.Column("member_id", sa.String(length=190), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("inviter_id", sa.String(length=190), nullable=True),
        sa.Column("joined_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("room_id", "member_id", name=op.f("pk_greeting_pending")),
    )
    with op.batch_alter_table("greeting_pending", schema=None) as batch_op:
        batch_op.create_index("ix_greeting_pending_joined_at", ["joined_at"], unique=False)

    op.create_table(
        "greeting_room",
        sa.Column("room_id", sa.String(length=190), nullable=False),
        sa.Column("last_welcome_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_raid_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("retry_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("room_id", name=op.f("pk_greeting_room")),
    )
    op.create_table(
        "nickname_member",
        sa.Column("room_id", sa.String(length=190), nullable=False),
        sa.Column("member_id", sa.String(length=190), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("since", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_step_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_alias", sa.Text(), nullable=False),
        sa.Column("checked_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("compliant_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("room_id", "member_id", name=op.f("pk_nickname_member")),
    )
    with op.batch_alter_table("nickname_member", schema=None) as batch_op:
        batch_op.create_index("ix_nickname_member_room_status", ["room_id", "status"], unique=False)
        batch_op.create_index("ix_nickname_member_status_due", ["status", "due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("nickname_member", schema=None) as batch_op:
        batch_op.drop_index("ix_nickname_member_status_due")
        batch_op.drop_index("ix_nickname_member_room_status")
    op.drop_table("nickname_member")
    op.drop_table("greeting_room")
    with op.batch_alter_table("greeting_pending", schema=None) as batch_op:
        batch_op.drop_index("ix_greeting_pending_joined_at")
    op.drop_table("greeting_pending")
