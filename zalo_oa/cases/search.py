"""Full-text search over cases' description and address, the same on both engines.

The index lives in the database and is kept current by it (migrations 0010, 0012): on
PostgreSQL a GIN index on `zalo_oa_case_search(description, address)` (a 'simple' tsvector of
unaccented text) and the case id, so the inbox's "newest ids first" is read from the index, on
SQLite the FTS5 table `case_search` (rowid = case id) filled by triggers. Both fold
diacritics, đ and case, so a query is folded the same way here: "den duo" finds "Đèn Đường"
(every word, the last one as a prefix).
"""
import re

from peewee import SQL, Expression, fn

from ..db import is_postgres
from ..models import Case
from ..text import fold

# Names the migration creates; the schema check skips them (they are not peewee models).
FTS_TABLE = "case_search"
PG_FUNCTION = "zalo_oa_case_search"
PG_INDEX = "case_search_recent"  # migration 0012 (0010 made case_search_gin)
MAX_WORDS = 8
_WORD = re.compile(r"[^\W_]+")


def words(q):
    """The folded words of a query, at most MAX_WORDS ("Đèn-đường!" -> ["den", "duong"])."""
    return _WORD.findall(fold(q))[:MAX_WORDS]


def tsquery(terms):
    """A PostgreSQL tsquery: every word, the last as a prefix ("den & duo:*")."""
    return " & ".join([*terms[:-1], f"{terms[-1]}:*"])


def fts5_query(terms):
    """An FTS5 query: every word, the last as a prefix ('"den" "duo"*'); words are alphanumeric,
    so quoting them is enough to keep FTS5 syntax out."""
    return " ".join([f'"{t}"' for t in terms[:-1]] + [f'"{terms[-1]}"*'])


def matches(q):
    """A WHERE term for cases whose description or address hold every word of `q` (None when
    `q` has no words)."""
    terms = words(q)
    if not terms:
        return None
    if is_postgres():
        # The same expression as the index, so PostgreSQL answers from the GIN index.
        vector = fn.zalo_oa_case_search(Case.description, Case.address)
        return Expression(vector, "@@", fn.to_tsquery(SQL("'simple'"), tsquery(terms)))
    found = SQL(f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?)",
                [fts5_query(terms)])
    return Case.id.in_(found)
