"""The staff password policy: long enough, not a common password, not the username.

One check for every place a password is set: `zalo-oa staff create` and `reset-password`, the
admin's staff pages, and the change-password page. Refusals name an i18n label that tells staff
what to do.
"""
import re
from functools import cache

from ..config import REFERENCE_DIR

MIN_LENGTH = 10
COMMON_FILE = REFERENCE_DIR / "common_passwords.txt"
# Digits and punctuation people tack onto a common word ("password2024!").
_DECORATION = re.compile(r"[\d\W_]+$")


@cache
def common_passwords():
    """The refused passwords (data/common_passwords.txt), lower case."""
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def problem(password, username=None):
    """The refusal code saying why `password` is refused (label `error_<code>`), or None."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return "password_short"
    folded = password.lower()
    stem = _DECORATION.sub("", folded)
    if folded in common_passwords() or (len(stem) >= 4 and stem in common_passwords()):
        return "password_common"
    if len(set(folded)) <= 2:
        return "password_common"
    if username and len(username) >= 3 and username.lower() in folded:
        return "password_username"
    return None

