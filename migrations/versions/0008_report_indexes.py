"""covering indexes for the sharing report (usage ledger scan, bookings per instrument)

Revision ID: 0008_report_indexes
Revises: 0007_evaluations
Create Date: 2026-11-22 08:00:00

The sharing report over a year of a province's ledger reads every usage log of the window; with
these indexes both databases read it from one index in the order the report groups by, without
sorting and without visiting the table (bench/ledger_bench.py, BENCHMARKS.md).
"""
from alembic import op


revision = '0008_report_indexes'
down_revision = '0007_evaluations'
branch_labels = None
depends_on = None

REPORT_COLUMNS = ['instrument_id', 'is_external', 'source', 'start', 'end', 'voided', 'purpose', 'fee',
                  'sample_count']


def upgrade():
    op.create_index('ix_usage_logs_report', 'usage_logs', REPORT_COLUMNS, unique=False)
    op.create_index('ix_bookings_instrument_start_status', 'bookings', ['instrument_id', 'start', 'status'],
                    unique=False)
    op.drop_index('ix_bookings_instrument_start', table_name='bookings')


def downgrade():
    op.create_index('ix_bookings_instrument_start', 'bookings', ['instrument_id', 'start'], unique=False)
    op.drop_index('ix_bookings_instrument_start_status', table_name='bookings')
    op.drop_index('ix_usage_logs_report', table_name='usage_logs')
