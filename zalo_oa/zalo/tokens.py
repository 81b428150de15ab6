"""The OA's tokens: kept in the database, obtained with OAuth v4 + PKCE, refreshed under a lock.

The refresh token is single use and rotates, so exactly one process may refresh at a time: the
refresh runs inside the token lock (token_lock.py), re-reads the row there, and commits the new
pair before anyone uses it. A refresh that fails raises an alert and pauses sending until an
admin stores a new token (consent or `zalo-oa token set`); it is never retried in a loop.
"""
import datetime as dt
import functools
import logging
import secrets
import time

from .. import db
from ..errors import Refused
from ..models import Alert, OAToken, OAuthRequest, utcnow
from . import oauth
from .token_lock import locked_token

log = logging.getLogger(__name__)

CALLBACK_PATH = "/zalo/oauth/callback"
ALERT_KIND = "token_refresh_failed"
STATE_LIFETIME = dt.timedelta(minutes=10)
REFRESH_MARGIN = dt.timedelta(hours=2)
# Others wait on the token lock during the call: keep it short, even with its one retry.
MAX_REFRESH_TIMEOUT = 4.0
RETRY_PAUSE_SECONDS = 0.5


class AuthorizationError(Exception):
    """The OAuth callback cannot complete; `status` is the HTTP status to answer with."""

    def __init__(self, reason, status=400):
        super().__init__(reason)
        self.reason = reason
        self.status = status


_CACHE_SECONDS = 5.0
_cached = {"token": None, "read_at": 0.0, "database": None}


def token_provider(fallback=""):
    """A callable returning the current access token.

    Read from the database at most every few seconds: every send asks for it. A refresh in
    this process updates the cache at once; one in another process shows within seconds, and
    the old token stays valid until its own expiry meanwhile.
    """

    def current():
        stale = time.monotonic() - _cached["read_at"] > _CACHE_SECONDS
        if stale or _cached["database"] is not db.database.obj:
            row = OAToken.select(OAToken.access_token).order_by(OAToken.id.desc()).first()
            _remember(row.access_token if row else None)
        return _cached["token"] or fallback

    return current


def current_token():
    """The stored OAToken row (the newest), or None."""
    return OAToken.select().order_by(OAToken.id.desc()).first()


# --- Consent (OAuth v4 with PKCE) ---------------------------------------------------------

def callback_url(config):
    """Where Zalo sends the admin back after consent: PUBLIC_URL + /zalo/oauth/callback."""
    base = (config.get("PUBLIC_URL") or "").rstrip("/")
    if not base:
        raise Refused("public_url_required")
    return base + CALLBACK_PATH


def start_authorization(config):
    """Record a new consent (state + PKCE verifier) and return the permission URL."""
    verifier, state = oauth.new_code_verifier(), secrets.token_urlsafe(24)
    redirect_uri = callback_url(config)
    OAuthRequest.create(state=state, code_verifier=verifier, redirect_uri=redirect_uri)
    return oauth.permission_url(config["ZALO_OAUTH_BASE"], config["ZALO_APP_ID"], redirect_uri,
                                oauth.code_challenge(verifier), state)


def complete_authorization(config, state, code, oa_id):
    """Finish a consent: use up its state, exchange the code, store the pair."""
    request = _claim_state(state)
    expected = config.get("ZALO_OA_ID")
    if expected and oa_id != expected:
        raise AuthorizationError(f"the consent was for OA {oa_id!r}, not {expected!r}")
    if not code:
        raise AuthorizationError("the callback has no code")
    try:
        pair = oauth.exchange_code(config["ZALO_OAUTH_BASE"], config["ZALO_APP_ID"],
                                   config["ZALO_APP_SECRET"], code, request.code_verifier,
                                   timeout=float(config.get("ZALO_HTTP_TIMEOUT", 10.0)))
    except oauth.OAuthError as exc:
        log.warning("OAuth code exchange failed: %s", exc.reason)
        raise AuthorizationError(exc.reason, status=502) from None
    save_pair(pair.access_token, pair.refresh_token, pair.expires_in)
    log.info("OA token stored from an OAuth consent (oa_id %s)", oa_id)


def _claim_state(state):
    """The OAuthRequest for `state`, marked used; AuthorizationError if unknown, used or old."""
    request = OAuthRequest.get_or_none(OAuthRequest.state == state) if state else None
    if request is None:
        raise AuthorizationError("unknown state: start again with `zalo-oa token connect`")
    if request.used_at is not None:
        raise AuthorizationError("this consent link was already used", status=409)
    now = utcnow()
    if now - request.created_at > STATE_LIFETIME:
        raise AuthorizationError("this consent link expired (10 minutes)", status=410)
    # A conditional update, so two callbacks racing with one state cannot both win.
    claimed = (OAuthRequest.update(used_at=now)
               .where((OAuthRequest.id == request.id) & OAuthRequest.used_at.is_null())
               .execute())
    if claimed != 1:
        raise AuthorizationError("this consent link was already used", status=409)
    return request


def save_pair(access_token, refresh_token=None, expires_in=None):
    """Store a new pair (in place of the old one) and resolve the refresh alert."""
    with locked_token() as row, db.write_transaction():
        _store(row, access_token, refresh_token, expires_in)
        resolve_alerts()


def _store(row, access_token, refresh_token, expires_in):
    now = utcnow()
    fields = {"access_token": access_token, "refresh_token": refresh_token, "updated_at": now,
              "expires_at": now + dt.timedelta(seconds=int(expires_in)) if expires_in else None}
    if row is None:
        OAToken.create(**fields)
    else:
        # Updated in place: a PostgreSQL waiter on FOR UPDATE then sees the new pair.
        OAToken.update(**fields).where(OAToken.id == row.id).execute()
    _remember(access_token)


def _remember(access_token):
    _cached.update(token=access_token, read_at=time.monotonic(), database=db.database.obj)


# --- Refresh --------------------------------------------------------------------------------

def refresh_now(config, stale_access_token=None, force=False):
    """Refresh unless another process already replaced `stale_access_token` (default: the
    token stored now); True when a fresh token is stored. Paused sending returns False
    without calling Zalo unless `force` (an admin's explicit retry)."""
    if sending_paused() and not force:
        return False
    if stale_access_token is None:
        row = current_token()
        stale_access_token = row.access_token if row else None
    outcome = _refresh_locked(config, lambda row: row.access_token == stale_access_token)
    return outcome in ("refreshed", "skipped")


def refresh_if_due(config, margin=REFRESH_MARGIN):
    """Refresh when the access token expires within `margin`; True when this call refreshed."""
    if sending_paused():
        return False
    row = current_token()
    if row is None or not _is_due(row, margin):
        return False
    return _refresh_locked(config, lambda locked: _is_due(locked, margin)) == "refreshed"


def _is_due(row, margin):
    return row.expires_at is not None and row.expires_at - utcnow() <= margin


def _refresh_locked(config, still_needed):
    """Refresh inside the lock: 'refreshed', 'skipped' (someone else did) or 'failed'."""
    with locked_token() as row:
        if row is None or not row.refresh_token:
            _record_failure("no refresh token is stored: run `zalo-oa token connect`")
            return "failed"
        if not still_needed(row):
            return "skipped"
        try:
            pair = _refresh_with_one_retry(config, row.refresh_token)
        except oauth.OAuthError as exc:
            log.error("OA token refresh failed; sending paused: %s", exc.reason)
            _record_failure(f"token refresh failed: {exc.reason}")
            return "failed"
        # Committed before the lock is released, so nobody uses (or loses) an unsaved pair.
        with db.write_transaction():
            _store(row, pair.access_token, pair.refresh_token, pair.expires_in)
            resolve_alerts()
    log.info("OA access token refreshed; valid for %s s", pair.expires_in)
    return "refreshed"


def _refresh_with_one_retry(config, refresh_token):
    timeout = min(float(config.get("ZALO_HTTP_TIMEOUT", 10.0)), MAX_REFRESH_TIMEOUT)
    call = functools.partial(oauth.refresh, config["ZALO_OAUTH_BASE"], config["ZALO_APP_ID"],
                             config["ZALO_APP_SECRET"], refresh_token, timeout=timeout)
    try:
        return call()
    except oauth.OAuthNetworkError as exc:
        # One quick retry for a blip; an answer without access_token is never retried.
        log.warning("OA token refresh: %s; retrying once", exc.reason)
        time.sleep(RETRY_PAUSE_SECONDS)
        return call()


# --- Alerts ---------------------------------------------------------------------------------

def _active_alerts():
    return Alert.active().where(Alert.kind == ALERT_KIND)


def _record_failure(reason):
    """Raise the refresh alert (one active at a time, holding the latest reason)."""
    with db.write_transaction():
        active = _active_alerts().first()
        if active is None:
            Alert.create(kind=ALERT_KIND, message=reason)
        else:
            Alert.update(message=reason).where(Alert.id == active.id).execute()


def resolve_alerts():
    """Mark the refresh alert resolved (a new token was stored)."""
    (Alert.update(resolved_at=utcnow())
     .where((Alert.kind == ALERT_KIND) & Alert.resolved_at.is_null()).execute())


def sending_paused():
    """True while a refresh failure is unresolved: messages must wait for an admin."""
    return _active_alerts().exists()


def alerts():
    """Active token alerts as dicts, for /healthz and the dashboard."""
    return [{"kind": a.kind, "message": a.message, "created_at": a.created_at.isoformat() + "Z"}
            for a in _active_alerts()]


def status():
    """Whether a token is stored, when it expires, and the active alerts (no token values)."""
    row = current_token()
    return {"stored": row is not None,
            "has_refresh_token": bool(row and row.refresh_token),
            "expires_at": row.expires_at.isoformat() + "Z" if row and row.expires_at else None,
            "updated_at": row.updated_at.isoformat() + "Z" if row else None,
            "sending_paused": sending_paused(), "alerts": alerts()}
