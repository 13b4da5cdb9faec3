"""evaluations: rubrics (schemes) with versions, manual item values; seeds the preset rubrics

Revision ID: 0007_evaluations
Revises: 0006_ledger
Create Date: 2026-11-24 10:00:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_evaluations'
down_revision = '0006_ledger'
branch_labels = None
depends_on = None


def upgrade():
    schemes = op.create_table('evaluation_schemes',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('preset', sa.Boolean(), nullable=False),
    sa.Column('copied_from', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_schemes'))
    )
    versions = op.create_table('evaluation_scheme_versions',
    sa.Column('scheme_id', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name_zh', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('window_kind', sa.String(length=12), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("level IN ('unit','instrument')", name=op.f('ck_evaluation_scheme_versions_level')),
    sa.CheckConstraint("window_kind IN ('calendar','academic')", name=op.f('ck_evaluation_scheme_versions_window_kind')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_evaluation_scheme_versions_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['scheme_id'], ['evaluation_schemes.id'], name=op.f('fk_evaluation_scheme_versions_scheme_id_evaluation_schemes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('scheme_id', 'version', name=op.f('pk_evaluation_scheme_versions'))
    )
    op.create_table('evaluation_manual_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('subject_kind', sa.String(length=12), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Numeric(precision=16, scale=4), nullable=False),
    sa.Column('entered_by', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("subject_kind IN ('unit','instrument')", name=op.f('ck_evaluation_manual_values_subject_kind')),
    sa.ForeignKeyConstraint(['entered_by'], ['users.id'], name=op.f('fk_evaluation_manual_values_entered_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['scheme_id'], ['evaluation_schemes.id'], name=op.f('fk_evaluation_manual_values_scheme_id_evaluation_schemes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_manual_values')),
    sa.UniqueConstraint('scheme_id', 'year', 'subject_kind', 'subject_id', 'item_id', name='uq_evaluation_manual_values_subject_item')
    )
    with op.batch_alter_table('evaluation_manual_values', schema=None) as batch_op:
        batch_op.create_index('ix_evaluation_manual_values_scheme_year', ['scheme_id', 'year'], unique=False)

    # The shipped rubrics as version 1 (reports/rubric_presets.py is plain data; the app also inserts
    # any that are missing on first use).
    from reports.rubric_presets import PRESETS

    now = datetime.now(timezone.utc)
    op.bulk_insert(schemes, [{"id": p["id"], "version": 1, "preset": True, "copied_from": None, "created_at": now,
                              "updated_at": now} for p in PRESETS])
    op.bulk_insert(versions, [{"scheme_id": p["id"], "version": 1, "name_zh": p["name_zh"], "name_en": p["name_en"],
                               "level": p["level"], "window_kind": p["window_kind"], "definition": p["definition"],
                               "note": "preset", "created_by": None, "created_at": now} for p in PRESETS])


def downgrade():
    with op.batch_alter_table('evaluation_manual_values', schema=None) as batch_op:
        batch_op.drop_index('ix_evaluation_manual_values_scheme_year')

    op.drop_table('evaluation_manual_values')
    op.drop_table('evaluation_scheme_versions')
    op.drop_table('evaluation_schemes')
