"""pilot sites and reports; coordination requests and their history

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0006'
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('coordination_request',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=True),
    sa.Column('from_org_id', sa.Uuid(), nullable=False),
    sa.Column('sender_id', sa.Uuid(), nullable=False),
    sa.Column('to_org_id', sa.Uuid(), nullable=False),
    sa.Column('current_org_id', sa.Uuid(), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('overdue', sa.Boolean(), nullable=False),
    sa.Column('answer', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('answered_by_id', sa.Uuid(), nullable=True),
    sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('acknowledged_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('workflow_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['current_org_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['from_org_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.ForeignKeyConstraint(['sender_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['to_org_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('coordination_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coordination_request_from_org_id'), ['from_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coordination_request_project_id'), ['project_id'], unique=False)

    op.create_table('pilot_site',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('workflow_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('plan', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('ends_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('missed_in_a_row', sa.Integer(), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('flagged_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('enrolled_by_id', sa.Uuid(), nullable=True),
    sa.Column('enrolled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('completed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['enrolled_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'org_id', name='uq_pilot_site_project_org')
    )
    with op.batch_alter_table('pilot_site', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilot_site_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pilot_site_project_id'), ['project_id'], unique=False)

    op.create_table('coordination_event',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('request_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=True),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['coordination_request.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('coordination_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coordination_event_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coordination_event_request_id'), ['request_id'], unique=False)

    op.create_table('pilot_report',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('task_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.Column('submitted_by_id', sa.Uuid(), nullable=False),
    sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['pilot_site.id'], ),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('task_id')
    )
    with op.batch_alter_table('pilot_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilot_report_site_id'), ['site_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pilot_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilot_report_site_id'))

    op.drop_table('pilot_report')
    with op.batch_alter_table('coordination_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coordination_event_request_id'))
        batch_op.drop_index(batch_op.f('ix_coordination_event_org_id'))

    op.drop_table('coordination_event')
    with op.batch_alter_table('pilot_site', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilot_site_project_id'))
        batch_op.drop_index(batch_op.f('ix_pilot_site_org_id'))

    op.drop_table('pilot_site')
    with op.batch_alter_table('coordination_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coordination_request_project_id'))
        batch_op.drop_index(batch_op.f('ix_coordination_request_from_org_id'))

    op.drop_table('coordination_request')
