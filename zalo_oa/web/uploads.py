"""After photos staff attach when resolving: stored under MEDIA_DIR/after/, served publicly.

Zalo fetches the picture by URL to show it to the citizen, so the route needs no login; the
file names are random, so the URL is the only key.
"""
from flask import Blueprint, send_from_directory

from ..media import media_folder, save_image
from . import access

bp = Blueprint("uploads", __name__)

def save_after_photo(file_storage):
    """Store a photo staff attach when resolving; return its absolute URL."""
    return save_image(file_storage, "after", "uploads.after_photo")


@bp.get("/media/after/<name>")
@access.public
def after_photo(name):
    """An after photo, for Zalo and for the case page."""
    return send_from_directory(media_folder("after"), name, max_age=86400)
