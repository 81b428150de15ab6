"""The Zalo client and the sender a process uses, built from the app's settings."""
from ..zalo import tokens
from ..zalo.client import ZaloClient
from .ratelimit import RateLimiter
from .sender import Sender


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


def make_sender(app):
    """A Sender with its own rate limiter and client."""
    limiter = RateLimiter(app.config["SEND_RATE_PER_SECOND"])
    return Sender(app.config, make_client(app, limiter), limiter)
