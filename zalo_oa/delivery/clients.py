"""The Zalo client and the sender a process uses, built from the app's settings."""
from .. import db
from ..zalo import tokens
from ..zalo.client import ZaloClient
from .ratelimit import RateLimiter
from .sender import Sender
from .shared_budget import SharedRateLimiter


def make_client(app, limiter=None):
    """The Zalo client for this app's settings."""
    config = app.config
    return ZaloClient(config["ZALO_API_BASE"],
                      tokens.token_provider(config["ZALO_OA_ACCESS_TOKEN"]),
                      timeout=config["ZALO_HTTP_TIMEOUT"], zns_base=config["ZALO_ZNS_BASE"],
                      on_rate_headers=limiter.observe if limiter else None,
                      pool_size=config["SEND_THREADS"],
                      proof_secret=config["ZALO_APP_SECRET"] if config["ZALO_APP_SECRET_PROOF"]
                      else None)


def make_limiter(app):
    """The send rate limit: on PostgreSQL one budget shared by every worker on the database
    (Zalo's limit is per app); on SQLite, one machine, this process's own."""
    limiter = SharedRateLimiter if db.is_postgres() else RateLimiter
    return limiter(app.config["SEND_RATE_PER_SECOND"])


def make_sender(app):
    """A Sender with its rate limiter and client."""
    limiter = make_limiter(app)
    return Sender(app.config, make_client(app, limiter), limiter)
