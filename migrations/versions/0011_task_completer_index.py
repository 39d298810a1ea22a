"""task completer index: the projects a person completed a task of, found without reading every task

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_task_completer", "task", ["completed_by_id", "project_id"])


def downgrade() -> None:
    op.drop_index("ix_task_completer", table_name="task")
