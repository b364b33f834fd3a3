"""web site: public meetings, the site's monthly counts

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 10:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('meetings') as batch:
        batch.add_column(
            sa.Column('public', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table('site_counts',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('what', sa.String(length=32), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'what')
    )


def downgrade() -> None:
    op.drop_table('site_counts')
    with op.batch_alter_table('meetings') as batch:
        batch.drop_column('public')
