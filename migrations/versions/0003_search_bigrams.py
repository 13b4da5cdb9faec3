"""search bigrams (two-character queries) and covering indexes for catalogue filters

Revision ID: 0003_search_bigrams
Revises: 0002_instruments
Create Date: 2026-11-22 03:50:00

Plain ALTER TABLE (no batch mode): rebuilding `instruments` on SQLite would drop the FTS triggers.
"""
import re

import sqlalchemy as sa
from alembic import op

revision = '0003_search_bigrams'
down_revision = '0002_instruments'
branch_labels = None
depends_on = None

WORD_RUN = re.compile(r"\w+")

SQLITE_BIGRAMS = [
    # Word index over search_bigrams (unicode61 keeps each two-character piece as one token).
    "CREATE VIRTUAL TABLE instruments_bigrams USING fts5("
    "search_bigrams, content='instruments', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER instruments_bigrams_ai AFTER INSERT ON instruments BEGIN "
    "INSERT INTO instruments_bigrams(rowid, search_bigrams) VALUES (new.id, new.search_bigrams); END",
    "CREATE TRIGGER instruments_bigrams_ad AFTER DELETE ON instruments BEGIN "
    "INSERT INTO instruments_bigrams(instruments_bigrams, rowid, search_bigrams) "
    "VALUES ('delete', old.id, old.search_bigrams); END",
    "CREATE TRIGGER instruments_bigrams_au AFTER UPDATE OF search_bigrams ON instruments BEGIN "
    "INSERT INTO instruments_bigrams(instruments_bigrams, rowid, search_bigrams) "
    "VALUES ('delete', old.id, old.search_bigrams); "
    "INSERT INTO instruments_bigrams(rowid, search_bigrams) VALUES (new.id, new.search_bigrams); END",
]
POSTGRES_BIGRAMS = [
    # A stored array (not an expression index: rechecks would recompute it for every row).
    "ALTER TABLE instruments ADD COLUMN search_grams text[] "
    "GENERATED ALWAYS AS (string_to_array(search_bigrams, ' ')) STORED",
    "CREATE INDEX ix_instruments_search_grams ON instruments USING gin (search_grams)",
]


def bigrams_of(search_text):
    """As instruments.search.bigrams_of at the time of this migration."""
    grams = {run[i:i + 2] for run in WORD_RUN.findall(search_text or "") for i in range(len(run) - 1)}
    return " ".join(sorted(grams))


def upgrade():
    op.add_column('instruments', sa.Column('search_bigrams', sa.Text(), nullable=False, server_default=''))
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, search_text FROM instruments")).all()
    if rows:
        bind.execute(sa.text("UPDATE instruments SET search_bigrams = :grams WHERE id = :id"),
                     [{"id": r.id, "grams": bigrams_of(r.search_text)} for r in rows])
    op.drop_index('ix_instruments_category', table_name='instruments')
    op.drop_index('ix_instruments_city', table_name='instruments')
    op.drop_index('ix_instruments_status_share', table_name='instruments')
    op.create_index('ix_instruments_category_status', 'instruments', ['category_code', 'status'])
    op.create_index('ix_instruments_city_status', 'instruments', ['city', 'status'])
    op.create_index('ix_instruments_status_share_unit', 'instruments', ['status', 'share_mode', 'unit_id'])
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_BIGRAMS:
            op.execute(statement)
        op.execute("INSERT INTO instruments_bigrams(instruments_bigrams) VALUES ('rebuild')")
    else:
        for statement in POSTGRES_BIGRAMS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in ("instruments_bigrams_ai", "instruments_bigrams_ad", "instruments_bigrams_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS instruments_bigrams")
    else:
        op.execute("DROP INDEX IF EXISTS ix_instruments_search_grams")
        op.execute("ALTER TABLE instruments DROP COLUMN IF EXISTS search_grams")
    op.drop_index('ix_instruments_status_share_unit', table_name='instruments')
    op.drop_index('ix_instruments_city_status', table_name='instruments')
    op.drop_index('ix_instruments_category_status', table_name='instruments')
    op.create_index('ix_instruments_status_share', 'instruments', ['status', 'share_mode'])
    op.create_index('ix_instruments_city', 'instruments', ['city'])
    op.create_index('ix_instruments_category', 'instruments', ['category_code'])
    op.drop_column('instruments', 'search_bigrams')
