"""consent between organisations: a co-drafter takes part once its admins accept, and a role given
to a person of another organisation once they accept; rows already there are accepted and active

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _user(table: str, name: str) -> sa.Column:
    return sa.Column(name, sa.Uuid(), sa.ForeignKey("user_account.id", name=f"fk_{table}_{name}"), nullable=True)


def upgrade() -> None:
    with op.batch_alter_table("project_organisation") as batch:
        batch.add_column(sa.Column("state", sa.String(length=16), nullable=False, server_default="accepted"))
        batch.add_column(_user("project_organisation", "invited_by_id"))
        batch.add_column(sa.Column("invited_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("workflow_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
        batch.add_column(_user("project_organisation", "decided_by_id"))
        batch.add_column(sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("decision_comment", sqlmodel.sql.sqltypes.AutoString(length=20000),
                                   nullable=False, server_default=""))
    with op.batch_alter_table("membership") as batch:
        batch.add_column(sa.Column("state", sa.String(length=16), nullable=False, server_default="active"))
        batch.add_column(_user("membership", "invited_by_id"))


def downgrade() -> None:
    with op.batch_alter_table("membership") as batch:
        batch.drop_column("invited_by_id")
        batch.drop_column("state")
    with op.batch_alter_table("project_organisation") as batch:
        for name in ("decision_comment", "decided_at", "decided_by_id", "workflow_id", "invited_at",
                     "invited_by_id", "state"):
            batch.drop_column(name)
