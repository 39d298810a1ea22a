"""expert panels and their seats

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('panel',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=False),
    sa.Column('committee_id', sa.Uuid(), nullable=False),
    sa.Column('workflow_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('formed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('concluded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('result', sa.String(length=24), nullable=True),
    sa.Column('tally', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['committee_id'], ['committee.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('panel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_project_id'), ['project_id'], unique=False)

    op.create_table('panel_member',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('panel_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('conflict_details', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('opinion', sa.String(length=24), nullable=True),
    sa.Column('comments', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('seated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('replaced_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['panel_id'], ['panel.id'], ),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('panel_id', 'user_id', name='uq_panel_member')
    )
    with op.batch_alter_table('panel_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_member_panel_id'), ['panel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_member_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('panel_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_member_user_id'))
        batch_op.drop_index(batch_op.f('ix_panel_member_panel_id'))

    op.drop_table('panel_member')
    with op.batch_alter_table('panel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_project_id'))

    op.drop_table('panel')
