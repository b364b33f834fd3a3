"""a delivery in several parts resumes after the parts sent

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 02:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parts_sent', sa.Integer(), nullable=False, server_default='0'))
        batch_op.alter_column(
            'platform_message_id',
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=100),
            type_=sqlmodel.sql.sqltypes.AutoString(length=1000),
            existing_nullable=True,
        )


def downgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.alter_column(
            'platform_message_id',
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=1000),
            type_=sqlmodel.sql.sqltypes.AutoString(length=100),
            existing_nullable=True,
        )
        batch_op.drop_column('parts_sent')
