"""Dump a database's schema in a stable, comparable text form (SQLite or PostgreSQL)."""


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


