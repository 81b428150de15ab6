"""Photos staff upload: after photos attached when resolving (MEDIA_DIR/after/) and photos of
a report taken by phone or at the front desk (MEDIA_DIR/reports/), served publicly.

Zalo fetches the picture by URL to show it to the citizen, so the routes need no login; the
file names are random, so the URL is the only key.
"""
from flask import Blueprint, send_from_directory

from ..media import media_folder, save_image
from . import access

bp = Blueprint("uploads", __name__)

def save_after_photo(file_storage):
    """Store a photo staff attach when resolving; return its absolute URL."""
    return save_image(file_storage, "after", "uploads.after_photo")


def save_report_photo(file_storage):
    """Store a photo of a report staff file for a caller; return its absolute URL."""
    return save_image(file_storage, "reports", "uploads.report_photo")


@bp.get("/media/reports/<name>")
@access.public
def report_photo(name):
    """A photo of a report staff filed, for the case pages."""
    return send_from_directory(media_folder("reports"), name, max_age=86400)


@bp.get("/media/after/<name>")
@access.public
def after_photo(name):
    """An after photo, for Zalo and for the case page."""
    return send_from_directory(media_folder("after"), name, max_age=86400)
