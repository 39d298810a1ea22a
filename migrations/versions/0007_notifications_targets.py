"""notification outbox and plan targets

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0007'
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notification',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('recipient_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('subject_zh', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('subject_en', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('task_id', sa.Uuid(), nullable=True),
    sa.Column('project_id', sa.Uuid(), nullable=True),
    sa.Column('dedup_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('read_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('send_attempts', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.ForeignKeyConstraint(['recipient_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dedup_key', 'recipient_id', name='uq_notification_dedup')
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_recipient_created', ['recipient_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_task_id'), ['task_id'], unique=False)

    op.create_table('plan_target',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('plan_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('label_zh', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('label_en', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('measure', sa.String(length=64), nullable=False),
    sa.Column('target', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_code', 'key', name='uq_plan_target_key')
    )


def downgrade() -> None:
    op.drop_table('plan_target')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_task_id'))
        batch_op.drop_index(batch_op.f('ix_notification_project_id'))
        batch_op.drop_index('ix_notification_recipient_created')

    op.drop_table('notification')
