"""First-run state for the demo and tests: an OA token the local sandbox issued."""
from ..models import OAToken
from ..zalo.tokens import save_pair
from .tokens import issue_token


def ensure_token():
    """Give the service a working OA token issued by the local sandbox, once."""
    if OAToken.select().exists():
        return
    token = issue_token()
    save_pair(token["access_token"], token.get("refresh_token"), token.get("expires_in"))
