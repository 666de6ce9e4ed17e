"""Django settings for Yingji, read from the environment so one code base runs embedded or scaled out."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("YINGJI_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Use SECRET_KEY from the environment, else one generated once into ./var/ and kept."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "yingji.core",
    "yingji.registry",
    "yingji.hazmat",
    "yingji.monitoring",
    "yingji.notify",
    "yingji.prevention",
    "yingji.worksafety",
    "yingji.command",
    "yingji.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "yingji.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yingji.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "yingji.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yingji.urls"
ASGI_APPLICATION = "yingji.asgi.application"
WSGI_APPLICATION = "yingji.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yingji.core.context_processors.platform",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'yingji.sqlite3'}"), conn_max_age=0
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the server read while the simulators and imports write.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "login"

# Lockout: 5 failed logins per username and address lock the account for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_ENABLED = _env_bool("AXES_ENABLED", True)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]  # vendored libraries and our own css/js live in yingji/static/
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every start when it is missing
# WhiteNoise serves the vendored assets from the package itself: one process, no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# Behind HTTPS (YINGJI_HTTPS=true) cookies are secure and HSTS is sent.
_HTTPS = _env_bool("YINGJI_HTTPS", False)
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_SSL_REDIRECT = _HTTPS and _env_bool("YINGJI_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if _HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
YINGJI_IMPORT_MAX_BYTES = int(os.environ.get("YINGJI_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))

# Map: offline basemap from our own vector layers unless a tile URL is configured (Tianditu or OSM).
YINGJI_TILE_URL = os.environ.get("YINGJI_TILE_URL", "")
YINGJI_TILE_ATTRIBUTION = os.environ.get("YINGJI_TILE_ATTRIBUTION", "")
# The site's public address, so that links in robot, email and SMS notifications open (e.g. https://yj.example.cn).
YINGJI_PUBLIC_URL = os.environ.get("YINGJI_PUBLIC_URL", "")
YINGJI_EVENT_BACKEND = os.environ.get("YINGJI_EVENT_BACKEND", "inprocess")
# Tool e-locks: 64 hex digits seeding the Ed25519 key that signs unlock tokens (else derived from SECRET_KEY).
YINGJI_ELOCK_SEED = os.environ.get("YINGJI_ELOCK_SEED", "")
YINGJI_REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
YINGJI_REQUIRE_ADMIN_2FA = _env_bool("YINGJI_REQUIRE_ADMIN_2FA", True)
# Deadline for each level of government to pass an accident report upward (Decree 493 art. 11: 2 h, verify).
YINGJI_REPORT_ESCALATION_HOURS = float(os.environ.get("YINGJI_REPORT_ESCALATION_HOURS", "2"))
# Evacuation vehicles: the share of a village's residents without their own transport when the village has no
# figure of its own (an assumption, not a statistic — set real per-village shares on AdminArea), and the seats
# of a bus when the registry lists no buses (a 大型客车 seats about 45).
YINGJI_EVACUATION_TRANSPORT_SHARE = float(os.environ.get("YINGJI_EVACUATION_TRANSPORT_SHARE", "0.3"))
YINGJI_EVACUATION_BUS_SEATS = int(os.environ.get("YINGJI_EVACUATION_BUS_SEATS", "45"))
# Monitoring storage (docs/monitoring.md "Retention"): raw readings, 1-minute and 1-hour rollups are kept this long.
YINGJI_RETENTION_RAW_DAYS = int(os.environ.get("YINGJI_RETENTION_RAW_DAYS", "90"))
YINGJI_RETENTION_MINUTE_DAYS = int(os.environ.get("YINGJI_RETENTION_MINUTE_DAYS", "180"))
YINGJI_RETENTION_HOUR_YEARS = int(os.environ.get("YINGJI_RETENTION_HOUR_YEARS", "10"))
# Dead letters (MQTT messages that failed validation) are deleted this long after they were last received.
YINGJI_RETENTION_DEAD_LETTER_DAYS = int(os.environ.get("YINGJI_RETENTION_DEAD_LETTER_DAYS", "30"))
# PostgreSQL: how long an ingestion transaction may hold an uncommitted reading id before rollups read past it.
YINGJI_ROLLUP_SETTLE_SECONDS = float(os.environ.get("YINGJI_ROLLUP_SETTLE_SECONDS", "30"))
# Set by `yingji demo`: every page says the data is fictitious.
YINGJI_DEMO_BANNER = _env_bool("YINGJI_DEMO_BANNER", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
