"""Broadcast pages: compose, audience size (live), preview and split, send or schedule,
pause/resume/cancel, progress and the failure report. Admins and operators only.

Pages take the broadcast as `?id=` (forms as a field), so every route needs no path value.
"""
import datetime as dt

import flask
from flask import Blueprint, abort, g, jsonify, redirect, render_template, request, url_for

from .. import areas
from ..broadcasts import audience, audience_query, channel, choices, service
from ..delivery.clients import make_client
from ..errors import Refused
from ..models import Broadcast, Category, utcnow
from ..text import whole_number
from ..timeutil import to_utc_naive, zone
from ..zalo.errors import ZaloError
from . import access, forms, uploads

bp = Blueprint("broadcast_views", __name__)

BROADCASTERS = ("admin", "operator")
ACTIONS = {"send": service.send_now, "pause": service.pause,
           "resume": service.resume, "cancel": service.cancel}


def _broadcast(value=None):
    found = Broadcast.get_or_none(Broadcast.id == whole_number(
        str(value or request.values.get("id", ""))))
    if found is None:
        abort(404)
    return found


def _words(name, source):
    return [w for w in (source.get(name) or "").replace(",", " ").split() if w]


def _province():
    return flask.current_app.config["PROVINCE_CODE"]


def audience_from(source, files=None):
    """An audience spec from the compose form's fields (or the size endpoint's query); wards
    and topics may be given by name. Raises choices.UnknownChoices for names that match
    nothing."""
    ids = _words("user_ids", source)
    upload = files.get("user_ids_csv") if files else None
    if upload and upload.filename:
        ids += audience.parse_user_ids(upload.read(2_000_000).decode("utf-8", "replace"))
    reported_area = choices.resolve_areas([source.get("reported_area") or ""], _province())
    return audience.normalize({
        "all": source.get("all") in ("1", "on"),
        "areas": choices.resolve_areas(source.getlist("areas"), _province()),
        "topics": choices.resolve_topics(source.getlist("topics"), Category.listed()),
        "user_ids": ids,
        "reported_in": {"category": source.get("reported_category"),
                        "area": reported_area[0] if reported_area else None,
                        "days": source.get("reported_days")}})


def _unknown_text(exc):
    """The names that matched nothing, with what they may have meant, for staff to read."""
    return "; ".join(f"“{u.given}”" + (f" → {', '.join(u.suggestions)}?" if u.suggestions
                                        else "") for u in exc.unknown)


def _fields():
    image_url = forms.text("image_url", 1000)
    upload = request.files.get("image")
    if upload and upload.filename:
        image_url = uploads.save_after_photo(upload)
    kind = request.form.get("button_kind")
    return {"title": forms.text("title", 200), "body": forms.text("body", 2000),
            "image_url": image_url, "emergency": forms.checkbox("emergency"),
            "button": {"kind": kind, "label": forms.text("button_label", 35),
                       "value": forms.text("button_value", 500)},
            "audience": audience_from(request.form, request.files),
            "article_id": forms.text("article_id", 64), "channel": request.form.get("channel")}


@bp.get("/broadcasts")
@access.require(BROADCASTERS)
def index():
    """Recent broadcasts with their status."""
    rows = Broadcast.select().order_by(Broadcast.id.desc()).limit(50)
    return render_template("broadcasts/index.html", broadcasts=rows)


def _form_of(item):
    """The compose form's values from a saved broadcast (or empty for a new one)."""
    if item is None:
        return {"spec": {}, "button": {}}
    return {"id": item.id, "title": item.title, "body": item.body,
            "image_url": item.image_url or "", "button": item.button or {},
            "spec": item.audience or {}, "emergency": item.emergency,
            "article_id": item.article_id or ""}


def _form_posted():
    """The compose form's values as posted, to show them again after a refusal."""
    form = request.form
    return {"id": form.get("id"), "title": form.get("title", ""), "body": form.get("body", ""),
            "image_url": form.get("image_url", ""), "emergency": forms.checkbox("emergency"),
            "article_id": form.get("article_id", ""),
            "button": {"kind": form.get("button_kind"), "label": form.get("button_label", ""),
                       "value": form.get("button_value", "")},
            "spec": {"all": forms.checkbox("all"), "areas": choices.split_names(
                form.getlist("areas")), "topics": form.getlist("topics"),
                "user_ids": _words("user_ids", form),
                "reported_in": {"category": form.get("reported_category"),
                                "area": form.get("reported_area"),
                                "days": form.get("reported_days")}}}


def _compose(form, status=200):
    return render_template("broadcasts/compose.html", form=form, categories=Category.listed(),
                           wards=areas.areas(_province())), status


@bp.get("/broadcasts/compose")
@access.require(BROADCASTERS)
def compose():
    """The compose form: a new draft, or `?id=` to edit one not yet sent."""
    return _compose(_form_of(_broadcast() if request.args.get("id") else None))[0]


@bp.post("/broadcasts/compose")
@access.require(BROADCASTERS)
def save():
    """Save the draft and show its preview; unknown ward or topic names are shown again with
    the names they may have meant."""
    item = _broadcast(request.form.get("id")) if request.form.get("id") else None
    try:
        item = service.save_draft(_fields(), g.staff, item)
    except choices.UnknownChoices as exc:
        forms.flash_error(f"error_unknown_{exc.kind}", names=_unknown_text(exc))
        return _compose(_form_posted(), 400)
    except Refused as refusal:
        forms.flash_refusal(refusal)
        return _compose(_form_posted(), 400)
    return redirect(url_for(".review", id=item.id))


@bp.get("/broadcasts/audience-size")
@access.require(BROADCASTERS)
def audience_size():
    """How many citizens the audience being defined reaches now (JSON, polled as staff type);
    names that match no ward or topic come back with suggestions instead."""
    try:
        spec = audience_from(request.args)
    except choices.UnknownChoices as exc:
        return jsonify(size=None, targeted=False, unknown=[
            {"given": u.given, "suggestions": list(u.suggestions)} for u in exc.unknown])
    return jsonify(size=audience_query.size(spec, utcnow()), targeted=audience.is_targeted(spec),
                   unknown=[])


@bp.get("/broadcasts/review")
@access.require(BROADCASTERS)
def review():
    """Preview in a Zalo bubble, audience size and estimated split; send or schedule."""
    item = _broadcast()
    return render_template("broadcasts/review.html", item=item,
                           message=service.preview(item, g.staff.locale),
                           size=audience_query.size(item.audience, utcnow()),
                           split=service.estimate(item), categories=Category.listed())


def _schedule_time():
    raw = request.form.get("at") or ""
    try:
        local = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise Refused("bad_time") from None
    return to_utc_naive(local.replace(tzinfo=zone()))


@bp.post("/broadcasts/act")
@access.require(BROADCASTERS)
def act():
    """Send now, schedule, pause, resume, cancel, or broadcast the article."""
    item = _broadcast(request.form.get("id"))
    action = request.form.get("action")
    with forms.flashing_errors():
        if action == "schedule":
            service.schedule(item, _schedule_time())
        elif action == "article":
            return _send_article(item)
        elif action in ACTIONS:
            ACTIONS[action](item)
        else:
            abort(400)
    return redirect(url_for(".progress", id=item.id))


def _send_article(item):
    """Zalo's own article broadcast to every follower (a separate channel)."""
    if not item.article_id:
        abort(400)
    try:
        channel.send_article(item, make_client(flask.current_app), utcnow())
    except ZaloError as exc:
        forms.flash_error("error_zalo", code=exc.code, message=exc.message)
        return redirect(url_for(".review", id=item.id))
    return redirect(url_for(".progress", id=item.id))


@bp.get("/broadcasts/progress")
@access.require(BROADCASTERS)
def progress():
    """Live progress while it sends (the page refreshes itself), the report after."""
    item = _broadcast()
    return render_template("broadcasts/progress.html", item=item,
                           report=service.progress(item))


@bp.get("/broadcasts/failures.csv")
@access.require(BROADCASTERS)
def failures():
    """The recipients it failed or skipped, with the reasons, as CSV."""
    item = _broadcast()
    return flask.Response(service.failures_csv(item), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=broadcast-{item.id}-failures.csv"})
