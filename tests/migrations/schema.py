"""Dump a database's schema in a stable, comparable text form (SQLite or PostgreSQL)."""
import re

from zalo_oa.cases import search

# Full-text search is the database's own machinery, not a peewee model (migration 0010): the
# FTS5 table and its shadow tables on SQLite, the GIN expression index on PostgreSQL.
_SEARCH = re.compile(rf"\b({search.FTS_TABLE}(_\w+)?[.(]|index {search.PG_INDEX} )")


def without_search(lines):
    """`lines` of a dump without the full-text search objects, which no model describes."""
    return [line for line in lines if not _SEARCH.search(line)]


def dump(db, skip=()):
    """Sorted lines describing every table's columns, indexes and foreign keys."""
    lines = []
    for table in sorted(db.get_tables()):
        if table in skip:
            continue
        for c in db.get_columns(table):
            lines.append(f"column {table}.{c.name} {c.data_type.lower()} "
                         f"{'null' if c.null else 'not null'}{' pk' if c.primary_key else ''}")
        for i in db.get_indexes(table):
            if i.name.startswith("sqlite_autoindex_") or i.name.endswith("_pkey"):
                kind = "unique" if i.unique else "index"
                lines.append(f"auto {kind} {table}({', '.join(i.columns)})")
                continue
            lines.append(f"index {i.name} on {table}({', '.join(i.columns)})"
                         f"{' unique' if i.unique else ''}")
        for fk in db.get_foreign_keys(table):
            lines.append(f"fk {table}.{fk.column} -> {fk.dest_table}.{fk.dest_column}")
    return sorted(lines)


def diff_without_search(difference):
    """A playhouse SchemaDiff without the search index it reports as "to drop" on PostgreSQL."""
    kept = [i for i in difference.drop_indexes if i.name != search.PG_INDEX]
    return difference._replace(drop_indexes=kept)
