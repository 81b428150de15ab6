"""The OA access token the client sends: from the database, else the ZALO_OA_ACCESS_TOKEN setting."""
from ..models import OAToken


def token_provider(fallback=""):
    """A callable returning the current access token (read fresh, so a refresh elsewhere shows)."""

    def current():
        row = OAToken.select(OAToken.access_token).order_by(OAToken.id.desc()).first()
        return row.access_token if row else fallback

    return current
