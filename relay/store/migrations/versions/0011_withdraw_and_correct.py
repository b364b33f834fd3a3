"""broadcasts withdrawn and corrected after their send: revisions of an announcement

Each correction or withdrawal is a revision (announcement_changes) with one delivery row per
chat the send reached, so a chat's rows are unique per announcement *and* revision. Existing
rows are sends (operation 'send', revision 0).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 02:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPORT_COLUMNS = ['announcement_id', 'status', 'platform', 'subscriber_id']


def upgrade() -> None:
    op.create_table('announcement_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('operation', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('author', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('origin_platform', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('origin_address', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('summarised_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('announcement_id', 'revision', name='uq_announcement_change')
    )
    with op.batch_alter_table('announcement_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_changes_author'), ['author'], unique=False)

    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'operation', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False,
            server_default='send',
        ))
        batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=False, server_default='0'))
        batch_op.drop_index('ix_deliveries_report')
        batch_op.create_index('ix_deliveries_report', [*REPORT_COLUMNS, 'revision'], unique=False)
        batch_op.drop_constraint('uq_delivery', type_='unique')
        batch_op.create_unique_constraint(
            'uq_delivery', ['announcement_id', 'subscriber_id', 'revision']
        )


def downgrade() -> None:
    # The corrections' and withdrawals' rows go; the sends stay.
    op.execute("DELETE FROM deliveries WHERE revision > 0")
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_constraint('uq_delivery', type_='unique')
        batch_op.create_unique_constraint('uq_delivery', ['announcement_id', 'subscriber_id'])
        batch_op.drop_index('ix_deliveries_report')
        batch_op.create_index('ix_deliveries_report', REPORT_COLUMNS, unique=False)
        batch_op.drop_column('revision')
        batch_op.drop_column('operation')

    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('revision')

    with op.batch_alter_table('announcement_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_changes_author'))

    op.drop_table('announcement_changes')
