"""antispam tables

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "antispam_sample",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.String(length=190), nullable=False),
        sa.Column("label", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("added_by", sa.String(length=190), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("created_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_antispam_sample")),
        sa.UniqueConstraint("room_id", "fingerprint", name=op.f("uq_antispam_sample_room_id_fingerprint")),
    )
    op.create_table(
        "antispam_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.String(length=190), nullable=False),
        sa.Column("message_id", sa.String(length=190), nullable=False),
        sa.Column("sender_id", sa.String(length=190), nullable=False),
        sa.Column("sender_name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=40), nullable=False),
        sa.Column("at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_antispam_message")),
    )
    with op.batch_alter_table("antispam_message", schema=None) as batch_op:
        batch_op.create_index("ix_antispam_message_fingerprint_at", ["fingerprint", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_antispam_message_message_id"), ["message_id"], unique=False)
        batch_op.create_index("ix_antispam_message_room_at", ["room_id", "at"], unique=False)
        batch_op.create_index("ix_antispam_message_room_sender_at", ["room_id", "sender_id", "at"], unique=False)

    op.create_table(
        "antispam_strike",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.String(length=190), nullable=False),
        sa.Column("member_id", sa.String(length=190), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("cleared", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_antispam_strike")),
    )
    with op.batch_alter_table("antispam_strike", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_antispam_strike_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_antispam_strike_room_member_at", ["room_id", "member_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("antispam_strike", schema=None) as batch_op:
        batch_op.drop_index("ix_antispam_strike_room_member_at")
        batch_op.drop_index(batch_op.f("ix_antispam_strike_case_id"))

    op.drop_table("antispam_strike")
    with op.batch_alter_table("antispam_message", schema=None) as batch_op:
        batch_op.drop_index("ix_antispam_message_room_sender_at")
        batch_op.drop_index("ix_antispam_message_room_at")
        batch_op.drop_index(batch_op.f("ix_antispam_message_message_id"))
        batch_op.drop_index("ix_antispam_message_fingerprint_at")

    op.drop_table("antispam_message")
    op.drop_table("antispam_sample")
