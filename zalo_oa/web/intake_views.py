"""Staff file a case for a caller (1022 hotline) or a walk-in (front desk): the form, its ward
hint as the address is typed, and the case it opens (intake/counter.py)."""
from flask import Blueprint, current_app, g, jsonify, redirect, render_template, request, url_for

from .. import areas
from ..errors import Refused
from ..intake import counter
from ..models import Category
from ..text import normalize_phone
from . import access, forms, uploads

bp = Blueprint("intake_views", __name__)

FILERS = ("admin", "operator")  # the intake centre
MAX_PHOTOS = 5


def _wards():
    return areas.areas(current_app.config["PROVINCE_CODE"])


def _form(values):
    return render_template("dashboard/new_case.html", categories=Category.listed(),
                           wards=_wards(), channels=counter.CHANNELS, values=values)


@bp.get("/cases/new")
@access.require(FILERS)
def new_case():
    """The form for a report taken by phone or at the front desk."""
    return _form({"channel": request.args.get("channel", "hotline")})


@bp.post("/cases/new")
@access.require(FILERS)
def create_case():
    """Open the case; the caller hears of it on Zalo when they agreed."""
    try:
        case, how = counter.file_case(_report(), g.staff)
    except Refused as refusal:
        forms.flash_refusal(refusal)
        return _form(request.form.to_dict()), 400
    forms.done(f"done_case_filed_{how}", code=case.code)
    return redirect(url_for("case_views.case_page", code=case.code))


def _report():
    category = forms.text("category", 64, required=True)
    if not Category.select().where((Category.slug == category) & Category.active).exists():
        raise forms.FormError("choice")
    area = forms.text("area_code", 16) or None
    if area and area not in {w.code for w in _wards()}:
        raise forms.FormError("choice")
    description = forms.text("description", 2000, required=True)
    if len(description) < 10:
        raise forms.FormError("description_short")
    phone = forms.text("phone", 32)
    if phone and normalize_phone(phone) is None:
        raise forms.FormError("bad_phone")  # before any photo is stored
    photos = [f for f in request.files.getlist("photos") if f and f.filename][:MAX_PHOTOS]
    return counter.Report(
        channel=forms.choice("channel", counter.CHANNELS), category=category,
        description=description, address=forms.text("address", 500), area_code=area,
        photos=[uploads.save_report_photo(f) for f in photos],
        name=forms.text("name", 128), phone=phone,
        consent=forms.checkbox("consent"))


@bp.get("/cases/new/place")
@access.require(FILERS)
def place():
    """The wards a typed address names (JSON), for the hint under the address field."""
    found, candidates = counter.lookup_place(request.args.get("address", "")[:500])
    return jsonify(area_code=found.area_code, area_name=found.area_name,
                   candidates=[{"code": a.code, "name": a.name} for a in candidates])
