"""Database objects that live only in migrations (not in the models' metadata).

Search indexes specific to one database (a trigram GIN index on PostgreSQL, an FTS5 table
with its triggers on SQLite) cannot be declared portably on the models. Migrations create
them; schema comparison (autogenerate, and the test that migrations equal the models)
ignores them by name.
"""
MIGRATION_ONLY_PREFIXES = ("instruments_fts", "ix_instruments_search_trgm")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not (name and name.startswith(MIGRATION_ONLY_PREFIXES))
