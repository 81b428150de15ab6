"""Access tokens the sandbox issues and accepts, with Zalo's lifetimes and shapes."""
import datetime as dt
import secrets

from ..models import utcnow
from .models import SandboxToken

ACCESS_TOKEN_LIFETIME = 90000  # 25 h, as Zalo's OA access tokens


def issue_token(lifetime_seconds=ACCESS_TOKEN_LIFETIME):
    """Store and return a new token pair in Zalo's shape (`expires_in` is a string)."""
    access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    SandboxToken.create(access_token=access, refresh_token=refresh,
                        expires_at=utcnow() + dt.timedelta(seconds=lifetime_seconds))
    return {"access_token": access, "refresh_token": refresh,
            "expires_in": str(lifetime_seconds)}


def is_valid(access_token):
    """True when `access_token` was issued here, is not revoked and has not expired."""
    if not access_token:
        return False
    return SandboxToken.select().where(
        (SandboxToken.access_token == access_token) & ~SandboxToken.revoked
        & (SandboxToken.expires_at > utcnow())).exists()
