"""Settings, read from the environment (see README "Configuration")."""

import json
import os
import re
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET = "dev-only-insecure-secret-do-not-use-in-production"
DEFAULT_PUSH_HOSTS = ",".join(
    [
        "fcm.googleapis.com",
        "updates.push.services.mozilla.com",
        "push.services.mozilla.com",
        "web.push.apple.com",
        "wns2-par02p.notify.windows.com",
        "notify.windows.com",
    ]
)


# south, west, north, east in degrees (WGS-84): the box around mainland China and its islands.
# Mohe's northern tip (53.56 N), Zengmu Ansha in the South China Sea (3.97 N, so Hainan, the Xisha
# and Nansha islands are in), the Pamirs (73.50 E) and the Heixiazi/Ussuri confluence (135.08 E),
# each with a few km of margin. A sanity check, not a border: a deployment narrows it to its area.
DEFAULT_LOCATION_BOUNDS = (3.5, 73.4, 53.6, 135.1)


def parse_bounds(raw: str) -> tuple[float, float, float, float]:
    """ "south,west,north,east" -> a tuple; a bad setting stops the app at start, not a report."""
    try:
        south, west, north, east = (float(part) for part in raw.split(","))
    except ValueError as error:
        raise RuntimeError(f"LOCATION_BOUNDS must be 'south,west,north,east', not {raw!r}") from error
    if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
        raise RuntimeError(
            f"LOCATION_BOUNDS {raw!r}: needs -90 <= south < north <= 90, -180 <= west < east <= 180"
        )
    return south, west, north, east


def _positive(name: str, default: str, top: float) -> float:
    """A setting that must be a number in (0, top]; a bad one stops the app at start."""
    raw = os.environ.get(name) or default
    try:
        value = float(raw)
    except ValueError as error:
        raise RuntimeError(f"{name} must be a number, not {raw!r}") from error
    if not 0 < value <= top:
        raise RuntimeError(f"{name} {raw!r}: needs 0 < {name} <= {top:g}")
    return value


def _matching(name: str, default: str, pattern: str, what: str) -> str:
    """A setting that must match `pattern` (whole); a bad one stops the app at start."""
    raw = os.environ.get(name, default).strip()
    if not re.fullmatch(pattern, raw):
        raise RuntimeError(f"{name} must be {what}, not {raw!r}")
    return raw


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _default_database_url() -> str:
    path = ROOT / "instance" / "emergency.sqlite3"
    return f"sqlite:///{path}"


class Config:
    ENV_NAME = "development"
    TESTING = False
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET)
    JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY", DEFAULT_SECRET)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _default_database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    PUSH_ALLOWED_HOSTS = [
        h.strip().lower()
        for h in os.environ.get("PUSH_ALLOWED_HOSTS", DEFAULT_PUSH_HOSTS).split(",")
        if h.strip()
    ]
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:ops@example.invalid")

    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    # Per address: a township office, or a carrier's NAT, puts many people behind one address at
    # the start of a shift; the per-username limit is what stops guessing.
    LOGIN_ADDRESS_RATE_LIMIT = os.environ.get("LOGIN_ADDRESS_RATE_LIMIT", "60 per minute")

    # The public shelter check-in: a queue of families behind one shelter's Wi-Fi shares an
    # address, so the per-address limit is generous; the per-shelter one stops a flood.
    SHELTER_CHECKIN_ADDRESS_RATE_LIMIT = os.environ.get("SHELTER_CHECKIN_ADDRESS_RATE_LIMIT", "30 per minute")
    SHELTER_CHECKIN_SHELTER_RATE_LIMIT = os.environ.get(
        "SHELTER_CHECKIN_SHELTER_RATE_LIMIT", "600 per minute"
    )
    # Disaster situation reports: the initial report (初报) is due this many minutes after an
    # event is opened; a village still silent then is told to its information officers, and
    # the township desk this many minutes later.
    DISASTER_INITIAL_DUE_MIN = int(os.environ.get("DISASTER_INITIAL_DUE_MIN", "120"))
    DISASTER_ESCALATE_MIN = int(os.environ.get("DISASTER_ESCALATE_MIN", "30"))
    # Names and phones of evacuees are erased this many days after their shelter closes.
    SHELTER_RETENTION_DAYS = int(os.environ.get("SHELTER_RETENTION_DAYS", "30"))
    # The hazard ledger (台账) export is built in memory: past this many hazards the desk is asked
    # to choose a shorter period or a smaller region.
    LEDGER_MAX_ROWS = int(os.environ.get("LEDGER_MAX_ROWS", "20000"))

    # Tokens: short access, rotating refresh. The PWA keeps them in httpOnly cookies;
    # API clients use the Bearer header.
    JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=int(os.environ.get("JWT_ACCESS_MINUTES", "15")))
    JWT_REFRESH_TOKEN_EXPIRES = timedelta(days=int(os.environ.get("JWT_REFRESH_DAYS", "30")))
    JWT_TOKEN_LOCATION = ["headers", "cookies"]
    JWT_COOKIE_SECURE = _bool("JWT_COOKIE_SECURE", False)
    JWT_COOKIE_SAMESITE = "Strict"
    JWT_COOKIE_CSRF_PROTECT = True
    JWT_ACCESS_COOKIE_PATH = "/api/"
    JWT_REFRESH_COOKIE_PATH = "/api/v1/auth/"
    JWT_SESSION_COOKIE = False
    # A refresh token used again within this many seconds of its rotation is treated as a
    # race between the page and the service worker, not as theft.
    REFRESH_REUSE_GRACE_S = int(os.environ.get("REFRESH_REUSE_GRACE_S", "20"))

    # Memory-hard password hashing (argon2id); RFC 9106's second recommended option.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024
    ARGON2_PARALLELISM = 2

    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    MEDIA_MAX_BYTES = 10 * 1024 * 1024
    # A township's roster (花名册) as XLSX: a few hundred rows are tens of KiB.
    ROSTER_MAX_BYTES = int(os.environ.get("ROSTER_MAX_BYTES", str(2 * 1024 * 1024)))
    # Photos live on disk; with several app machines, put this on shared storage.
    MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(ROOT / "instance" / "media")))
    SYNC_MAX_OPS = 1000
    # Where a reported position may be (README "Configuration"); a point outside is refused.
    LOCATION_BOUNDS = (
        parse_bounds(os.environ["LOCATION_BOUNDS"])
        if os.environ.get("LOCATION_BOUNDS")
        else DEFAULT_LOCATION_BOUNDS
    )
    # Near duplicates (README "Configuration"): an open report of the same category within this
    # distance (metres) and this time (hours, either side of its reported_at) is offered to the
    # desk to merge. A township's hazard sits on a slope or a road: 200 m, three days.
    REPORT_DUPLICATE_RADIUS_M = _positive("REPORT_DUPLICATE_RADIUS_M", "200", 5000)
    REPORT_DUPLICATE_WINDOW_H = _positive("REPORT_DUPLICATE_WINDOW_H", "72", 24 * 90)
    PWA_DIST = Path(os.environ.get("PWA_DIST", str(ROOT / "pwa" / "dist")))
    # Map tiles: any XYZ URL. Positions are stored in WGS-84; tiles drawn in GCJ-02 (Amap,
    # most Chinese maps) need "gcj02" so the app shifts markers onto them; Tianditu is "wgs84".
    MAP_TILE_URL = os.environ.get(
        "MAP_TILE_URL",
        "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
    )
    MAP_TILE_SUBDOMAINS = os.environ.get("MAP_TILE_SUBDOMAINS", "1234")
    MAP_TILE_CRS = os.environ.get("MAP_TILE_CRS", "gcj02").lower()
    MAP_ATTRIBUTION = os.environ.get("MAP_ATTRIBUTION", "© 高德地图 AutoNavi")
    # Delivery: push first, then SMS, then a voice call (contract "SMS and voice").
    SMS_BACKEND = os.environ.get("SMS_BACKEND", "log")
    SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
    VOICE_BACKEND = os.environ.get("VOICE_BACKEND", "log")
    VOICE_GATEWAY_URL = os.environ.get("VOICE_GATEWAY_URL", "")
    # Provider backends (SMS_BACKEND / VOICE_BACKEND = "aliyun" or "tencent"; README "SMS and voice
    # providers"): our template name -> the provider's approved template code, the registered
    # signature (签名), the order of each template's parameters (Tencent takes a list; default:
    # the order they appear in MESSAGE_TEMPLATES), and the longest value a variable may hold
    # (0: the provider's default, Aliyun 35, Tencent 12).
    SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "")
    SMS_TEMPLATE_CODES = json.loads(os.environ.get("SMS_TEMPLATE_CODES_JSON", "{}"))
    VOICE_TEMPLATE_CODES = json.loads(os.environ.get("VOICE_TEMPLATE_CODES_JSON", "{}"))
    TEMPLATE_PARAM_ORDER = json.loads(os.environ.get("TEMPLATE_PARAM_ORDER_JSON", "{}"))
    SMS_PARAM_MAX_CHARS = int(os.environ.get("SMS_PARAM_MAX_CHARS", "0"))
    VOICE_PARAM_MAX_CHARS = int(os.environ.get("VOICE_PARAM_MAX_CHARS", "0"))
    VOICE_CALLER_NUMBER = os.environ.get("VOICE_CALLER_NUMBER", "")  # Aliyun's CalledShowNumber
    VOICE_PLAY_TIMES = int(os.environ.get("VOICE_PLAY_TIMES", "2"))
    ALIYUN_ACCESS_KEY_ID = os.environ.get("ALIYUN_ACCESS_KEY_ID", "")
    ALIYUN_ACCESS_KEY_SECRET = os.environ.get("ALIYUN_ACCESS_KEY_SECRET", "")
    ALIYUN_REGION = os.environ.get("ALIYUN_REGION", "cn-hangzhou")
    ALIYUN_SMS_ENDPOINT = os.environ.get("ALIYUN_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com")
    ALIYUN_VOICE_ENDPOINT = os.environ.get("ALIYUN_VOICE_ENDPOINT", "https://dyvmsapi.aliyuncs.com")
    TENCENT_SECRET_ID = os.environ.get("TENCENT_SECRET_ID", "")
    TENCENT_SECRET_KEY = os.environ.get("TENCENT_SECRET_KEY", "")
    TENCENT_SMS_APP_ID = os.environ.get("TENCENT_SMS_APP_ID", "")
    TENCENT_VOICE_APP_ID = os.environ.get("TENCENT_VOICE_APP_ID", "")
    TENCENT_REGION = os.environ.get("TENCENT_REGION", "ap-guangzhou")
    TENCENT_SMS_ENDPOINT = os.environ.get("TENCENT_SMS_ENDPOINT", "https://sms.tencentcloudapi.com")
    TENCENT_VOICE_ENDPOINT = os.environ.get("TENCENT_VOICE_ENDPOINT", "https://vms.tencentcloudapi.com")
    DELIVERY_WEBHOOK_SECRET = os.environ.get("DELIVERY_WEBHOOK_SECRET", "")
    # The secret part of the callback addresses given to Aliyun/Tencent (they sign nothing):
    # /api/v1/delivery/aliyun/sms-up?token=..., .../aliyun/sms-report, .../tencent/sms-reply
    PROVIDER_CALLBACK_TOKEN = os.environ.get("PROVIDER_CALLBACK_TOKEN", "")
    DELIVERY_SMS_AFTER_S = int(os.environ.get("DELIVERY_SMS_AFTER_S", "60"))
    DELIVERY_VOICE_AFTER_S = int(os.environ.get("DELIVERY_VOICE_AFTER_S", "180"))
    # Providers take only approved templates with a registered signature: one text per template,
    # replaceable per deployment with MESSAGE_TEMPLATES_JSON.
    MESSAGE_TEMPLATES = {
        "dispatch": "【应急通】调度：{title}。集合：{muster}。回复1接受，回复2拒绝。",
        "dispatch_voice": "应急通调度通知。{title}。集合地点：{muster}。接受请按1，拒绝请按2。",
        "alert": "【应急通】{title}：{detail}",
        # Warnings: the link opens the one-tap 收到 page (no login); a reply 1 or a key 1 also counts.
        "warning": "【应急通】{level}预警：{title}。详情及确认：{link} 回复1表示收到。",
        "warning_voice": "应急通预警通知。{level}预警，{title}。收到请按1。",
        "warning_notice": "【应急通】{level}预警：{title}。详情：{link}",
        "warning_notice_voice": "应急通预警通知。{level}预警，{title}。",
        "alert_voice": "应急通提醒。{title}。{detail}。",
        # Residents subscribed to warnings (server/residents): the one-time code, and a warning.
        "resident_code": "【应急通】验证码{code}，{minutes}分钟内有效，用于订阅{area}的预警短信。",
        "resident_warning": "【应急通】{area}{action}{level}{kind}预警：{title}。退订回复TD或打开{stop_url}",
        **json.loads(os.environ.get("MESSAGE_TEMPLATES_JSON", "{}")),
    }
    PUSH_TTL_S = int(os.environ.get("PUSH_TTL_S", "3600"))
    PUSH_PROXY = os.environ.get("PUSH_PROXY", "")
    DELIVERY_CONCURRENCY = int(os.environ.get("DELIVERY_CONCURRENCY", "16"))
    DELIVERY_BATCH = int(os.environ.get("DELIVERY_BATCH", "500"))
    # Residents' warning subscriptions (server/residents): a code lives this many minutes, a
    # number gets at most this many codes an hour and this many wrong tries per code; an address
    # may ask for codes this often (a carrier's NAT puts a village behind one address); a
    # warning's push or SMS to a resident is tried at most this many times.
    RESIDENT_CODE_TTL_MIN = int(os.environ.get("RESIDENT_CODE_TTL_MIN", "10"))
    RESIDENT_CODE_MAX_PER_HOUR = int(os.environ.get("RESIDENT_CODE_MAX_PER_HOUR", "3"))
    RESIDENT_CODE_MAX_TRIES = int(os.environ.get("RESIDENT_CODE_MAX_TRIES", "5"))
    RESIDENT_CODE_ADDRESS_RATE_LIMIT = os.environ.get("RESIDENT_CODE_ADDRESS_RATE_LIMIT", "30 per hour")
    RESIDENT_SEND_TRIES = int(os.environ.get("RESIDENT_SEND_TRIES", "3"))
    RESIDENT_BATCH = int(os.environ.get("RESIDENT_BATCH", "1000"))
    # Members still silent this long after an order: their captain and the desk are told.
    DISPATCH_ESCALATE_S = int(os.environ.get("DISPATCH_ESCALATE_S", "180"))
    # Warnings: every new one a draft that a second person issues (two-person approval); the
    # silent responsible persons reached again after this many minutes, then reported to the desk.
    WARNING_TWO_PERSON = _bool("WARNING_TWO_PERSON", False)
    WARNING_REMIND_AFTER_MIN = int(os.environ.get("WARNING_REMIND_AFTER_MIN", "15"))
    WARNING_REPORT_AFTER_MIN = int(os.environ.get("WARNING_REPORT_AFTER_MIN", "30"))
    # CAP 1.2 (GET /api/v1/warnings/<id>/cap): the sender of every message ('' : the issuing
    # desk's 14-digit unit code, as the identifier begins), the organisation's GB/T 4657 code in
    # that unit code (DDD), and the contact written in each message ('' : none).
    WARNING_CAP_SENDER = _matching(
        "WARNING_CAP_SENDER", "", r"[^\s,<&]{0,120}", "at most 120 characters without spaces, commas, < or &"
    )
    WARNING_CAP_ORG_CODE = _matching("WARNING_CAP_ORG_CODE", "000", r"\d{3}", "3 digits (GB/T 4657)")
    WARNING_CAP_CONTACT = os.environ.get("WARNING_CAP_CONTACT", "").strip()[:200]
    # How long the one-tap link in a warning's SMS (/w/<token>) opens its page, in hours from
    # when the warning was sent to them; an older link shows 链接已过期 (410) and counts nothing.
    WARNING_LINK_TTL_H = int(os.environ.get("WARNING_LINK_TTL_H", "168"))
    # The desk may begin one member's cascade again at most once in this many seconds.
    NOTIFY_AGAIN_AFTER_S = int(os.environ.get("NOTIFY_AGAIN_AFTER_S", "30"))
    RUN_WORKER_IN_PROCESS = _bool("RUN_WORKER_IN_PROCESS", True)
    LOAD_DEMO_DATA_ALLOWED = True
    JSON_AS_ASCII = False


class ProductionConfig(Config):
    ENV_NAME = "production"
    JWT_COOKIE_SECURE = _bool("JWT_COOKIE_SECURE", True)
    LOAD_DEMO_DATA_ALLOWED = False


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret"
    JWT_SECRET_KEY = "test-jwt-secret-that-is-long-enough-for-hs256"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    PUSH_ALLOWED_HOSTS = ["127.0.0.1", "localhost", "fcm.googleapis.com"]
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8 * 1024
    ARGON2_PARALLELISM = 1
    DELIVERY_WEBHOOK_SECRET = "test-webhook-secret"
    RUN_WORKER_IN_PROCESS = False


def config_from_env() -> type[Config]:
    name = os.environ.get("APP_ENV", os.environ.get("FLASK_ENV", "development")).lower()
    return ProductionConfig if name in {"production", "prod"} else Config


def check_production(cfg) -> None:
    """Refuse to run production with a default or missing secret."""
    if cfg.get("ENV_NAME") != "production":
        return
    if not cfg.get("VAPID_PRIVATE_KEY"):
        # Each machine would make its own key, and every subscription would break.
        raise RuntimeError("VAPID_PRIVATE_KEY must be set in production (flask --app wsgi vapid-keys)")
    for kind in ("SMS", "VOICE"):
        if cfg.get(f"{kind}_BACKEND") == "http" and not (
            cfg.get(f"{kind}_GATEWAY_URL") and cfg.get("DELIVERY_WEBHOOK_SECRET")
        ):
            raise RuntimeError(f"{kind}_BACKEND=http needs {kind}_GATEWAY_URL and DELIVERY_WEBHOOK_SECRET")
        _check_provider(cfg, kind)
    token = cfg.get("PROVIDER_CALLBACK_TOKEN") or ""
    if token and len(token) < 32:
        raise RuntimeError("PROVIDER_CALLBACK_TOKEN must be a random value of at least 32 characters")
    for key in ("SECRET_KEY", "JWT_SECRET_KEY"):
        value = cfg.get(key) or ""
        if value == DEFAULT_SECRET or len(value) < 32:
            raise RuntimeError(f"{key} must be set to a random value of at least 32 characters in production")


DELIVERY_BACKENDS = ("log", "http", "aliyun", "tencent")


def _check_provider(cfg, kind: str) -> None:
    """A provider backend needs its credentials, its app id, the signature (SMS) and a template
    code for every template we send, or nothing would ever be delivered."""
    backend = cfg.get(f"{kind}_BACKEND")
    if backend not in DELIVERY_BACKENDS:
        raise RuntimeError(f"{kind}_BACKEND must be one of {', '.join(DELIVERY_BACKENDS)}, not {backend!r}")
    if backend not in ("aliyun", "tencent"):
        return
    if backend == "aliyun":
        needed = ["ALIYUN_ACCESS_KEY_ID", "ALIYUN_ACCESS_KEY_SECRET"]
    else:
        needed = ["TENCENT_SECRET_ID", "TENCENT_SECRET_KEY", f"TENCENT_{kind}_APP_ID"]
    if kind == "SMS":
        needed.append("SMS_SIGN_NAME")
    missing = [key for key in needed if not cfg.get(key)]
    if missing:
        raise RuntimeError(f"{kind}_BACKEND={backend} needs {', '.join(missing)}")
    codes = cfg.get(f"{kind}_TEMPLATE_CODES") or {}
    # A call is made only for a template with a _voice text (residents are never called).
    templates = sorted(
        {
            name.removesuffix("_voice")
            for name in cfg.get("MESSAGE_TEMPLATES") or {}
            if kind == "SMS" or name.endswith("_voice")
        }
    )
    without = [name for name in templates if not isinstance(codes, dict) or not codes.get(name)]
    if without:
        raise RuntimeError(
            f"{kind}_BACKEND={backend} needs {kind}_TEMPLATE_CODES_JSON with the provider's approved "
            f'template code for: {", ".join(without)} (e.g. {{"{without[0]}": "..."}})'
        )
    order = cfg.get("TEMPLATE_PARAM_ORDER") or {}
    if not isinstance(order, dict) or not all(
        isinstance(names, list) and all(isinstance(n, str) for n in names) for names in order.values()
    ):
        raise RuntimeError(
            'TEMPLATE_PARAM_ORDER_JSON must map template names to lists of names: {"dispatch": [...]}'
        )
    endpoint = cfg.get(f"{backend.upper()}_{kind}_ENDPOINT") or ""
    if not endpoint.startswith("https://"):
        raise RuntimeError(f"{backend.upper()}_{kind}_ENDPOINT must be an https:// address in production")
