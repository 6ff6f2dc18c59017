"""Settings, read from the environment, typed, failing loudly on a bad value.

Every variable read here is in README.md's Configuration table, with its default; a test
(zhengxing/ops/tests/test_configuration.py) holds the two to the same list.
"""

import datetime as dt
import os
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ZHENGXING_VAR_DIR", BASE_DIR / "var")).resolve()


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "on", "true", "yes"):
        return True
    if value in ("0", "off", "false", "no", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be on or off, not {value!r}")


def envint(name: str, default: str, *, low: int | None = None, high: int | None = None) -> int:
    value = os.environ.get(name, default)
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if (low is not None and number < low) or (high is not None and number > high):
        span = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise ImproperlyConfigured(f"{name} must be {span}, not {number}")
    return number


def envdecimal(name: str, default: str, *, low: Decimal) -> Decimal:
    value = os.environ.get(name, default)
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None
    if not number.is_finite() or number < low:
        raise ImproperlyConfigured(f"{name} must be a number of at least {low}, not {value!r}")
    return number


def envsecret(name: str, filename: str, make: "type[object] | None" = None) -> str:
    """A secret from the environment, else from var/<filename>, created on first run."""
    value = os.environ.get(name)
    if value:
        return value
    path = VAR_DIR / filename
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        if filename == "data_key":
            from cryptography.fernet import Fernet

            generated = Fernet.generate_key().decode()
        else:
            generated = secrets.token_urlsafe(50)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(generated)
    return path.read_text().strip()


DEBUG = envbool("ZHENGXING_DEBUG", "off")
SECRET_KEY = envsecret("ZHENGXING_SECRET_KEY", "secret_key")
DATA_KEYS = [k.strip() for k in envsecret("ZHENGXING_DATA_KEY", "data_key").split(",") if k.strip()]
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "zhengxing.audit",
    "zhengxing.orgs",
    "zhengxing.ledger",
    "zhengxing.stars",
    "zhengxing.ops",
    "zhengxing.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # outermost but one: sees every refusal, including CSRF's and the lockout's
    "zhengxing.audit.middleware.RefusalAuditMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhengxing.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "zhengxing.web.middleware.IdleTimeoutMiddleware",
    "zhengxing.web.security.SecondFactorMiddleware",
    # last: refuses a locked-out address or account before any view runs
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhengxing.urls"
WSGI_APPLICATION = "zhengxing.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'zhengxing.sqlite3'}"
if DATABASE_URL.startswith("sqlite"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE makes a writing transaction
        # take the write lock at BEGIN, so two writers queue instead of failing mid-transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "zhengxing.audit.passwords.CharacterClassesValidator", "OPTIONS": {"classes": 3}},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # counts failures, refuses while locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout (GB/T 22239-2019 level 3): 5 failed logins lock the account, and separately the
# address, for 15 minutes; a successful login clears the account's count.
AXES_FAILURE_LIMIT = envint("ZHENGXING_LOGIN_FAILURES", "5")
AXES_COOLOFF_TIME = dt.timedelta(minutes=envint("ZHENGXING_LOCKOUT_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "zhengxing.web.security.lockout_response"  # JSON under /api/
AXES_VERBOSE = False
# Idle sessions end after 30 minutes (IdleTimeoutMiddleware); the session itself expires with
# the same idle time, and when the browser closes.
ZHENGXING_IDLE_MINUTES = envint("ZHENGXING_IDLE_MINUTES", "30")
# How long the audit log keeps an event before `zhengxing audit prune` may remove it: three years
# by default, never less than six months (a system check refuses a shorter setting).
ZHENGXING_AUDIT_RETENTION_DAYS = envint("ZHENGXING_AUDIT_RETENTION_DAYS", "1095")
SESSION_COOKIE_AGE = ZHENGXING_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# A TOTP second factor for these roles (others may enrol); a password (and code) again within
# this many minutes before sensitive actions (a full ID number, a sign-off, finalising).
ZHENGXING_OTP_ROLES = tuple(
    r for r in os.environ.get("ZHENGXING_OTP_ROLES", "county,township").split(",") if r
)
ZHENGXING_REAUTH_MINUTES = envint("ZHENGXING_REAUTH_MINUTES", "5")
OTP_TOTP_ISSUER = "争星 Zhengxing"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "zhengxing" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
HTTPS = not DEBUG and envbool("ZHENGXING_HTTPS", "on")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    # TLS ends at the reverse proxy, which says so in X-Forwarded-Proto (and must set it itself,
    # never pass a client's own); HSTS then goes out on every https response.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("ZHENGXING_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("ZHENGXING_HSTS_SUBDOMAINS", "on")
# The reverse proxy redirects http to https (see README, Deploying): Django never sees plain
# http in production, so its own redirect (security.W008) is not wanted. Deployments sit on
# government intranets, whose hosts no browser's HSTS preload list can hold (security.W021).
SILENCED_SYSTEM_CHECKS = ["security.W008", "security.W021"]

# Imports larger than this are refused before openpyxl opens them.
ZHENGXING_MAX_UPLOAD_MB = envint("ZHENGXING_MAX_UPLOAD_MB", "50", low=1)
# Low points (约谈提醒): the year's points below which (pro rata by quarter: 15, 30, 45, 60) a
# member is low, and for how many signed quarters in a row before it is long-running.
ZHENGXING_LOW_POINTS_THRESHOLD = envdecimal("ZHENGXING_LOW_POINTS_THRESHOLD", "60", low=Decimal(0))
ZHENGXING_LOW_POINTS_QUARTERS = envint("ZHENGXING_LOW_POINTS_QUARTERS", "2", low=1, high=4)
# How many days the public may object to a posted quarterly notice (公示).
ZHENGXING_OBJECTION_DAYS = envint("ZHENGXING_OBJECTION_DAYS", "7", low=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
