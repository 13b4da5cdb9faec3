"""Database objects that live only in migrations (not in the models' metadata).

Search indexes specific to one database (trigram and bigram GIN indexes and a generated
array column on PostgreSQL, FTS5 tables with their triggers on SQLite) cannot be declared
portably on the models. Migrations create
them; schema comparison (autogenerate, and the test that migrations equal the models)
ignores them by name.
"""
MIGRATION_ONLY_PREFIXES = ("instruments_fts", "ex_bookings_no_overlap", "bookings_no_overlap", "instruments_bigrams", "ix_instruments_search_trgm",
                           "ix_instruments_search_grams", "search_grams")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not (name and name.startswith(MIGRATION_ONLY_PREFIXES))
