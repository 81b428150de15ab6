"""Broadcast pages: compose, audience size (live), preview and split, send or schedule,
pause/resume/cancel, progress and the failure report. Admins and operators only.

Pages take the broadcast as `?id=` (forms as a field), so every route needs no path value.
"""
import datetime as dt

import flask
from flask import Blueprint, abort, g, jsonify, redirect, render_template, request, url_for

from ..broadcasts import audience, audience_query, channel, service
from ..media import UploadError
from ..models import Broadcast, Category, utcnow
from ..timeutil import to_utc_naive, zone
from ..zalo.errors import ZaloError
from . import access, forms, uploads

bp = Blueprint("broadcast_views", __name__)

BROADCASTERS = ("admin", "operator")
ACTIONS = {"send": service.send_now, "pause": service.pause,
           "resume": service.resume, "cancel": service.cancel}


def _broadcast(value=None):
    try:
        return Broadcast.get_by_id(int(value or request.values.get("id", "")))
    except (ValueError, Broadcast.DoesNotExist):
        abort(404)


def _words(name, source):
    return [w for w in (source.get(name) or "").replace(",", " ").split() if w]


def audience_from(source, files=None):
    """An audience spec from the compose form's fields (or the size endpoint's query)."""
    ids = _words("user_ids", source)
    upload = files.get("user_ids_csv") if files else None
    if upload and upload.filename:
        ids += audience.parse_user_ids(upload.read(2_000_000).decode("utf-8", "replace"))
    return audience.normalize({
        "all": source.get("all") in ("1", "on"), "areas": _words("areas", source),
        "topics": source.getlist("topics"), "user_ids": ids,
        "reported_in": {"category": source.get("reported_category"),
                        "area": source.get("reported_area"),
                        "days": source.get("reported_days")}})


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


@bp.get("/broadcasts/compose")
@access.require(BROADCASTERS)
def compose():
    """The compose form: a new draft, or `?id=` to edit one not yet sent."""
    item = _broadcast() if request.args.get("id") else None
    return render_template("broadcasts/compose.html", item=item, categories=Category.listed())


@bp.post("/broadcasts/compose")
@access.require(BROADCASTERS)
def save():
    """Save the draft and show its preview."""
    item = _broadcast(request.form.get("id")) if request.form.get("id") else None
    try:
        item = service.save_draft(_fields(), g.staff, item)
    except (ValueError, UploadError) as exc:
        flask.flash(f"error_{exc}", "error")
        return redirect(url_for(".compose", id=item.id if item else None))
    return redirect(url_for(".review", id=item.id))


@bp.get("/broadcasts/audience-size")
@access.require(BROADCASTERS)
def audience_size():
    """How many citizens the audience being defined reaches now (JSON, polled as staff type)."""
    spec = audience_from(request.args)
    return jsonify(size=audience_query.size(spec, utcnow()), targeted=audience.is_targeted(spec))


@bp.get("/broadcasts/review")
@access.require(BROADCASTERS)
def review():
    """Preview in a Zalo bubble, audience size and estimated split; send or schedule."""
    item = _broadcast()
    return render_template("broadcasts/review.html", item=item,
                           message=service.preview(item, g.staff.locale),
                           size=audience_query.size(item.audience, utcnow()),
                           split=service.estimate(item))


def _schedule_time():
    raw = request.form.get("at") or ""
    try:
        local = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError("bad_time") from None
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
    from ..delivery.clients import make_client

    if not item.article_id:
        abort(400)
    try:
        channel.send_article(item, make_client(flask.current_app), utcnow())
    except ZaloError as exc:
        flask.flash(f"{exc.code}: {exc.message}", "error")
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
