"""Shaar settings: one module, configured from the environment (12-factor).

Defaults are the embedded runtime (SQLite, local memory cache, eager Celery, console
e-mail and SMS), so `make run` needs nothing else. Production switches each part on
through an environment variable; see the configuration table in README.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
# The embedded runtime's files (SQLite, media, tiles, backups). Loading settings creates no
# folder: `make` creates var/ for the SQLite database, storages and commands their own.
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A local .env is convenient in development; production sets real variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)


def secret(name: str, *, dev_default: str) -> str:
    """A secret from the environment (or from the file that NAME_FILE points to).

    With DEBUG on, a development default keeps `make run` zero-config; with DEBUG off,
    a missing or default secret stops the app from starting.
    """
    file_path = env.str(f"{name}_FILE", default="")
    value = Path(file_path).read_text().strip() if file_path else env.str(name, default="")
    if value:
        return value
    if DEBUG:
        return dev_default
    raise ImproperlyConfigured(f"Set {name} (or {name}_FILE): it is required when DEBUG is off.")


SECRET_KEY = secret("SECRET_KEY", dev_default="dev-only-insecure-secret-key-change-me-0123456789")
# Keyed hash of personal numbers: voter_key = HMAC-SHA256(VOTER_KEY_SECRET, PIN).
VOTER_KEY_SECRET = secret("VOTER_KEY_SECRET", dev_default="dev-only-voter-key-secret")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Shaar's apps come before allauth so that their templates and translations
    # override allauth's own.
    "shaar.city",
    "shaar.accounts",
    "shaar.web",
    "shaar.api",
    "shaar.budgeting",
    "shaar.feedback",
    "shaar.providers",
    "shaar.openbudget",
    "shaar.grants",
    "shaar.actionplan",
    "shaar.console",
    "shaar.ops",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "auditlog",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "ninja",
]

MIDDLEWARE = [
    # First: every later middleware and view logs with the request id; metrics time the rest.
    "shaar.lib.requestid.RequestIdMiddleware",
    "shaar.lib.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # LocaleMiddleware needs the session (language chosen earlier) and must run before
    # CommonMiddleware so that a missing /ky/ prefix redirects to the right language.
    "shaar.web.middleware.CityDefaultLanguageMiddleware",
    "shaar.web.middleware.CityTimeZoneMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view (and CSRF's process_view) reads the body: control characters out,
    # malformed bodies a 400 in the reader's language.
    "shaar.web.middleware.CleanInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "shaar.accounts.middleware.StaffMfaRequiredMiddleware",
    # A limit that was reached (django_ratelimit.exceptions.Ratelimited) answers RATELIMIT_VIEW.
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, so its process_exception sees a view's outage error first (fail closed, 503).
    "shaar.ops.middleware.ServiceUnavailableMiddleware",
]

ROOT_URLCONF = "shaar.urls"
WSGI_APPLICATION = "shaar.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shaar.web.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
SQLITE_PATH = Path(env.str("SQLITE_PATH", default=str(VAR_DIR / "shaar.sqlite3")))
SQLITE_OPTIONS = {
    # IMMEDIATE takes the write lock when a transaction starts, so the exclusive
    # writes (ballots, counters) that rely on select_for_update on PostgreSQL are
    # serialised on SQLite too instead of failing at commit.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # Parameters bound by the server and statements prepared once per connection: a
        # ballot's statements were planned again on every request, which cost PostgreSQL
        # more CPU than running them (about 0.7 ms of its 1.4 ms per ballot).
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": 5})
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": SQLITE_OPTIONS,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# --- Auth, accounts -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "shaar.accounts.backends.ModelBackend",
    "shaar.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:home"
# A URL name, not "/": resolved in the language of the page the resident logs out from (a
# bare "/" is redirected by the browser's language, so a Kyrgyz page led to a Russian one).
LOGOUT_REDIRECT_URL = "web:home"

ACCOUNT_ADAPTER = "shaar.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"phone", "email"}
ACCOUNT_SIGNUP_FIELDS = ["phone", "email", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Residents sign up with a mobile number or an e-mail address (at least one, checked by
# ResidentSignupForm). allauth wants one login method required at sign-up (account.W001):
# here either one is enough, so that warning is silenced below. A given e-mail address is
# sent a confirmation link; participation itself needs a verified phone or residency verification.
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 600  # codes expire in 10 minutes
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 5
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = True
# Six digits: easy to type on a phone keypad and to read from an SMS.
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
# Sign-in by a code sent by SMS or e-mail: also how a resident who signed up with a mobile
# number resets a forgotten password (accounts:password-new).
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_FORMS = {
    "signup": "shaar.accounts.forms.ResidentSignupForm",
    "verify_phone": "shaar.accounts.forms.LockingVerifyPhoneForm",
    "confirm_login_code": "shaar.accounts.forms.NumericLoginCodeForm",
}
SILENCED_SYSTEM_CHECKS = ["account.W001"]
ACCOUNT_RATE_LIMITS = {
    "verify_phone": "10/m/ip,5/30m/key",
    "login": "10/m/ip",
    "login_failed": "10/m/ip,5/30m/key",
    "signup": "10/m/ip",
    "request_login_code": "10/m/ip,3/m/key",
    "reset_password": "10/m/ip,5/m/key",
}
# Wrong SMS codes: 5 tries, then the number is locked for 30 minutes.
PHONE_CODE_MAX_FAILURES = 5
PHONE_CODE_LOCK_SECONDS = 30 * 60
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]

# Sign-in through OpenID Connect (allauth's provider), each on only when its server is set:
# - STAFF_OIDC_*: the city's staff directory (Keycloak, ADFS, Azure AD…). A directory
#   identity signs into the Shaar account with the same e-mail address; roles are still
#   assigned in Shaar, and staff still pass Shaar's two-factor check.
# - RESIDENT_EID_*: the national e-ID for residents (Tunduk/ESIA-style). A verified
#   national identity whose PIN is in the residency register counts as register
#   verification (shaar.accounts.eid).
# Register the callback /<lang>/accounts/oidc/<staff|eid>/login/callback/ with the provider.


def _oidc_app(prefix: str, provider_id: str, name: str, **extra: Any) -> dict[str, Any] | None:
    server_url = env.str(f"{prefix}_SERVER_URL", default="")
    if not server_url:
        return None
    secret_file = env.str(f"{prefix}_CLIENT_SECRET_FILE", default="")
    return {
        "provider_id": provider_id,
        "name": env.str(f"{prefix}_NAME", default=name),
        "client_id": env.str(f"{prefix}_CLIENT_ID"),
        "secret": (Path(secret_file).read_text().strip() if secret_file
                   else env.str(f"{prefix}_CLIENT_SECRET", default="")),
        "settings": {"server_url": server_url, "oauth_pkce_enabled": True,
                     "token_auth_method": env.str(f"{prefix}_TOKEN_AUTH_METHOD",
                                                  default="client_secret_basic"),
                     **extra},
    }


OIDC_STAFF_PROVIDER_ID = "staff"
OIDC_EID_PROVIDER_ID = "eid"
# Claim of the e-ID's ID token that holds the national personal number (PIN).
RESIDENT_EID_PIN_CLAIM = env.str("RESIDENT_EID_PIN_CLAIM", default="pin")
SOCIALACCOUNT_ADAPTER = "shaar.accounts.social.SocialAccountAdapter"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
_OIDC_APPS = [app for app in (
    _oidc_app("STAFF_OIDC", OIDC_STAFF_PROVIDER_ID, "City staff directory",
              # The directory issues staff e-mail addresses: they are trusted as verified.
              email_authentication=True,
              trust_email=env.bool("STAFF_OIDC_TRUST_EMAIL", default=True)),
    _oidc_app("RESIDENT_EID", OIDC_EID_PROVIDER_ID, "National e-ID",
              email_authentication=False, trust_email=False),
) if app]
if len({app["client_id"] for app in _OIDC_APPS}) < len(_OIDC_APPS):
    # allauth finds a sign-in's provider again by its client id.
    raise ImproperlyConfigured("STAFF_OIDC_CLIENT_ID and RESIDENT_EID_CLIENT_ID must differ.")
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": _OIDC_APPS}}
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Shaar")

SMS_BACKEND = env.str("SMS_BACKEND", default="shaar.accounts.sms.console.ConsoleSmsBackend")
SMS_HTTP_URL = env.str("SMS_HTTP_URL", default="")
SMS_HTTP_TOKEN = env.str("SMS_HTTP_TOKEN", default="")
SMS_HTTP_SENDER = env.str("SMS_HTTP_SENDER", default="Shaar")
SMS_HTTP_TIMEOUT = env.float("SMS_HTTP_TIMEOUT", default=10.0)


def _mailer() -> dict[str, Any]:
    """E-mail: printed to the console unless EMAIL_URL gives an SMTP server."""
    if not env.str("EMAIL_URL", default=""):
        return {"BACKEND": env.str("EMAIL_BACKEND",
                                   default="django.core.mail.backends.console.EmailBackend")}
    smtp = env.email_url("EMAIL_URL")
    return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": smtp["EMAIL_HOST"], "port": smtp["EMAIL_PORT"],
                        "username": smtp["EMAIL_HOST_USER"],
                        "password": smtp["EMAIL_HOST_PASSWORD"],
                        "use_tls": smtp.get("EMAIL_USE_TLS", False),
                        "use_ssl": smtp.get("EMAIL_USE_SSL", False), "timeout": 10}}


MAILERS = {"default": _mailer()}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Shaar <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Languages and time -------------------------------------------------------------------
LANGUAGE_CODE: str = env.str("LANGUAGE_CODE", default="ky")
LANGUAGES = [("ky", "Кыргызча"), ("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "shaar" / "web" / "locale"]
FORMAT_MODULE_PATH = ["shaar.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Bishkek")
# Nightly jobs run at night on the installation's clock; set TIME_ZONE to the city's.
CELERY_TIMEZONE = TIME_ZONE
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Upload limits, one family for every app (shaar/lib/uploadlimits.py): the largest file of
# each kind in MB (UPLOAD_MAX_MB_<KIND>), and the pixels decoded: per photo, per request
# (all its photos) and per account or client address per hour, checked from the headers
# before any photo is decoded.
UPLOAD_MAX_MB: dict[str, int] = {
    "feedback": env.int("UPLOAD_MAX_MB_FEEDBACK", default=10),
    "budgeting": env.int("UPLOAD_MAX_MB_BUDGETING", default=5),
    "grants": env.int("UPLOAD_MAX_MB_GRANTS", default=10),
    "actionplan": env.int("UPLOAD_MAX_MB_ACTIONPLAN", default=10),
    "openbudget": env.int("UPLOAD_MAX_MB_OPENBUDGET", default=20),
    "imports": env.int("UPLOAD_MAX_MB_IMPORTS", default=50),  # the console's CSV/XLSX imports
}
UPLOAD_MAX_PIXELS = env.int("UPLOAD_MAX_PIXELS", default=40_000_000)
UPLOAD_MAX_PIXELS_PER_REQUEST = env.int("UPLOAD_MAX_PIXELS_PER_REQUEST", default=64_000_000)
UPLOAD_MAX_PIXELS_PER_HOUR = env.int("UPLOAD_MAX_PIXELS_PER_HOUR", default=400_000_000)

# --- Security -----------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "shaar.accounts.sessions"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The base map: one PMTiles archive of vector tiles per city, served from our own origin
# (nginx in production, shaar.city.views.tiles otherwise) and drawn by protomaps-leaflet.
# `manage.py build_demo_tiles` writes a sample file there; `manage.py extract_tiles` cuts
# the city out of a public Protomaps build (deploy/README.md).
MAP_TILES_PATH = Path(env.str("MAP_TILES_PATH", default=str(VAR_DIR / "tiles" / "city.pmtiles")))
MAP_TILES_URL = env.str("MAP_TILES_URL", default="/tiles/city.pmtiles")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="© OpenStreetMap contributors")
# The zoom the archive holds data to; the map draws deeper zooms from it (overzoom).
MAP_TILES_MAX_ZOOM = env.int("MAP_TILES_MAX_ZOOM", default=15)
# The city's bounding box "west,south,east,north" (degrees) for extract_tiles and the map's
# limits; empty: the box around the districts' boundaries.
MAP_BBOX = env.list("MAP_BBOX", cast=float, default=[])
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Clients behind proxies, rate limits ----------------------------------------------------
# Behind nginx every request comes from nginx's address. Say which proxies are ours, so the
# limiters see the real client (shaar/lib/clientip.py; deploy/README.md, "Proxies"):
# TRUSTED_PROXY_COUNT proxies append to X-Forwarded-For (1 for the shipped nginx), or
# TRUSTED_PROXY_NETWORKS lists their networks (then X-Forwarded-For is believed only from
# them). With neither, REMOTE_ADDR is the client (no proxy, or a proxy that sets it).
TRUSTED_PROXY_COUNT: int = env.int("TRUSTED_PROXY_COUNT", default=0)
TRUSTED_PROXY_NETWORKS: list[str] = env.list("TRUSTED_PROXY_NETWORKS", default=[])
# django-ratelimit and allauth count by the same address.
RATELIMIT_IP_META_KEY = "shaar.lib.clientip.client_ip"
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT  # allauth asks the adapter, which asks clientip
# One answer when a limit is reached: a 429 page (the API answers a 429 ErrorOut).
RATELIMIT_VIEW = "shaar.web.views.too_many_requests"
# Writes the public can make, per group (shaar/lib/ratelimits.py): `anonymous` per address
# without an account, `account` per signed-in account, `client` per address for signed-in
# writes (a ceiling: many residents share a mobile carrier's address).
PUBLIC_WRITE_RATES = {
    "feedback-report": {"anonymous": env.str("FEEDBACK_ANON_RATE", default="10/h"),
                        "account": env.str("FEEDBACK_ACCOUNT_RATE", default="20/h"),
                        "client": "200/h"},
    "feedback-rating": {"anonymous": "20/h", "account": "20/h", "client": "200/h"},
    "budgeting-proposal": {"anonymous": "20/h", "account": "20/h", "client": "200/h"},
    "budgeting-comment": {"anonymous": "30/h", "account": "30/h", "client": "300/h"},
    "grants-question": {"anonymous": "20/h", "account": "20/h", "client": "200/h"},
    # Applications, their attachments and grantee reports: many small edits in a session.
    "grants-application": {"anonymous": "60/h", "account": "60/h", "client": "600/h"},
    "actionplan-contribution": {"anonymous": "20/h", "account": "20/h", "client": "200/h"},
    "accounts-verify": {"anonymous": "5/h", "account": "5/h", "client": "20/h"},
}

# Public pages as cookie-less visitors see them are rendered once per this many seconds and
# shared through the cache (shaar/lib/pagecache.py); 0 renders every view.
PUBLIC_PAGE_CACHE_SECONDS: int = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=30)

# --- Emergency numbers and other city-level switches --------------------------------------
EMERGENCY_NUMBERS = env.list("EMERGENCY_NUMBERS", default=["112", "101", "102", "103"])
CITY_HOTLINE = env.str("CITY_HOTLINE", default="1212")
# The site's public address, for links in e-mails and SMS (which have no request).
SITE_URL: str = env.str("SITE_URL", default="http://127.0.0.1:8000")
DEMO_DATA_BANNER = env.bool("DEMO_DATA_BANNER", default=True)
# `seed_demo` loads sample accounts with a published password and a public Open311 key: only
# in development (DEBUG on) or on an installation declared a public demo.
DEMO_SERVER = env.bool("DEMO_SERVER", default=DEBUG)
# How much sample data `seed_demo` makes without --scale: small, demo or city (shaar.lib.demo).
DEMO_SCALE: str = env.str("DEMO_SCALE", default="demo")
# The footer's "Source code" link (the AGPL asks that users can get the code they run): the
# repository this installation is built from. Not set, the footer names the licence only.
SOURCE_CODE_URL = env.str("SOURCE_CODE_URL", default="")

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

if not DEBUG and DATABASES["default"]["ENGINE"].endswith("sqlite3") and env.bool(
    "REQUIRE_DATABASE_URL", default=False
):
    raise ImproperlyConfigured("Set DATABASE_URL: REQUIRE_DATABASE_URL is on.")

SHELL_VERSION = env.str("SHELL_VERSION", default="1")

# --- grants ---
# Application attachments (statutes, member lists): kept outside MEDIA_ROOT, never public.
GRANTS_PRIVATE_ROOT = Path(env.str("GRANTS_PRIVATE_ROOT", default=str(VAR_DIR / "private")))
# --- actionplan ---
# A board meeting's agenda must be published at least this many days before it.
ACTIONPLAN_AGENDA_NOTICE_DAYS = env.int("ACTIONPLAN_AGENDA_NOTICE_DAYS", default=7)
# City administrators are warned when the OGP section was not updated for this many months.
ACTIONPLAN_STALE_MONTHS = env.int("ACTIONPLAN_STALE_MONTHS", default=4)
# --- operations ---
# Production operations (deploy/README.md): request ids and JSON logs, Prometheus metrics,
# a clear 503 when Redis or the database is down, a read replica for public pages, S3
# media, backups. Its app and middleware are in INSTALLED_APPS and MIDDLEWARE above.

# Read replica: only views decorated with shaar.lib.dbrouter.use_replica read from it.
DATABASE_ROUTERS = ["shaar.lib.dbrouter.ReplicaRouter"]
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # Tests read the replica through the primary's test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}

# S3-compatible media storage (AWS, MinIO, Ceph, Yandex/Selectel object storage…).
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _s3_secret_file = env.str("S3_SECRET_ACCESS_KEY_FILE", default="")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION_NAME", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": (Path(_s3_secret_file).read_text().strip() if _s3_secret_file
                           else env.str("S3_SECRET_ACCESS_KEY", default="")) or None,
            "custom_domain": env.str("S3_CUSTOM_DOMAIN", default="") or None,
            "location": env.str("S3_LOCATION", default="media"),
            # Signed, expiring URLs by default: photos awaiting moderation stay private.
            "querystring_auth": env.bool("S3_QUERYSTRING_AUTH", default=True),
            "file_overwrite": False,
            "default_acl": None,
        },
    }

# Logs: text (default) or one JSON object per line; both carry the request id.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'text' or 'json'.")
LOGGING["filters"] = {"request_id": {"()": "shaar.lib.requestid.RequestIdFilter"}}
LOGGING["formatters"] = {
    "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    "json": {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(process)d %(message)s",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    },
}
LOGGING["handlers"]["console"].update({"filters": ["request_id"], "formatter": LOG_FORMAT})
# Celery workers log through the same configuration (JSON too), not their own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Prometheus metrics at /metrics, for the operator's networks only (404 elsewhere).
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS",
                                    default=["127.0.0.1/32", "::1/128"])
try:
    import ipaddress as _ipaddress

    for _net in METRICS_ALLOWED_NETWORKS:
        _ipaddress.ip_network(_net, strict=False)
except ValueError as _exc:
    raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {_exc}") from _exc
METRICS_CELERY_QUEUES = env.list("METRICS_CELERY_QUEUES", default=["celery"])
# Health checks and Prometheus talk plain HTTP to gunicorn on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]

# Celery over Redis: a task is acknowledged only when it has finished (CELERY_TASK_ACKS_LATE
# above); the message of a worker that died is handed out again once this many seconds have
# passed. Longer than any countdown a task is retried with (Celery's backoff stops at ten
# minutes); tasks are idempotent, so a redelivery never repeats an effect.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
# Notifications (the outbox, accounts.Notification) are deleted after this many days:
# they hold personal messages.
NOTIFICATION_RETENTION_DAYS = env.int("NOTIFICATION_RETENTION_DAYS", default=90)

# Backups (manage.py backup / restore): where archives go by default.
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(VAR_DIR / "backups")))
# --- feedback ---
FEEDBACK_PHOTO_MAX_COUNT = env.int("FEEDBACK_PHOTO_MAX_COUNT", default=5)
FEEDBACK_PHOTO_MAX_SIDE = env.int("FEEDBACK_PHOTO_MAX_SIDE", default=2048)
FEEDBACK_NEARBY_METRES = env.int("FEEDBACK_NEARBY_METRES", default=50)
FEEDBACK_CLUSTER_METRES = env.int("FEEDBACK_CLUSTER_METRES", default=200)
FEEDBACK_CLUSTER_DAYS = env.int("FEEDBACK_CLUSTER_DAYS", default=90)
FEEDBACK_CLUSTER_MIN_REPORTS = env.int("FEEDBACK_CLUSTER_MIN_REPORTS", default=5)
# The systemic-issues view (clusters, recurring problems) is recomputed this often.
FEEDBACK_SYSTEMIC_MINUTES = env.int("FEEDBACK_SYSTEMIC_MINUTES", default=15)
# Anonymous "me too" per IP address: per report (a household or a shared connection), and in
# all (django-ratelimit syntax). Signed-in residents count once each, without a limit.
FEEDBACK_ME_TOO_PER_REPORT = env.str("FEEDBACK_ME_TOO_PER_REPORT", default="5/d")
FEEDBACK_ME_TOO_RATE = env.str("FEEDBACK_ME_TOO_RATE", default="30/h")
# The public statistics are recomputed this often (the page says when they were).
FEEDBACK_STATS_MINUTES = env.int("FEEDBACK_STATS_MINUTES", default=10)
# The whole city's downloads (reports.csv, reports.<language>.geojson) are files rebuilt this
# often into FEEDBACK_EXPORTS_DIR (the page says when). Several app servers share the folder
# as they share MEDIA_ROOT. With nginx in front, FEEDBACK_EXPORTS_ACCEL_PREFIX names its
# internal location for that folder (deploy/nginx/shaar.conf) and nginx sends the files;
# empty, gunicorn sends them (sendfile).
FEEDBACK_EXPORTS_MINUTES = env.int("FEEDBACK_EXPORTS_MINUTES", default=15)
FEEDBACK_EXPORTS_DIR = Path(env.str("FEEDBACK_EXPORTS_DIR", default=str(VAR_DIR / "exports")))
FEEDBACK_EXPORTS_ACCEL_PREFIX = env.str("FEEDBACK_EXPORTS_ACCEL_PREFIX", default="")
FEEDBACK_IDEMPOTENCY_HOURS = env.int("FEEDBACK_IDEMPOTENCY_HOURS", default=24)
# Hosts an Open311 client's media_url may point to; empty means no fetching.
FEEDBACK_MEDIA_URL_HOSTS = env.list("FEEDBACK_MEDIA_URL_HOSTS", default=[])

# --- providers ----------------------------------------------------------------------------
# A provider enters the monthly ranking only with at least this many reports.
PROVIDERS_RANKING_MIN_REPORTS = env.int("PROVIDERS_RANKING_MIN_REPORTS", default=20)
# Survey results (and survey scores) are hidden for groups with fewer answers.
PROVIDERS_SURVEY_MIN_ANSWERS = env.int("PROVIDERS_SURVEY_MIN_ANSWERS", default=10)
# Status changes within this window trigger one recomputation of the current month.
PROVIDERS_RECOMPUTE_DEBOUNCE_SECONDS = env.int("PROVIDERS_RECOMPUTE_DEBOUNCE_SECONDS",
                                               default=300)
# Where scorecards read reports from (a class implementing providers.sources.ReportSource).
PROVIDERS_REPORT_SOURCE = env.str("PROVIDERS_REPORT_SOURCE",
                                  default="shaar.providers.sources.FeedbackSource")
