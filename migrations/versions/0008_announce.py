"""announce tables: chat-added schedules, pause state, claimed deliveries (exactly once)

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "announce_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.String(length=190), nullable=False),
        sa.Column("schedule_key", sa.String(length=128), nullable=False),
        sa.Column("occurrence", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announce_delivery")),
        sa.UniqueConstraint("room_id", "schedule_key", "occurrence",
                            name=op.f("uq_announce_delivery_room_id_schedule_key_occurrence")),
    )
    op.create_table(
        "announce_pause",
        sa.Column("room_id", sa.String(length=190), nullable=False),
        sa.Column("schedule_key", sa.String(length=128), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("changed_by", sa.String(length=190), nullable=False),
        sa.Column("changed_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("room_id", "schedule_key", name=op.f("pk_announce_pause")),
    )
    op.create_table(
        "announce_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.String(length=190), nullable=False),
        sa.Column("trigger", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=190), nullable=False),
        sa.Column("created_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announce_schedule")),
    )
    with op.batch_alter_table("announce_schedule", schema=None) as batch_op:
        batch_op.create_index("ix_announce_schedule_room_status", ["room_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("announce_schedule", schema=None) as batch_op:
        batch_op.drop_index("ix_announce_schedule_room_status")
    op.drop_table("announce_schedule")
    op.drop_table("announce_pause")
    op.drop_table("announce_delivery")
