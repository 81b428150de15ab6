"""Settings: built-in defaults, then the environment (and `.env`), then a test's overrides."""
import os
from pathlib import Path

from .timeutil import parse_quiet_hours

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Reference data kept in git (categories, departments)...
REFERENCE_DIR = PROJECT_ROOT / "data"
# ...and where this installation keeps its own files (the SQLite database, media, session key).
DATA_DIR = Path(os.environ.get("ZALO_OA_DATA_DIR", REFERENCE_DIR))

SANDBOX_PREFIX = "/sandbox"

# (setting name, environment variable, default, kind)
SETTINGS = [
    ("DATABASE_URL", "ZALO_OA_DATABASE_URL", f"sqlite:///{DATA_DIR / 'zalo_oa.db'}", str),
    ("SECRET_KEY", "ZALO_OA_SECRET", None, str),
    ("ZALO_APP_ID", "ZALO_APP_ID", "", str),
    ("ZALO_APP_SECRET", "ZALO_APP_SECRET", "", str),
    ("ZALO_OA_ID", "ZALO_OA_ID", "", str),
    ("ZALO_OA_SECRET_KEY", "ZALO_OA_SECRET_KEY", "", str),
    ("ZALO_OA_ACCESS_TOKEN", "ZALO_OA_ACCESS_TOKEN", "", str),
    ("ZALO_API_BASE", "ZALO_API_BASE", "https://openapi.zalo.me", str),
    ("ZALO_OAUTH_BASE", "ZALO_OAUTH_BASE", "https://oauth.zaloapp.com", str),
    ("ZALO_ZNS_BASE", "ZALO_ZNS_BASE", "https://business.openapi.zalo.me", str),
    ("ZALO_HTTP_TIMEOUT", "ZALO_HTTP_TIMEOUT", 10.0, float),
    ("SANDBOX", "ZALO_OA_SANDBOX", False, bool),
    ("PUBLIC_URL", "ZALO_OA_PUBLIC_URL", "", str),
    ("SANDBOX_WEBHOOK_URL", "ZALO_OA_SANDBOX_WEBHOOK_URL", "", str),
    ("OPEN311_JURISDICTION", "ZALO_OA_OPEN311_JURISDICTION", "", str),
    ("MAP_TILE_URL", "ZALO_OA_MAP_TILE_URL", "", str),
    ("CARD_IMAGE_URL", "ZALO_OA_CARD_IMAGE_URL", "", str),
    ("MEDIA_DIR", "ZALO_OA_MEDIA_DIR", str(DATA_DIR / "media"), str),
    ("TIMEZONE", "ZALO_OA_TIMEZONE", "Asia/Ho_Chi_Minh", str),
    ("DEFAULT_LOCALE", "ZALO_OA_LOCALE", "vi", str),
    ("PROVINCE_CODE", "ZALO_OA_PROVINCE_CODE", 79, int),
    ("CASE_CODE_PREFIX", "ZALO_OA_CASE_PREFIX", "PA", str),
    ("DRAFT_REMIND_MINUTES", "ZALO_OA_DRAFT_REMIND_MINUTES", 30, int),
    ("DRAFT_EXPIRE_HOURS", "ZALO_OA_DRAFT_EXPIRE_HOURS", 24, int),
    ("FIXED_CHECK_HOURS", "ZALO_OA_FIXED_CHECK_HOURS", 24, float),
    ("AUTO_CLOSE_DAYS", "ZALO_OA_AUTO_CLOSE_DAYS", 3, float),
    ("DUE_SOON_HOURS", "ZALO_OA_DUE_SOON_HOURS", 24, float),
    ("ESCALATE_AFTER_HOURS", "ZALO_OA_ESCALATE_AFTER_HOURS", 48, float),
    ("SEND_RATE_PER_SECOND", "ZALO_OA_SEND_RATE_PER_SECOND", 66, int),
    ("SEND_THREADS", "ZALO_OA_SEND_THREADS", 8, int),
    ("SEND_LEASE_SECONDS", "ZALO_OA_SEND_LEASE_SECONDS", 60, int),
    ("SEND_MAX_AGE_HOURS", "ZALO_OA_SEND_MAX_AGE_HOURS", 24, float),
    ("TEMPLATES_FILE", "ZALO_OA_TEMPLATES_FILE", str(REFERENCE_DIR / "zalo_templates.json"), str),
    # Non-urgent pushes wait out the night: "22:00-06:00" (city time), or "off".
    ("QUIET_HOURS", "ZALO_OA_QUIET_HOURS", "22:00-06:00", str),
    ("POLL_SECONDS", "ZALO_OA_POLL_SECONDS", 0.25, float),
    # How often the worker looks for new staff corrections of categories to learn from.
    ("RETRAIN_MINUTES", "ZALO_OA_RETRAIN_MINUTES", 10, float),
    ("WEBHOOK_MAX_BYTES", "ZALO_OA_WEBHOOK_MAX_BYTES", 256 * 1024, int),
    ("LOG_LEVEL", "ZALO_OA_LOG_LEVEL", "INFO", str),
]

_TRUE = {"1", "true", "yes", "on"}


def _convert(raw, kind):
    if kind is bool:
        return raw.strip().lower() in _TRUE
    return kind(raw)


def load_dotenv_file():
    """Read `.env` from the working directory into the environment (the environment wins)."""
    try:
        from dotenv import load_dotenv
    except ImportError:  # pragma: no cover - python-dotenv is an install requirement
        return
    load_dotenv(Path.cwd() / ".env", override=False)


def from_environment(overrides=None):
    """Return the settings dict: defaults, then the environment, then `overrides`."""
    config = {}
    for name, env, default, kind in SETTINGS:
        raw = os.environ.get(env)
        config[name] = default if raw in (None, "") else _convert(raw, kind)
    config.update(overrides or {})
    parse_quiet_hours(config["QUIET_HOURS"])  # a typo fails at start, not at 22:00
    if config["SANDBOX"]:
        apply_sandbox_defaults(config)
    return config


def card_image_url(config):
    """The picture on cards that need one (Zalo's request_user_info): a setting, else ours."""
    if config.get("CARD_IMAGE_URL"):
        return config["CARD_IMAGE_URL"]
    return (config.get("PUBLIC_URL") or "").rstrip("/") + "/static/img/contact_card.png"


def sandbox_base(config):
    """The sandbox's URL as this service reaches it over HTTP."""
    public = (config.get("PUBLIC_URL") or "http://127.0.0.1:5000").rstrip("/")
    return public + SANDBOX_PREFIX


def apply_sandbox_defaults(config):
    """Point the three Zalo hosts at the mounted sandbox and give it demo credentials."""
    base = sandbox_base(config)
    for key, path in (("ZALO_API_BASE", "openapi"), ("ZALO_OAUTH_BASE", "oauth"),
                      ("ZALO_ZNS_BASE", "zns")):
        config[key] = f"{base}/{path}"
    for key, value in (("ZALO_APP_ID", "sandbox-app"), ("ZALO_OA_ID", "sandbox-oa"),
                       ("ZALO_OA_SECRET_KEY", "sandbox-oa-secret-key"),
                       ("ZALO_APP_SECRET", "sandbox-app-secret")):
        config[key] = config.get(key) or value
