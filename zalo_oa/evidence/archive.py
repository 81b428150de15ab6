"""The archive's work: a row per file a citizen sends (on receipt, in the event's transaction),
fetched by the worker's `media` job with retries, linked to the case's photos, retried by
staff when it failed. Nothing is dropped silently: a row ends stored, or failed with why."""
import datetime as dt
import hashlib
import logging
import secrets

from ..db import database, is_postgres
from ..models import MediaFile, utcnow
from . import fetch, sniff, thumbs
from .store import make_store

log = logging.getLogger(__name__)

# Waits before each retry; after the last, the file is marked failed (staff may retry it).
BACKOFF_SECONDS = (30, 120, 600, 1800, 7200)
LEASE_SECONDS = 120
BATCH = 20


def source_key(url):
    return hashlib.sha256(url.encode()).hexdigest()


def receive(citizen, urls, kind):
    """Queue the files a citizen just sent for archiving (each URL once)."""
    for url in urls:
        MediaFile.insert(citizen=citizen, source_url=url, source_key=source_key(url),
                         kind=kind).on_conflict_ignore().execute()


def media_for(url):
    """The archive row of a file a citizen sent, or None (a URL we never received)."""
    return MediaFile.get_or_none(MediaFile.source_key == source_key(url))


def _claim(now):
    """Lease up to BATCH due rows to this worker."""
    with database.atomic():
        due = (MediaFile.select(MediaFile.id)
               .where((MediaFile.status == "pending") & (MediaFile.due_at <= now)
                      & (MediaFile.claimed_until.is_null() | (MediaFile.claimed_until <= now)))
               .order_by(MediaFile.due_at).limit(BATCH))
        if is_postgres():
            due = due.for_update(skip_locked=True)
        ids = [row.id for row in due]
        if ids:
            MediaFile.update(claimed_until=now + dt.timedelta(seconds=LEASE_SECONDS)).where(
                MediaFile.id.in_(ids)).execute()
    return list(MediaFile.select().where(MediaFile.id.in_(ids))) if ids else []


def run_due(config, now=None):
    """Fetch and store every due file; return how many were handled."""
    rows = _claim(now or utcnow())
    for media in rows:
        try:
            _archive(media, config)
        except fetch.FetchError as exc:
            _failed(media, exc.reason, exc.final)
    return len(rows)


def _archive(media, config):
    limit = sniff.limit(media.kind, config["MEDIA_MAX_BYTES"])
    content = fetch.download(media.source_url, config, limit)
    found = sniff.identify(content)
    if found is None or found[0] != media.kind:
        raise fetch.FetchError(f"not {media.kind}: {found[2] if found else 'unknown type'}",
                               final=True)
    kind, extension, content_type = found
    thumbnail = None
    if kind == "image":
        try:
            thumbnail = thumbs.thumbnail(content)
        except thumbs.NotAnImage as exc:
            raise fetch.FetchError(f"not an image: {exc}", final=True) from None
    store, now = make_store(config), utcnow()
    name = f"{now:%Y/%m}/{secrets.token_urlsafe(16)}"
    store.put(f"{name}.{extension}", content, content_type)
    if thumbnail:
        store.put(f"{name}.thumb.jpg", thumbnail, "image/jpeg")
    MediaFile.update(status="stored", stored_key=f"{name}.{extension}",
                     thumbnail_key=f"{name}.thumb.jpg" if thumbnail else None,
                     content_type=content_type, size=len(content), stored_at=now, error=None,
                     attempts=MediaFile.attempts + 1, claimed_until=None).where(
        MediaFile.id == media.id).execute()
    log.info("media %s stored (%s, %d bytes)", media.id, content_type, len(content))


def _failed(media, reason, final):
    attempts = media.attempts + 1
    gives_up = final or attempts > len(BACKOFF_SECONDS)
    wait = 0 if gives_up else BACKOFF_SECONDS[attempts - 1]
    MediaFile.update(status="failed" if gives_up else "pending", attempts=attempts,
                     error=reason, claimed_until=None,
                     due_at=utcnow() + dt.timedelta(seconds=wait)).where(
        MediaFile.id == media.id).execute()
    log.warning("media %s: %s (%s)", media.id, reason,
                "failed" if gives_up else f"retry in {wait} s")


def retry(media):
    """Staff ask for another try of a file that failed."""
    MediaFile.update(status="pending", due_at=utcnow(), attempts=0, claimed_until=None).where(
        (MediaFile.id == media.id) & (MediaFile.status == "failed")).execute()


def chunks(config, key):
    """Our copy's bytes, in chunks (FileNotFoundError when gone)."""
    return make_store(config).chunks(key)
