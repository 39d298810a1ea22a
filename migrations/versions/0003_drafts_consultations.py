"""drafts and public consultations

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003'
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('draft_version',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=16), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('original_filename', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('uploaded_by', sa.Uuid(), nullable=False),
    sa.Column('uploaded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.ForeignKeyConstraint(['uploaded_by'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'version', name='uq_draft_version_project_version')
    )
    with op.batch_alter_table('draft_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_version_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_draft_version_sha256'), ['sha256'], unique=False)

    op.create_table('consultation',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=False),
    sa.Column('draft_id', sa.Uuid(), nullable=False),
    sa.Column('opens_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('closes_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('concluded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['draft_id'], ['draft_version.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_project_id'), ['project_id'], unique=False)

    op.create_table('consultation_comment',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('consultation_id', sa.Uuid(), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('clause', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('proposed_change', sa.Text(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('disposition', sa.String(length=24), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('disposed_by', sa.Uuid(), nullable=True),
    sa.Column('disposed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], ),
    sa.ForeignKeyConstraint(['disposed_by'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('consultation_id', 'number', name='uq_consultation_comment_number')
    )
    with op.batch_alter_table('consultation_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_comment_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_comment_project_id'), ['project_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('consultation_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_comment_project_id'))
        batch_op.drop_index(batch_op.f('ix_consultation_comment_consultation_id'))

    op.drop_table('consultation_comment')
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_project_id'))

    op.drop_table('consultation')
    with op.batch_alter_table('draft_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_version_sha256'))
        batch_op.drop_index(batch_op.f('ix_draft_version_project_id'))

    op.drop_table('draft_version')
