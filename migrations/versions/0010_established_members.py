"""core_member.established: members already in a group when the bot first met it

They are established members, never on probation, and their join date is unknown. Databases
made before this revision hold no record of who was there first: members whose join the bot
never saw are marked established (the old rules already let them out of probation after a few
messages; treating a regular as a newcomer is the costlier mistake).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("core_member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("established", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(sa.text("UPDATE core_member SET established = :yes WHERE joined_at IS NULL").bindparams(yes=True))


def downgrade() -> None:
    with op.batch_alter_table("core_member", schema=None) as batch_op:
        batch_op.drop_column("established")
