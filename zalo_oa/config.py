"""Settings: built-in defaults, then the environment (and `.env`), then a test's overrides."""
import ipaddress
import logging
import os
from pathlib import Path
from urllib.parse import urlsplit

from .timeutil import parse_days, parse_quiet_hours

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Reference data kept in git (categories, departments)...
REFERENCE_DIR = PROJECT_ROOT / "data"
# ...and where this installation keeps its own files (the SQLite database, media, session key).
DATA_DIR = Path(os.environ.get("ZALO_OA_DATA_DIR", REFERENCE_DIR))

log = logging.getLogger(__name__)

SANDBOX_PREFIX = "/sandbox"
DEFAULT_LOCAL_URL = "http://127.0.0.1:5000"

# (setting name, environment variable, default, kind)
SETTINGS = [
    ("DATABASE_URL", "ZALO_OA_DATABASE_URL", f"sqlite:///{DATA_DIR / 'zalo_oa.db'}", str),
    # PostgreSQL connections each process may hold at once (its pool); unused on SQLite.
    ("DB_MAX_CONNECTIONS", "ZALO_OA_DB_MAX_CONNECTIONS", 20, int),
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
    # Lets the sandbox run beside a public URL that is not loopback (never in production).
    ("SANDBOX_ALLOW_PUBLIC", "ZALO_OA_SANDBOX_ALLOW_PUBLIC", False, bool),
    ("PUBLIC_URL", "ZALO_OA_PUBLIC_URL", "", str),
    ("SANDBOX_WEBHOOK_URL", "ZALO_OA_SANDBOX_WEBHOOK_URL", "", str),
    ("OPEN311_JURISDICTION", "ZALO_OA_OPEN311_JURISDICTION", "", str),
    # Map tiles for the staff case page and stats map (and the public map): OpenStreetMap's
    # standard tiles unless set; the attribution their licence asks for goes with them.
    ("MAP_TILE_URL", "ZALO_OA_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
     str),
    ("MAP_ATTRIBUTION", "ZALO_OA_MAP_ATTRIBUTION", "© OpenStreetMap contributors", str),
    # A Nominatim-compatible geocoder (/search, /reverse); empty: none (wards by boundary only).
    ("GEOCODER_URL", "ZALO_OA_GEOCODER_URL", "", str),
    ("GEOCODER_TIMEOUT", "ZALO_OA_GEOCODER_TIMEOUT", 1.5, float),
    # Where typed addresses are looked for (lon1,lat1,lon2,lat2): the city since July 2025.
    ("GEOCODER_VIEWBOX", "ZALO_OA_GEOCODER_VIEWBOX", "106.3,10.3,107.6,11.8", str),
    # Open cases of the same category this close are offered to a citizen before a new one.
    ("NEARBY_METRES", "ZALO_OA_NEARBY_METRES", 150, int),
    # Citizens' photos, audio and video are fetched only from these hosts (https).
    ("MEDIA_HOSTS", "ZALO_OA_MEDIA_HOSTS", "*.zdn.vn,*.zadn.vn", str),
    ("MEDIA_MAX_BYTES", "ZALO_OA_MEDIA_MAX_BYTES", 50 * 1024 * 1024, int),
    # Evidence in an S3-compatible bucket instead of MEDIA_DIR (credentials: AWS_* variables).
    ("MEDIA_S3_BUCKET", "ZALO_OA_MEDIA_S3_BUCKET", "", str),
    ("MEDIA_S3_ENDPOINT", "ZALO_OA_MEDIA_S3_ENDPOINT", "", str),
    # How long a fixed case stays on the public map.
    ("PUBLIC_MAP_DAYS", "ZALO_OA_PUBLIC_MAP_DAYS", 30, int),
    ("CARD_IMAGE_URL", "ZALO_OA_CARD_IMAGE_URL", "", str),
    ("MEDIA_DIR", "ZALO_OA_MEDIA_DIR", str(DATA_DIR / "media"), str),
    ("TIMEZONE", "ZALO_OA_TIMEZONE", "Asia/Ho_Chi_Minh", str),
    # Working-day deadlines skip this country's public holidays ("off" for none) and these
    # extra days off (ISO dates, comma-separated), e.g. the bridge days a Tết decree adds.
    ("HOLIDAYS", "ZALO_OA_HOLIDAYS", "VN", str),
    ("EXTRA_DAYS_OFF", "ZALO_OA_EXTRA_DAYS_OFF", "", str),
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
    # VND per message by cost class, and which class each Zalo quota_type is (editable).
    ("PRICES_FILE", "ZALO_OA_PRICES_FILE", str(REFERENCE_DIR / "prices.json"), str),
    # While Zalo reports a quota or billing problem, one paid send tries again this often.
    ("BILLING_PROBE_SECONDS", "ZALO_OA_BILLING_PROBE_SECONDS", 300, float),
    # Sign every call with appsecret_proof (HMAC-SHA256 of the token with the app secret).
    ("ZALO_APP_SECRET_PROOF", "ZALO_APP_SECRET_PROOF", False, bool),
    # Staff reminders by e-mail when a staff member's Zalo window is closed.
    ("SMTP_HOST", "ZALO_OA_SMTP_HOST", "", str),
    ("SMTP_PORT", "ZALO_OA_SMTP_PORT", 587, int),
    ("SMTP_SECURITY", "ZALO_OA_SMTP_SECURITY", "starttls", str),
    ("SMTP_USER", "ZALO_OA_SMTP_USER", "", str),
    ("SMTP_PASSWORD", "ZALO_OA_SMTP_PASSWORD", "", str),
    ("SMTP_FROM", "ZALO_OA_SMTP_FROM", "", str),
    # Non-urgent pushes wait out the night: "22:00-06:00" (city time), or "off".
    ("QUIET_HOURS", "ZALO_OA_QUIET_HOURS", "22:00-06:00", str),
    ("POLL_SECONDS", "ZALO_OA_POLL_SECONDS", 0.25, float),
    # How often the worker looks for new staff corrections of categories to learn from.
    ("RETRAIN_MINUTES", "ZALO_OA_RETRAIN_MINUTES", 10, float),
    ("WEBHOOK_MAX_BYTES", "ZALO_OA_WEBHOOK_MAX_BYTES", 256 * 1024, int),
    # Replay window: older events are acknowledged but not acted on (Zalo retries ~1 h late).
    ("EVENT_MAX_AGE_HOURS", "ZALO_OA_EVENT_MAX_AGE_HOURS", 24, float),
    # A handler that fails is retried this many times in all (with backoff), then parked.
    ("EVENT_ATTEMPTS", "ZALO_OA_EVENT_ATTEMPTS", 4, int),
    # Threads per worker handling events on PostgreSQL (they wait on the database in turn).
    ("EVENT_THREADS", "ZALO_OA_EVENT_THREADS", 4, int),
    # Messages a citizen gets answered per minute; past it one "please wait", then silence.
    ("CITIZEN_MESSAGES_PER_MINUTE", "ZALO_OA_CITIZEN_MESSAGES_PER_MINUTE", 20, int),
    # Shows /healthz details to monitors that send it (Authorization: Bearer <token>).
    ("HEALTH_TOKEN", "ZALO_OA_HEALTH_TOKEN", "", str),
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
    parse_days(config["EXTRA_DAYS_OFF"])
    if config["SANDBOX"]:
        apply_sandbox_defaults(config)
    return config


class SettingsError(ValueError):
    """Settings the service refuses to start with."""


def is_loopback_url(url):
    """True when `url` names this machine (127.0.0.0/8, ::1 or localhost)."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return False
    if host is None:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def fence_sandbox(config):
    """Refuse the sandbox beside a public URL: it signs events with the configured secret and
    acts as any citizen. SANDBOX_ALLOW_PUBLIC overrides this, loudly."""
    if not config.get("SANDBOX"):
        return
    exposed = [f"{name}={config[name]}" for name in ("PUBLIC_URL", "SANDBOX_WEBHOOK_URL")
               if config.get(name) and not is_loopback_url(config[name])]
    if not exposed:
        return
    if not config.get("SANDBOX_ALLOW_PUBLIC"):
        raise SettingsError(
            f"ZALO_OA_SANDBOX is on but {', '.join(exposed)} is not a loopback address: the "
            "sandbox is for the demo and tests only. Unset ZALO_OA_SANDBOX (or, for a demo "
            "on a private network only, set ZALO_OA_SANDBOX_ALLOW_PUBLIC=1).")
    log.warning("SANDBOX ON BESIDE A PUBLIC URL (%s) because ZALO_OA_SANDBOX_ALLOW_PUBLIC is "
                "set: anyone who reaches this machine's loopback can act as any citizen. "
                "Never run this way in production.", ", ".join(exposed))


def public_base(config):
    """This service's own base URL: PUBLIC_URL, else the local default (never a Host header)."""
    return (config.get("PUBLIC_URL") or DEFAULT_LOCAL_URL).rstrip("/")


def card_image_url(config):
    """The picture on cards that need one (Zalo's request_user_info): a setting, else ours."""
    if config.get("CARD_IMAGE_URL"):
        return config["CARD_IMAGE_URL"]
    return (config.get("PUBLIC_URL") or "").rstrip("/") + "/static/img/contact_card.png"


def map_tiles(config):
    """{"url", "attribution"} of every map's tiles: MAP_TILE_URL (OpenStreetMap's standard tiles
    unless set) and MAP_ATTRIBUTION; "off" for no map."""
    url = (config.get("MAP_TILE_URL") or "").strip()
    return {"url": "" if url.lower() in ("", "off") else url,
            "attribution": config.get("MAP_ATTRIBUTION") or ""}


def sandbox_base(config):
    """The sandbox's URL as this service reaches it over HTTP."""
    return public_base(config) + SANDBOX_PREFIX


def apply_sandbox_defaults(config):
    """Point the three Zalo hosts (and, unless one is set, the geocoder) at the mounted
    sandbox and give it demo credentials."""
    base = sandbox_base(config)
    for key, path in (("ZALO_API_BASE", "openapi"), ("ZALO_OAUTH_BASE", "oauth"),
                      ("ZALO_ZNS_BASE", "zns")):
        config[key] = f"{base}/{path}"
    config["GEOCODER_URL"] = config.get("GEOCODER_URL") or f"{base}/geocoder"
    for key, value in (("ZALO_APP_ID", "sandbox-app"), ("ZALO_OA_ID", "sandbox-oa"),
                       ("ZALO_OA_SECRET_KEY", "sandbox-oa-secret-key"),
                       ("ZALO_APP_SECRET", "sandbox-app-secret")):
        config[key] = config.get(key) or value
