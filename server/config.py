"""Settings, read from the environment (see README "Configuration")."""

import json
import os
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
    # Photos live on disk; with several app machines, put this on shared storage.
    MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(ROOT / "instance" / "media")))
    SYNC_MAX_OPS = 1000
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
    DELIVERY_WEBHOOK_SECRET = os.environ.get("DELIVERY_WEBHOOK_SECRET", "")
    DELIVERY_SMS_AFTER_S = int(os.environ.get("DELIVERY_SMS_AFTER_S", "60"))
    DELIVERY_VOICE_AFTER_S = int(os.environ.get("DELIVERY_VOICE_AFTER_S", "180"))
    # Providers take only approved templates with a registered signature: one text per template,
    # replaceable per deployment with MESSAGE_TEMPLATES_JSON.
    MESSAGE_TEMPLATES = {
        "dispatch": "【应急通】调度：{title}。集合：{muster}。回复1接受，回复2拒绝。",
        "dispatch_voice": "应急通调度通知。{title}。集合地点：{muster}。接受请按1，拒绝请按2。",
        "alert": "【应急通】{title}：{detail}",
        "alert_voice": "应急通提醒。{title}。{detail}。",
        **json.loads(os.environ.get("MESSAGE_TEMPLATES_JSON", "{}")),
    }
    PUSH_TTL_S = int(os.environ.get("PUSH_TTL_S", "3600"))
    PUSH_PROXY = os.environ.get("PUSH_PROXY", "")
    DELIVERY_CONCURRENCY = int(os.environ.get("DELIVERY_CONCURRENCY", "16"))
    DELIVERY_BATCH = int(os.environ.get("DELIVERY_BATCH", "500"))
    # Members still silent this long after an order: their captain and the desk are told.
    DISPATCH_ESCALATE_S = int(os.environ.get("DISPATCH_ESCALATE_S", "180"))
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
    for key in ("SECRET_KEY", "JWT_SECRET_KEY"):
        value = cfg.get(key) or ""
        if value == DEFAULT_SECRET or len(value) < 32:
            raise RuntimeError(f"{key} must be set to a random value of at least 32 characters in production")
