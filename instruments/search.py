"""Catalogue search: substring matching of Chinese and Latin text through the databases' own indexes.

Each instrument keeps ``search_text``: its name, English name, model, manufacturer and specs,
NFKC-normalised (full-width letters and digits become ASCII) and lower-cased. A query is split
on white space and every word must occur as a substring. PostgreSQL answers ``LIKE`` through a
trigram GIN index (pg_trgm); SQLite through an FTS5 table with the trigram tokenizer, which
serves words of three or more characters (shorter ones scan ``search_text``).
"""
from __future__ import annotations

import unicodedata

from sqlalchemy import Integer, column, text

from sharing.extensions import db

SEARCHED_FIELDS = ("name", "name_en", "model", "manufacturer", "specs")


def normalise(value: str | None) -> str:
    return unicodedata.normalize("NFKC", value or "").lower().strip()


def search_text_of(values) -> str:
    """``values``: an Instrument or a dict of its fields."""
    get = values.get if isinstance(values, dict) else lambda k: getattr(values, k, None)
    return "\n".join(normalise(get(f)) for f in SEARCHED_FIELDS if get(f))


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def words(query: str) -> list[str]:
    return [w for w in normalise(query).split() if w]


def match_condition(query: str, instrument_table):
    """A WHERE clause for ``query`` on the instruments table; None when the query is empty."""
    conditions = []
    sqlite = db.engine.dialect.name == "sqlite"
    for i, word in enumerate(words(query)):
        pattern = f"%{_escape_like(word)}%"
        if sqlite and len(word) >= 3:
            # The FTS5 trigram index answers LIKE on its column; it is synced by triggers.
            conditions.append(
                instrument_table.c.id.in_(
                    text(f"SELECT rowid FROM instruments_fts WHERE search_text LIKE :w{i} ESCAPE '\\'")
                    .bindparams(**{f"w{i}": pattern})
                    .columns(column("rowid", Integer))
                )
            )
        else:
            conditions.append(instrument_table.c.search_text.like(pattern, escape="\\"))
    if not conditions:
        return None
    return db.and_(*conditions)
