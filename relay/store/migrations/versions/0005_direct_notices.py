"""direct notices through the outbox

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('direct_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('chat_kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('link', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('buttons', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('attachment_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('attachment_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('attachment', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('direct_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_direct_notices_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_direct_notices_key'), ['key'], unique=True)

    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_id', sa.Integer(), nullable=True))
        batch_op.alter_column('announcement_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_deliveries_notice_id'), ['notice_id'], unique=False)
        batch_op.create_foreign_key(
            'fk_deliveries_notice_id', 'direct_notices', ['notice_id'], ['id'], ondelete='CASCADE'
        )


def downgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_constraint('fk_deliveries_notice_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_deliveries_notice_id'))
        batch_op.alter_column('announcement_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('notice_id')

    with op.batch_alter_table('direct_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_direct_notices_key'))
        batch_op.drop_index(batch_op.f('ix_direct_notices_address'))

    op.drop_table('direct_notices')
