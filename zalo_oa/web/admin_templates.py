"""Admin: the texts of the bot's messages (TemplateText overrides), grouped by the moment the
citizen sees them, with plain names and a preview as the Zalo bubble with its buttons."""

import jinja2
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from .. import audit
from ..delivery import admin_texts, messages
from ..models import TemplateText, utcnow
from . import access, message_catalogue

bp = Blueprint("admin_templates", __name__, url_prefix="/admin/templates")

_CASE = {"code": "PA-2611-000123", "category": "Chiếu sáng công cộng", "status": "Đang xử lý",
         "department": "Công ty TNHH MTV Chiếu sáng công cộng TP.HCM", "created_date": "02/11/2026",
         "due_date": "05/11/2026", "name": "Nguyễn Văn An", "number": 1,
         "public_url": "https://phananh.example.vn/p/PA-2611-000123",
         "address": "12 Lê Lợi", "metres": 40, "followers": 2}
SAMPLE = {
    **_CASE, "note": "Đội kỹ thuật đã thay bóng đèn.", "reason": "Ngoài phạm vi thành phố.",
    "target": "PA-2611-000100", "text": "Chúng tôi đã cử người kiểm tra.", "rating": 5,
    "time_left": "còn 5 giờ", "count": 2, "max": 5, "min": 10, "length": 2100,
    "photo_count": 2, "more": 0, "ignored": 0, "has_draft": False, "suggested": [],
    "description": "Đèn đường trước nhà số 12 Lê Lợi bị hỏng", "address": "12 Lê Lợi",
    "latitude": 10.7769, "longitude": 106.7009, "contact_name": "Nguyễn Văn An",
    "contact_phone": "84912345678", "kind": "sticker", "cases": [_CASE],
    "old_due_date": "03/11/2026", "hotline": "113", "urgent": False, "hours": 24,
    "kinds": ["fire"], "numbers": ["114"], "question": "Cây đổ có chắn lối đi không?",
    "choices": ["Chắn hết", "Chắn một phần"], "datatype": "singlevaluelist", "when": "từ hôm qua",
    "step": "photos", "skippable": True,
    "categories": [{"number": 1, "name": "Chiếu sáng công cộng"}], "ward": "Phường Bến Thành",
    "wards": ["Phường Bến Thành", "Phường Sài Gòn"], "mapped": True, "current": "Phường Bến Thành",
    "title": "Cúp nước sáng mai", "body": "Phường Bến Thành cúp nước từ 8 giờ đến 12 giờ.",
    "items": [{"number": 1, "name": "Chiếu sáng công cộng", "on": True}]}


def template_names():
    """The message templates that exist as files (the `_title` parts of cards included)."""
    return sorted(p.stem for p in (messages.TEMPLATE_DIR / messages.DEFAULT_LOCALE).glob("*.txt"))


def _file_body(locale, name):
    path = messages.TEMPLATE_DIR / locale / f"{name}.txt"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _checked(locale, name):
    if locale not in messages.LOCALES or name not in template_names():
        abort(404)


def preview(body, locale, name):
    """(message, error): the Zalo message `body` would make with sample values, as sent: the
    values the code really passes in a sample conversation where there is one."""
    try:
        text = messages.render_string(
            body, {**SAMPLE, **message_catalogue.sample_params(name, locale)}, locale)
    except jinja2.TemplateError as exc:
        return None, str(exc)
    # The buttons as Zalo receives them, built by the same code that sends them.
    return {"text": text, "buttons": message_catalogue.buttons(name, locale),
            "form": message_catalogue.form_of(name, locale)}, None


@bp.get("")
@access.require(access.ADMIN)
def index():
    """Every message, grouped by the moment the citizen sees it, marking those changed."""
    changed = {(t.locale, t.name) for t in TemplateText.select(TemplateText.locale,
                                                                TemplateText.name)}
    names = set(template_names())
    moments = [(moment, [n for n in listed if n in names])
               for moment, listed in message_catalogue.MOMENTS]
    grouped = {n for _, listed in moments for n in listed}
    others = sorted(names - grouped)
    return render_template("dashboard/admin/templates.html", moments=moments, others=others,
                           locales=messages.LOCALES, changed=changed)


@bp.get("/<locale>/<name>")
@access.require(access.ADMIN)
def edit(locale, name):
    """One template's text, with its preview."""
    _checked(locale, name)
    row = TemplateText.get_or_none((TemplateText.locale == locale) & (TemplateText.name == name))
    body = row.body if row else _file_body(locale, name)
    return _page(locale, name, body, row is not None)


def _page(locale, name, body, overridden):
    shown, error = preview(body, locale, name)
    return render_template("dashboard/admin/template_edit.html", locale=locale, name=name,
                           body=body, preview=shown, error=error, overridden=overridden,
                           original=_file_body(locale, name),
                           moment=message_catalogue.moment_of(name),
                           variables=sorted(admin_texts.VARIABLES))


@bp.post("/<locale>/<name>")
@access.require(access.ADMIN)
def save(locale, name):
    """Preview a draft, save it (only if it renders), or go back to the file's text."""
    _checked(locale, name)
    body, action = request.form.get("body", "").replace("\r\n", "\n"), request.form.get("action")
    if action == "reset":
        TemplateText.delete().where((TemplateText.locale == locale)
                                    & (TemplateText.name == name)).execute()
        audit.record(g.staff, "template_reset", f"{locale}/{name}")
    elif action == "save":
        _, error = preview(body, locale, name)
        if error or not body.strip():
            flash("error_template", "error")
            return _page(locale, name, body, True), 400
        (TemplateText.insert(locale=locale, name=name, body=body, updated_at=utcnow())
         .on_conflict(conflict_target=[TemplateText.locale, TemplateText.name],
                      update={TemplateText.body: body, TemplateText.updated_at: utcnow()})
         .execute())
        audit.record(g.staff, "template_save", f"{locale}/{name}")
    else:
        return _page(locale, name, body, True)
    messages.forget_overrides()
    flash("saved", "ok")
    return redirect(url_for("admin_templates.edit", locale=locale, name=name))
