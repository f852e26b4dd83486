"""checkin tables

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "checkin_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.String(length=190), nullable=False),
        sa.Column("member_id", sa.String(length=190), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("makeup", sa.Boolean(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("streak", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("announced", sa.Boolean(), nullable=False),
        sa.Column("repeat_answered", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_record")),
        sa.UniqueConstraint("room_id", "member_id", "day", name=op.f("uq_checkin_record_room_id_member_id_day")),
    )
    with op.batch_alter_table("checkin_record", schema=None) as batch_op:
        batch_op.create_index("ix_checkin_record_room_day", ["room_id", "day"], unique=False)

    op.create_table(
        "checkin_notice",
        sa.Column("room_id", sa.String(length=190), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sent_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("room_id", "kind", "day", name=op.f("pk_checkin_notice")),
    )


def downgrade() -> None:
    op.drop_table("checkin_notice")
    with op.batch_alter_table("checkin_record", schema=None) as batch_op:
        batch_op.drop_index("ix_checkin_record_room_day")

    op.drop_table("checkin_record")
