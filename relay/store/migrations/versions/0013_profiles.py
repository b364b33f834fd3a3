"""profiles: partners' kind of structure; directory questions counted by who asked

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 10:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=True),
    sa.Column('commune', sa.String(length=100), nullable=True),
    sa.Column('described_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('platform', 'user_id', name='uq_profile_user')
    )
    op.create_index(op.f('ix_profiles_kind'), 'profiles', ['kind'], unique=False)
    # Questions asked before profiles existed were asked by someone unknown.
    with op.batch_alter_table('directory_queries') as batch:
        batch.add_column(
            sa.Column('asker', sa.String(length=16), nullable=False, server_default='inconnu')
        )
    with op.batch_alter_table('directory_query_months') as batch:
        for column in ('by_professionals', 'by_inhabitants', 'by_unknown'):
            batch.add_column(sa.Column(column, sa.Integer(), nullable=False, server_default='0'))
    op.execute('UPDATE directory_query_months SET by_unknown = questions')


def downgrade() -> None:
    with op.batch_alter_table('directory_query_months') as batch:
        for column in ('by_professionals', 'by_inhabitants', 'by_unknown'):
            batch.drop_column(column)
    with op.batch_alter_table('directory_queries') as batch:
        batch.drop_column('asker')
    op.drop_index(op.f('ix_profiles_kind'), table_name='profiles')
    op.drop_table('profiles')
