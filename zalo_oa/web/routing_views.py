"""The routing page (admins): which unit handles each category, city-wide and per ward."""
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, url_for

from .. import areas, audit
from ..cases import routing
from ..models import Category, Department, RoutingRule
from . import access, forms

bp = Blueprint("routing_views", __name__, url_prefix="/admin/routing")


def _target(name):
    """The target a form chose: routing.WARD_TARGET, a Department, or None ("" = no rule)."""
    value = forms.text(name, 32)
    if value in ("", routing.WARD_TARGET):
        return value or None
    department = Department.get_or_none(Department.id == int(value)) if value.isdigit() else None
    if department is None:
        raise forms.FormError("choice")
    return department


def _category():
    category = Category.get_or_none(Category.id == forms.integer("category"))
    if category is None:
        raise forms.FormError("choice")
    return category


def _describe(target):
    return target if isinstance(target, str) or target is None else target.slug


@bp.get("")
@access.require(access.ADMIN)
def index():
    """The rules: a city-wide target per category, and the wards' own rules."""
    city, ward_rules = routing.table()
    units = list(Department.select().order_by(Department.area_code.is_null(False),
                                              Department.area_code, Department.id))
    province = areas.areas(_province())
    return render_template(
        "dashboard/admin/routing.html", categories=list(Category.listed()), city=city,
        ward_rules=ward_rules, city_units=[u for u in units if u.area_code is None],
        units=units, wards=sorted(province, key=lambda a: a.core),
        ward_names={a.code: a.name for a in province})


def _province():
    return current_app.config["PROVINCE_CODE"]


@bp.post("/city")
@access.require(access.ADMIN)
def set_city_rule():
    """Change where a category goes city-wide (empty: to the category's own unit)."""
    with forms.flashing_errors():
        category, target = _category(), _target("target")
        routing.set_rule(category, None, target)
        audit.record(g.staff, "routing_city", category.slug, unit=_describe(target))
        flash("saved", "ok")
    return redirect(url_for("routing_views.index"))


@bp.post("/wards")
@access.require(access.ADMIN)
def set_ward_rule():
    """Add or change one ward's rule for a category."""
    with forms.flashing_errors():
        category, target = _category(), _target("target")
        ward = forms.choice("area_code", {a.code for a in areas.areas(_province())})
        if target is None:
            raise forms.FormError("required")
        routing.set_rule(category, ward, target)
        audit.record(g.staff, "routing_ward", category.slug, area_code=ward,
                     unit=_describe(target))
        flash("saved", "ok")
    return redirect(url_for("routing_views.index"))


@bp.post("/wards/<int:rule_id>/delete")
@access.require(access.ADMIN)
def delete_ward_rule(rule_id):
    """Drop one ward's rule: the city-wide one applies there again."""
    rule = RoutingRule.get_or_none((RoutingRule.id == rule_id)
                                   & RoutingRule.area_code.is_null(False)) or abort(404)
    routing.set_rule(rule.category, rule.area_code, None)
    audit.record(g.staff, "routing_ward_deleted", rule.category.slug, area_code=rule.area_code)
    flash("saved", "ok")
    return redirect(url_for("routing_views.index"))
