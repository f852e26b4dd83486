"""moderation and stats tables

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('moderation_appeal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.String(length=190), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.String(length=190), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=190), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_appeal'))
    )
    with op.batch_alter_table('moderation_appeal', schema=None) as batch_op:
        batch_op.create_index('ix_moderation_appeal_room_case', ['room_id', 'case_id'], unique=False)

    op.create_table('stats_member_day',
    sa.Column('room_id', sa.String(length=190), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('member_id', sa.String(length=190), nullable=False),
    sa.Column('messages', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('room_id', 'day', 'member_id', name=op.f('pk_stats_member_day'))
    )
    with op.batch_alter_table('stats_member_day', schema=None) as batch_op:
        batch_op.create_index('ix_stats_member_day_room_member_day', ['room_id', 'member_id', 'day'], unique=False)

    op.create_table('stats_room_day',
    sa.Column('room_id', sa.String(length=190), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('messages', sa.Integer(), nullable=False),
    sa.Column('joins', sa.Integer(), nullable=False),
    sa.Column('leaves', sa.Integer(), nullable=False),
    sa.Column('removals', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('room_id', 'day', name=op.f('pk_stats_room_day'))
    )


def downgrade() -> None:
    op.drop_table('stats_room_day')
    with op.batch_alter_table('stats_member_day', schema=None) as batch_op:
        batch_op.drop_index('ix_stats_member_day_room_member_day')
    op.drop_table('stats_member_day')
    with op.batch_alter_table('moderation_appeal', schema=None) as batch_op:
        batch_op.drop_index('ix_moderation_appeal_room_case')
    op.drop_table('moderation_appeal')
