"""publishing authorities, number sequences, publications and evaluations

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0005'
down_revision = "0004"
branch_labels = None
depends_on = None

CRITERIA = ("applicability", "economic_benefit", "social_benefit", "coordination")


def upgrade() -> None:
    op.create_table('publishing_authority',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('standard_type', sa.String(length=16), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('standard_type', 'org_id', name='uq_publishing_authority')
    )
    with op.batch_alter_table('publishing_authority', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publishing_authority_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publishing_authority_standard_type'), ['standard_type'], unique=False)

    op.create_table('number_sequence',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('number_format', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number_format', 'org_id', name='uq_number_sequence')
    )
    op.create_table('publication',
    sa.Column('project_id', sa.Uuid(), nullable=False),
    sa.Column('publisher_org_id', sa.Uuid(), nullable=False),
    sa.Column('publication_date', sa.Date(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=True),
    sa.Column('issued_outside', sa.Boolean(), nullable=False),
    sa.Column('approved_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.ForeignKeyConstraint(['publisher_org_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('project_id')
    )
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_publisher_org_id'), ['publisher_org_id'], unique=False)

    op.create_table('evaluation',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=False),
    sa.Column('task_id', sa.Uuid(), nullable=False),
    sa.Column('evaluator_id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    *(sa.Column(name, sa.Integer(), nullable=False) for name in CRITERIA),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('nominate_shanghai_standard', sa.Boolean(), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    *(sa.CheckConstraint(f'{name} BETWEEN 1 AND 5', name=f'ck_evaluation_{name}') for name in CRITERIA),
    sa.ForeignKeyConstraint(['evaluator_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('task_id')
    )
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_project_id'), ['project_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_project_id'))

    op.drop_table('evaluation')
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_publisher_org_id'))

    op.drop_table('publication')
    op.drop_table('number_sequence')
    with op.batch_alter_table('publishing_authority', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publishing_authority_standard_type'))
        batch_op.drop_index(batch_op.f('ix_publishing_authority_org_id'))

    op.drop_table('publishing_authority')
