"""The OA access token the client sends: stored in the database, else ZALO_OA_ACCESS_TOKEN."""
from ..models import OAToken


def token_provider(fallback=""):
    """A callable returning the current access token (read fresh, so a refresh elsewhere shows)."""

    def current():
        row = OAToken.select(OAToken.access_token).order_by(OAToken.id.desc()).first()
        return row.access_token if row else fallback

    return current
