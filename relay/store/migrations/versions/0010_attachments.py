"""attachments: an announcement's poster or form, stored once

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 10:00:00

The file is stored once in `attachments`; an announcement refers to at most one, and a direct
notice (the coordinators' moderation request) refers to the same row instead of a copy. The
columns are added without rebuilding `announcements` and `direct_notices` (SQLite's batch
mode would copy and drop them, and dropping them would cascade to their deliveries).
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFERRING = ('announcements', 'direct_notices')


def upgrade() -> None:
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('mime_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sha256', 'filename', name='uq_attachment_content')
    )
    for table in REFERRING:
        _add_reference(table)
        op.create_index(f'ix_{table}_attachment_id', table, ['attachment_id'], unique=False)


def _add_reference(table: str) -> None:
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite adds a column with its REFERENCES clause in place (no batch rebuild).
        op.execute(
            f'ALTER TABLE {table} ADD COLUMN attachment_id INTEGER REFERENCES attachments (id)'
        )
        return
    op.add_column(table, sa.Column('attachment_id', sa.Integer(), nullable=True))
    op.create_foreign_key(
        f'fk_{table}_attachment_id', table, 'attachments', ['attachment_id'], ['id']
    )


def downgrade() -> None:
    for table in REFERRING:
        op.drop_index(f'ix_{table}_attachment_id', table_name=table)
        if op.get_bind().dialect.name == 'sqlite':  # in place, as it was added
            op.execute(f'ALTER TABLE {table} DROP COLUMN attachment_id')
        else:
            op.drop_constraint(f'fk_{table}_attachment_id', table, type_='foreignkey')
            op.drop_column(table, 'attachment_id')
    op.drop_table('attachments')
