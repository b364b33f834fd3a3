"""directory change index: the directory's signature (count, last change) read from an index

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 08:10:00.000000
"""
from collections.abc import Sequence

from alembic import op


revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        'ix_directory_entries_updated_at', 'directory_entries', ['updated_at'], unique=False
    )


def downgrade() -> None:
    op.drop_index('ix_directory_entries_updated_at', table_name='directory_entries')
