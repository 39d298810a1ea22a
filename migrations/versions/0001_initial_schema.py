"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('applied_step',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('workflow_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('applied_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('organisation',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name_zh', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('user_account',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('issuer', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('is_platform_admin', sa.Boolean(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('issuer', 'subject', name='uq_user_issuer_subject'),
    sa.UniqueConstraint('username')
    )
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('actor_label', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('object_type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('object_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hash')
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_project_id'), ['project_id'], unique=False)

    op.create_table('committee',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name_zh', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('committee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_org_id'), ['org_id'], unique=False)

    op.create_table('membership',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'org_id', 'role', name='uq_membership_role')
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_user_id'), ['user_id'], unique=False)

    op.create_table('committee_member',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('committee_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('seat', sa.String(length=16), nullable=False),
    sa.Column('voting', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['committee_id'], ['committee.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('committee_id', 'user_id', name='uq_committee_member')
    )
    with op.batch_alter_table('committee_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_member_committee_id'), ['committee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_committee_member_user_id'), ['user_id'], unique=False)

    op.create_table('project',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('title_zh', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('title_en', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('rationale', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('standard_type', sa.String(length=16), nullable=False),
    sa.Column('domain', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('relation_to_existing', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('known_patents', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('target_completion', sa.Date(), nullable=True),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('lead_org_id', sa.Uuid(), nullable=False),
    sa.Column('proposer_id', sa.Uuid(), nullable=False),
    sa.Column('committee_id', sa.Uuid(), nullable=False),
    sa.Column('workflow_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('return_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('published_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=True),
    sa.Column('shanghai_standard', sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column('revises_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['revises_id'], ['project.id'], ),
    sa.UniqueConstraint('number'),
    sa.ForeignKeyConstraint(['committee_id'], ['committee.id'], ),
    sa.ForeignKeyConstraint(['lead_org_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['proposer_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_committee_id'), ['committee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_domain'), ['domain'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_lead_org_id'), ['lead_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_stage'), ['stage'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_status'), ['status'], unique=False)

    op.create_table('project_organisation',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('part', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'org_id', name='uq_project_organisation')
    )
    with op.batch_alter_table('project_organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_organisation_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_organisation_project_id'), ['project_id'], unique=False)

    op.create_table('task',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=True),
    sa.Column('workflow_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('committee_id', sa.Uuid(), nullable=True),
    sa.Column('assignee_id', sa.Uuid(), nullable=True),
    sa.Column('candidate_org_id', sa.Uuid(), nullable=True),
    sa.Column('candidate_role', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('decision', sa.JSON(), nullable=True),
    sa.Column('outcome', sa.JSON(), nullable=True),
    sa.Column('completed_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('claimed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('completed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['candidate_org_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['committee_id'], ['committee.id'], ),
    sa.ForeignKeyConstraint(['completed_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index('ix_task_assignee_inbox', ['assignee_id', 'state', 'due_at'], unique=False)
        batch_op.create_index('ix_task_candidate_inbox', ['candidate_org_id', 'candidate_role', 'state', 'due_at'], unique=False)
        batch_op.create_index('ix_task_committee_state', ['committee_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_project_id'), ['project_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_project_id'))
        batch_op.drop_index(batch_op.f('ix_task_kind'))
        batch_op.drop_index('ix_task_committee_state')
        batch_op.drop_index('ix_task_candidate_inbox')
        batch_op.drop_index('ix_task_assignee_inbox')

    op.drop_table('task')
    with op.batch_alter_table('project_organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_organisation_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_organisation_org_id'))

    op.drop_table('project_organisation')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_status'))
        batch_op.drop_index(batch_op.f('ix_project_stage'))
        batch_op.drop_index(batch_op.f('ix_project_lead_org_id'))
        batch_op.drop_index(batch_op.f('ix_project_domain'))
        batch_op.drop_index(batch_op.f('ix_project_committee_id'))

    op.drop_table('project')
    with op.batch_alter_table('committee_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_member_user_id'))
        batch_op.drop_index(batch_op.f('ix_committee_member_committee_id'))

    op.drop_table('committee_member')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_user_id'))
        batch_op.drop_index(batch_op.f('ix_membership_org_id'))

    op.drop_table('membership')
    with op.batch_alter_table('committee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_org_id'))

    op.drop_table('committee')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_project_id'))

    op.drop_table('audit_event')
    op.drop_table('user_account')
    op.drop_table('organisation')
    op.drop_table('applied_step')
