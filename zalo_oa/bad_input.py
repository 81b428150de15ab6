"""Input no view can use is refused with a 400 and a log line, never a 500.

PostgreSQL text cannot hold NUL, so a NUL anywhere in the path, the query or a form is refused
before any view runs (the webhook, answered in front of Flask, reads its raw body itself and
cleans it). A value that still
reaches the database and does not fit (a number out of range) is answered 400 too, logged with
its traceback so the view that let it through can be fixed.
"""
import logging

import peewee
from flask import jsonify, request

log = logging.getLogger(__name__)

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(pairs):
    return any("\x00" in key or "\x00" in value for key, value in pairs)


def refuse_nul():
    """Answer 400 when the path, a query argument or a form field holds a NUL."""
    where = None
    if "\x00" in request.path:
        where = "path"
    elif _has_nul(request.args.items(multi=True)):
        where = "query"
    elif request.mimetype in FORM_TYPES and _has_nul(request.form.items(multi=True)):
        where = "form"
    if where is None:
        return None
    log.warning("refused a NUL character in the %s of %s %r from %s", where, request.method,
                request.path[:200], request.remote_addr)
    return jsonify(error=f"the {where} holds a NUL character"), 400


def _unstorable(exc):
    log.error("a value did not fit the database on %s %r (answered 400)", request.method,
              request.path[:200], exc_info=exc)
    return jsonify(error="a value is out of range or not storable"), 400


def init_app(app):
    app.before_request(refuse_nul)
    # peewee.DataError: PostgreSQL's "out of range"; OverflowError: SQLite's "int too large".
    app.register_error_handler(peewee.DataError, _unstorable)
    app.register_error_handler(OverflowError, _unstorable)
