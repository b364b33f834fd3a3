"""coordinator pages: sign-in links, sessions and the audit log

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 07:55:18.890333
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)

    op.create_table('coordinator_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('coordinator', sa.String(length=100), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('coordinator_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coordinator_sessions_coordinator'), ['coordinator'], unique=False)
        batch_op.create_index(batch_op.f('ix_coordinator_sessions_expires_at'), ['expires_at'], unique=False)

    op.create_table('sign_in_links',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('coordinator', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('sign_in_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_links_expires_at'), ['expires_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('sign_in_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_links_expires_at'))

    op.drop_table('sign_in_links')
    with op.batch_alter_table('coordinator_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coordinator_sessions_expires_at'))
        batch_op.drop_index(batch_op.f('ix_coordinator_sessions_coordinator'))

    op.drop_table('coordinator_sessions')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
