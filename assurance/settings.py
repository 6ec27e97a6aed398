"""Settings for Assurance, read from the environment.

Without a SECRET_KEY the project runs in development mode (DEBUG on, SQLite, a throwaway key).
A deployment sets SECRET_KEY, which turns DEBUG off unless DEBUG says otherwise: that is
production, with secure cookies, HSTS, HTTPS redirects and hashed static files. The test suite
runs in development mode (no SECRET_KEY), so it needs no collectstatic. The security headers,
the Content-Security-Policy and the login protection apply in both modes.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", default=not SECRET_KEY)
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY when DEBUG is off.")
    SECRET_KEY = "development-only-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "csp",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",  # Bootstrap's compiled CSS and JS, from the django-bootstrap-static package
    "health_check",  # /health/ (assurance/health.py)
    "assurance",
    "meetings",
    "actions",
    "minutes",  # the minutes and their pages, composed of meetings and actions; no models
    "performance",  # the synthetic archive, the benchmark and the load tests; no models
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Right after SessionMiddleware: it pushes a session's expiry on once a minute at most.
    "assurance.sessions.RefreshSessionExpiryMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Right after AuthenticationMiddleware, which it needs: its response phase runs after every
    # middleware and view below it, so nothing below can loosen what it sends.
    "assurance.cache_headers.PrivateResponsesMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the locked-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "assurance.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "assurance.context_processors.organisation",
            ],
        },
    },
]

WSGI_APPLICATION = "assurance.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The pages' queries are short lookups; PostgreSQL's JIT compiler, started by the cost
    # estimates of the correlated subqueries, spent longer compiling a query than running it
    # (manage.py benchmark shows the pages' times).
    # The archive is small enough to stay in memory, where a random read costs about what a
    # sequential one does: with the default cost of 4 the planner hashed 15,000 ownerships to
    # check 458 outstanding actions rather than looking each one up.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off -c random_page_cost=1.1"
    # A database that cannot be reached fails in seconds (the start-up check, the health page)
    # rather than after the operating system's TCP timeout.
    DATABASES["default"]["OPTIONS"]["connect_timeout"] = 10
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several writers at once (the development server's threads, a command beside it): take the
    # write lock when a transaction begins, so SQLite can queue writers with the busy timeout
    # instead of failing one mid-transaction with "database is locked"; write-ahead logging
    # lets readers go on while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The pages rendered by assurance.caching, in each process's memory: keys carry the database's
# content version, so processes need not share a cache to stay correct. MAX_ENTRIES bounds the
# memory (a kept page is tens to hundreds of kB); the least recently used go first.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "TIMEOUT": 24 * 60 * 60,
        "OPTIONS": {"MAX_ENTRIES": 500},
    }
}

# Argon2 first; the others stay so that any older hash still verifies (and is then upgraded).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes' backend comes first: it refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = [
    "assurance.signin.LoginProtectionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login protection (django-axes), described in the README's "Login protection": 5 failed
# sign-ins lock that username at that address only (the pair), so nobody can lock out someone
# signing in from elsewhere. The lock lifts 15 minutes after the last failed attempt from that
# address (an attempt there while locked starts the 15 minutes again); signing in successfully
# there clears its count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "assurance.signin.locked_out"
# The username axes counts and stores: bounded to what the user model can hold (axes' column is
# 255 characters; a longer name made PostgreSQL refuse the row and the sign-in answer 500).
AXES_USERNAME_CALLABLE = "assurance.signin.lockout_username"
# One username tried from many addresses: after SIGNIN_THROTTLE_AFTER failures within
# SIGNIN_THROTTLE_WINDOW, each further attempt from an address that has not signed in as that
# user within SIGNIN_KNOWN_ADDRESS_AGE waits 1 s after the last failure, doubling with each
# failure up to SIGNIN_THROTTLE_MAX_DELAY (assurance/signin_throttle.py). It counts axes'
# failure log, kept for the window.
AXES_HANDLER = "assurance.signin_throttle.ThrottledDatabaseHandler"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
SIGNIN_THROTTLE_AFTER = 10
SIGNIN_THROTTLE_WINDOW = timedelta(hours=24)
SIGNIN_THROTTLE_MAX_DELAY = timedelta(minutes=15)
SIGNIN_KNOWN_ADDRESS_AGE = timedelta(days=90)
# The client's address: REMOTE_ADDR, unless TRUSTED_PROXY_COUNT says how many reverse proxies
# (each appending to X-Forwarded-For) stand in front of the site. Never trust the header otherwise:
# anyone can send one. (django-ipware is not installed, so axes' AXES_IPWARE_* settings do nothing.)
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "assurance.signin.client_ip_address"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves the static files. In production they are collected into STATIC_ROOT with
# hashed, compressed copies (collectstatic); in development and the tests, straight from the
# app and project folders, so nothing needs collecting.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
if DEBUG:
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

# Every field crispy lays out goes through the project's one field template: the pack's
# field.html is replaced by templates/bootstrap5/field.html, which includes
# templates/includes/form_field.html.
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Names shown on pages; another force's OPCC changes these, not the code.
ORGANISATION_NAME = os.environ.get(
    "ORGANISATION_NAME", "Office of the Police and Crime Commissioner"
)
FORCE_NAME = os.environ.get("FORCE_NAME", "West Mercia Police")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# A session ends after SESSION_IDLE_MINUTES without a request or when the browser closes,
# whichever comes first. Requests push its expiry on through assurance.sessions, which saves the
# session once a minute at most rather than on every request.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Everything from this site only: no inline scripts or styles, no eval, no plugins, no framing.
# Bootstrap's navbar toggler and form controls draw their icons with data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Django gives its own logger a console handler in development; with ours at the root,
    # every line was printed twice. Its records go to the root's handler only.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}
