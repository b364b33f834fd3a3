"""one line of revisions: the directory (d001) and the scheduled work (s001) branches merged

Revision ID: 0004
Revises: d001, s001
Create Date: 2026-12-02 01:30:00
"""
from collections.abc import Sequence


revision: str = '0004'
down_revision: str | Sequence[str] | None = ('d001', 's001')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
