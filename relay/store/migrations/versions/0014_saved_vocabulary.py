"""saved vocabulary: the directory's vocabulary kept between processes

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 06:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('directory_vocabulary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signature', sa.String(length=80), nullable=False),
    sa.Column('recipe', sa.String(length=80), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('directory_vocabulary')
