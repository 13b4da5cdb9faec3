"""Catalogue search: substring matching of Chinese and Latin text through the databases' own indexes.

Each instrument keeps ``search_text``: its name, English name, model, manufacturer and specs,
NFKC-normalised (full-width letters and digits become ASCII) and lower-cased. A query is split
on white space and every word must occur as a substring.

- Words of three or more characters: PostgreSQL answers ``LIKE`` through a trigram GIN index
  (pg_trgm); SQLite through an FTS5 table with the trigram tokenizer (a phrase MATCH — a
  ``LIKE`` with ESCAPE would not use that index).
- Two-character words (透射, 电镜, D8, GC — common in Chinese) have no trigram; each instrument
  also keeps ``search_bigrams``, every two-character piece of its text, indexed as words
  (a GIN index on a generated array on PostgreSQL, an FTS5 word index on SQLite).
- Anything else (one character, punctuation) scans ``search_text``.
"""
from __future__ import annotations

import re
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


_WORD_RUN = re.compile(r"\w+")


def bigrams_of(search_text: str) -> str:
    """Every two-character piece of the letters and digits of ``search_text``, once each."""
    grams = {run[i:i + 2] for run in _WORD_RUN.findall(search_text) for i in range(len(run) - 1)}
    return " ".join(sorted(grams))


def _is_bigram_word(word: str) -> bool:
    return len(word) == 2 and _WORD_RUN.fullmatch(word) is not None


def _phrase(word: str) -> str:
    """An FTS5 phrase: the word in double quotes, quotes inside doubled."""
    return '"' + word.replace('"', '""') + '"'


def _ids(sql: str, **params):
    return text(sql).bindparams(**params).columns(column("rowid", Integer))


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def words(query: str) -> list[str]:
    return [w for w in normalise(query).split() if w]


def _word_condition(i: int, word: str, table, dialect: str):
    name = f"w{i}"
    if _is_bigram_word(word):
        if dialect == "sqlite":
            return table.c.id.in_(_ids(f"SELECT rowid FROM instruments_bigrams WHERE instruments_bigrams MATCH :{name}",
                                       **{name: _phrase(word)}))
        # search_grams: a generated array of the bigrams (PostgreSQL only, see migration 0003).
        return text(f"instruments.search_grams @> ARRAY[CAST(:{name} AS text)]").bindparams(**{name: word})
    if len(word) >= 3 and dialect == "sqlite":
        return table.c.id.in_(_ids(f"SELECT rowid FROM instruments_fts WHERE instruments_fts MATCH :{name}",
                                   **{name: _phrase(word)}))
    return table.c.search_text.like(f"%{_escape_like(word)}%", escape="\\")


def match_condition(query: str, instrument_table):
    """A WHERE clause for ``query`` on the instruments table; None when the query is empty."""
    dialect = db.engine.dialect.name
    conditions = [_word_condition(i, word, instrument_table, dialect) for i, word in enumerate(words(query))]
    if not conditions:
        return None
    return db.and_(*conditions)
