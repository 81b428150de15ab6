"""The shareable public page of a case: status, timeline and photos, no personal data.

Citizens get its link in their confirmation and status messages; the press may open it too.
"""
from flask import Blueprint, abort, render_template

from ..models import Case, CasePhoto, TimelineEntry
from . import access

bp = Blueprint("public", __name__)


def public_case(code):
    """The case with this code if its citizen let it be public, else 404."""
    case = Case.get_or_none((Case.code == code) & Case.is_public)
    if case is None:
        abort(404)
    return case


def public_steps(case):
    """The case's story as (time, status) steps: no staff names, no message texts."""
    entries = (TimelineEntry.select()
               .where((TimelineEntry.case == case) & TimelineEntry.kind.in_(("created", "status")))
               .order_by(TimelineEntry.created_at, TimelineEntry.id))
    return [(e.created_at, "new" if e.kind == "created" else (e.data or {}).get("to"))
            for e in entries]


@bp.get("/p/<code>")
@access.public
def case_page(code):
    """One case as anyone may see it."""
    case = public_case(code)
    photos = list(CasePhoto.select().where(CasePhoto.case == case).order_by(CasePhoto.id))
    return render_template("public/case.html", case=case, steps=public_steps(case),
                           photos=[p for p in photos if p.kind != "after"],
                           after_photos=[p for p in photos if p.kind == "after"])
