"""Settings, read from the environment, typed, failing loudly on a bad value.

Every variable read here is in README.md's Configuration table, with its default; a test
(zhengxing/ops/tests/test_configuration.py) holds the two to the same list.
"""

import base64
import datetime as dt
import hashlib
import importlib.util
import ipaddress
import os
import secrets
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

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


def envnetworks(name: str, default: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Comma-separated addresses or CIDR ranges (10.0.0.0/8, ::1)."""
    out = []
    for part in os.environ.get(name, default).split(","):
        if part.strip():
            try:
                out.append(ipaddress.ip_network(part.strip(), strict=False))
            except ValueError:
                raise ImproperlyConfigured(
                    f"{name} must list addresses or CIDR ranges, not {part.strip()!r}"
                ) from None
    return out


def envsecret(name: str, filename: str, generate: Callable[[], str] | None = None) -> str:
    """A secret from the environment, else from var/<filename>, created on first run (by
    `generate`, else random)."""
    value = os.environ.get(name)
    if value:
        return value
    path = VAR_DIR / filename
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        generated = generate() if generate is not None else secrets.token_urlsafe(50)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process starting at the same moment wrote it
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(generated)
    return path.read_text().strip()


def new_data_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def new_anchor_key() -> str:
    """An Ed25519 private key's 32 raw bytes, urlsafe base64: the key that signs the counties'
    tree heads (`zhengxing/integrity/keys.py`)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return base64.urlsafe_b64encode(Ed25519PrivateKey.generate().private_bytes_raw()).decode()


def lookup_key_of(data_key: str) -> str:
    """The lookup key a deployment used before it had its own: derived from its oldest data key,
    so the ID numbers' lookup hashes it already holds keep matching (32 bytes, urlsafe base64)."""
    digest = hashlib.sha256(b"zhengxing blind index\0" + data_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


DEBUG = envbool("ZHENGXING_DEBUG", "off")
SECRET_KEY = envsecret("ZHENGXING_SECRET_KEY", "secret_key")
DATA_KEYS = [
    k.strip()
    for k in envsecret("ZHENGXING_DATA_KEY", "data_key", new_data_key).split(",")
    if k.strip()
]
# The key of the ID numbers' lookup hashes (HMAC-SHA256), apart from the data keys so that every
# data key can be retired. Created on first run from the oldest data key: the hashes an existing
# deployment holds keep matching. `zhengxing rekey` recomputes them after it changes.
LOOKUP_KEY = envsecret("ZHENGXING_LOOKUP_KEY", "lookup_key", lambda: lookup_key_of(DATA_KEYS[-1]))
# The Ed25519 key that signs each county's tree of signed quarters (integrity): kept outside the
# database like the data key, so that whoever rewrites the database cannot sign a new head.
ANCHOR_KEY = envsecret("ZHENGXING_ANCHOR_KEY", "anchor_key", new_anchor_key)
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
    # django-ninja's own static files: the API docs (/api/v1/docs) are served from the site,
    # not from a CDN (which the Content-Security-Policy refuses, and an intranet may not reach)
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "zhengxing.audit",
    "zhengxing.accounts",
    "zhengxing.orgs",
    "zhengxing.jobs",
    "zhengxing.ledger",
    "zhengxing.stars",
    "zhengxing.orglife",
    "zhengxing.mobility",
    "zhengxing.grid",
    "zhengxing.deliberation",
    "zhengxing.contests",
    "zhengxing.dutyreports",
    "zhengxing.integrity",
    "zhengxing.targets",
    "zhengxing.ops",
    "zhengxing.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response (refusals included)
    "zhengxing.web.middleware.SecurityHeadersMiddleware",
    # outermost but one: sees every refusal, including CSRF's and the lockout's
    "zhengxing.audit.middleware.RefusalAuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # the public's vote (issue 23: 1,000 a second) answered here, past only what is above:
    # no session, user, CSRF (exempt), language or URL resolver (contests/public_vote.py)
    "zhengxing.contests.public_vote.PublicVoteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhengxing.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "zhengxing.accounts.sessions.IdleTimeoutMiddleware",
    "zhengxing.accounts.second_factor.SecondFactorMiddleware",
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
    # Connections are kept (CONN_MAX_AGE above) on SQLite too: a new connection parses the whole
    # schema (some 600 tables and indexes) at its first statement: 10 ms measured here at a load
    # of 12, per request, the most of what a sign-in cost (bench/README.md, "Meetings").
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

# The counters every worker shares (the public's writes per address): a table in the
# database by default (created by `migrate`), so no other server is needed; Redis when
# ZHENGXING_CACHE_URL names one (redis://host:6379/0; needs the `redis` package).
CACHE_URL = os.environ.get("ZHENGXING_CACHE_URL", "").strip()
CACHES: dict[str, dict[str, Any]]
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    if importlib.util.find_spec("redis") is None:
        raise ImproperlyConfigured(
            "ZHENGXING_CACHE_URL names Redis: install its client first (uv pip install redis)"
        )
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
elif CACHE_URL in ("", "db", "database"):
    CACHES = {
        "default": {
            "BACKEND": "zhengxing.audit.cache.DatabaseCache",
            "LOCATION": "zhengxing_cache",
            # a counter per address and window: room for many, expired ones culled first
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
else:
    raise ImproperlyConfigured(f"ZHENGXING_CACHE_URL must be redis://… or empty, not {CACHE_URL!r}")

# Background jobs (zhengxing/jobs): django-tasks (Django 6's django.tasks, backported) with its
# database backend: the queue is a table in the same database, run by `zhengxing worker`; no
# other server. Tests run them at once, in the test's process (zhengxing/conftest.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "zhengxing.accounts.passwords.CharacterClassesValidator", "OPTIONS": {"classes": 3}},
]
AUTHENTICATION_BACKENDS = [
    "zhengxing.accounts.lockout.LockoutBackend",  # django-axes': refuses while locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout (GB/T 22239-2019 level 3): 5 failed logins lock the account (from whatever address)
# for 15 minutes; 50 lock the address they came from (a script trying many names), so failures
# for made-up names from a shared address never lock a real user out. A successful login clears
# the account's count. The counts are rows in the database, which every worker sees.
AXES_FAILURE_LIMIT = envint("ZHENGXING_LOGIN_FAILURES", "5")
ZHENGXING_ADDRESS_FAILURES = envint("ZHENGXING_ADDRESS_FAILURES", "50")
AXES_COOLOFF_TIME = dt.timedelta(minutes=envint("ZHENGXING_LOCKOUT_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "zhengxing.accounts.lockout.AccountLockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "zhengxing.accounts.lockout.lockout_response"  # JSON under /api/
# The client's address: the peer's, or, when the peer is one of these proxies (addresses or
# CIDR ranges; none by default), the rightmost untrusted address of X-Forwarded-For. One
# function (zhengxing.core.addresses.client_ip) for the lockout, the audit log and throttles.
ZHENGXING_TRUSTED_PROXIES = envnetworks("ZHENGXING_TRUSTED_PROXIES", "")
AXES_CLIENT_IP_CALLABLE = "zhengxing.core.addresses.client_ip"
# The public's writes (reports, objections, ballots; pages and API alike) per address.
ZHENGXING_PUBLIC_PER_MINUTE = envint("ZHENGXING_PUBLIC_PER_MINUTE", "20")
ZHENGXING_PUBLIC_PER_DAY = envint("ZHENGXING_PUBLIC_PER_DAY", "500")
# A contest's public votes (pages and API alike): per address (a village's shared connection
# votes through it, so higher than the public's other writes) and per voter code, a minute each.
ZHENGXING_CONTEST_VOTES_PER_ADDRESS = envint("ZHENGXING_CONTEST_VOTES_PER_ADDRESS", "120", low=1)
ZHENGXING_CONTEST_VOTES_PER_CODE = envint("ZHENGXING_CONTEST_VOTES_PER_CODE", "20", low=1)
AXES_VERBOSE = False
# Idle sessions end after 30 minutes (IdleTimeoutMiddleware); the session itself expires with
# the same idle time, and when the browser closes.
ZHENGXING_IDLE_MINUTES = envint("ZHENGXING_IDLE_MINUTES", "30")
# How long the audit log keeps an event before `zhengxing audit prune` may remove it: three years
# by default, never less than six months (a system check refuses a shorter setting).
ZHENGXING_AUDIT_RETENTION_DAYS = envint("ZHENGXING_AUDIT_RETENTION_DAYS", "1095")
# an evaluation's average is shown only from this many ballots: fewer would show one rater's score
ZHENGXING_MIN_BALLOTS = envint("ZHENGXING_MIN_BALLOTS", "3")
# API bearer tokens: good for this many hours from their issue (and, like a session, only while
# used within ZHENGXING_IDLE_MINUTES); revoked by POST /api/v1/auth/token/revoke, on a password
# change and when the account is disabled.
ZHENGXING_TOKEN_HOURS = envint("ZHENGXING_TOKEN_HOURS", "8")
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

# Imports larger than this are refused before openpyxl opens them; so is evidence uploaded
# through the API (POST /api/v1/points/evidence).
ZHENGXING_MAX_UPLOAD_MB = envint("ZHENGXING_MAX_UPLOAD_MB", "50", low=1)
# A roster file's caps, checked before it is parsed (core/sheets.py): what its zip may unpack to
# (a zip bomb of a few MB otherwise inflates to gigabytes), and the rows of one sheet.
ZHENGXING_IMPORT_MAX_UNPACKED_MB = envint("ZHENGXING_IMPORT_MAX_UNPACKED_MB", "300", low=1)
ZHENGXING_IMPORT_MAX_ROWS = envint("ZHENGXING_IMPORT_MAX_ROWS", "200000", low=1)
# Low points (约谈提醒): the year's points below which (pro rata by quarter: 15, 30, 45, 60) a
# member is low, and for how many signed quarters in a row before it is long-running.
ZHENGXING_LOW_POINTS_THRESHOLD = envdecimal("ZHENGXING_LOW_POINTS_THRESHOLD", "60", low=Decimal(0))
ZHENGXING_LOW_POINTS_QUARTERS = envint("ZHENGXING_LOW_POINTS_QUARTERS", "2", low=1, high=4)
# How many days the public may object to a posted quarterly notice (公示).
ZHENGXING_OBJECTION_DAYS = envint("ZHENGXING_OBJECTION_DAYS", "7", low=1)
# The higher committee's supervision (003: "結果不及時公開"): how many days after a quarter ends
# its sign-off is late, and how many days after the sign-off its notice is late.
ZHENGXING_SIGN_OFF_DAYS = envint("ZHENGXING_SIGN_OFF_DAYS", "30", low=1, high=92)
ZHENGXING_NOTICE_DAYS = envint("ZHENGXING_NOTICE_DAYS", "3", low=0, high=92)
# How many days a mobile member's one-time registration code (报备码) stays valid.
ZHENGXING_MOBILE_CODE_DAYS = envint("ZHENGXING_MOBILE_CODE_DAYS", "14", low=1, high=90)
# After how many months without organisation life or any contact a member is lost (失联, §0).
ZHENGXING_LOST_CONTACT_MONTHS = envint("ZHENGXING_LOST_CONTACT_MONTHS", "6", low=1, high=36)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
