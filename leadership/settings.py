"""Settings for Leadership Transitions, read from the environment.

Every variable is listed, with its default, in `.env.example`. When DEBUG is off the
defaults are the safe ones, and a missing secret key stops the app at start-up.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from leadership.env import (
    env_addresses,
    env_bool,
    env_database,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)

# In development one fixed key, so a runserver reload does not sign everyone out. It is
# public, so it is refused when DEBUG is off (and check --deploy names its prefix).
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-never-in-production-leadership"  # noqa: S105
_GENERATE = (
    "Generate one with: python -c 'from django.core.management.utils import "
    "get_random_secret_key as k; print(k())'"
)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not DEBUG and not SECRET_KEY:
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. {_GENERATE}"
    )
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY is the development key, which is public. {_GENERATE}"
    )
SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials.apps.SimpleAppConfig",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "leadership",
    "transitions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "leadership.middleware.idle_timeout",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "leadership.middleware.no_store",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "leadership.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "leadership.context_processors.navigation",
                "leadership.context_processors.sso",
                "transitions.pagecache.capture",
            ],
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

WSGI_APPLICATION = "leadership.wsgi.application"

DATABASES = {
    "default": env_database("DATABASE_URL", default_sqlite_path=str(BASE_DIR / "db.sqlite3"))
}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DJANGO_CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# The app server keeps no state: cache and sessions live in the database, or in Redis when
# REDIS_URL is set (sessions then also stay in the database, so a Redis restart loses none).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"REDIS_URL must start with redis://, rediss:// or unix://, not {REDIS_URL!r}."
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "leadership",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "leadership_cache",
        }
    }

# Rendered pages (transitions/pagecache.py), keyed by the version tokens of the people they
# show, which database triggers move with every write: nothing expires by time, and a server
# with a cache of its own (no Redis) is as correct as one sharing Redis, only colder.
# DJANGO_PAGE_CACHE=0 turns it off (every page is then rendered for each request); it is off by
# default with DEBUG, where an edited template shows on the next reload.
if REDIS_URL:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "leadership-pages",
    }
else:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": env_int("DJANGO_PAGE_CACHE_ENTRIES", 2000)},
    }
PAGE_CACHE_ALIAS = "pages" if env_bool("DJANGO_PAGE_CACHE", default=not DEBUG) else ""
# Only to bound memory: an entry is never stale, so this is not what keeps pages fresh.
PAGE_CACHE_SECONDS = 7 * 24 * 3600

# Cache framework content (areas, shifts, wording) between requests. Worth it with Redis.
CACHE_FRAMEWORK_CONTENT = env_bool("DJANGO_CACHE_FRAMEWORK", default=bool(REDIS_URL))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "leadership.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "leadership@localhost")
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=False)
# Emails and digests leave the request through the task queue (transitions/tasks.py).
# "database" stores tasks in the database for `manage.py db_worker` to run (production);
# "immediate" runs them in the request once it commits (development: `make run` prints the
# email on the console with no worker to start).
_TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_TASKS_BACKEND = env_str("DJANGO_TASKS_BACKEND", "immediate" if DEBUG else "database")
if _TASKS_BACKEND not in _TASKS_BACKENDS:
    raise ImproperlyConfigured(
        f"DJANGO_TASKS_BACKEND must be one of {sorted(_TASKS_BACKENDS)}, not {_TASKS_BACKEND!r}."
    )
TASKS = {"default": {"BACKEND": _TASKS_BACKENDS[_TASKS_BACKEND], "QUEUES": ["default"]}}

# The app's public address, for links in emails (e.g. https://leadership.example.com).
SITE_URL = env_str("DJANGO_SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")

# Secure defaults whenever DEBUG is off: HTTPS only, cookies bound to this host.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
if env_bool("DJANGO_TRUST_X_FORWARDED_PROTO", default=False):
    # Only behind a proxy that sets X-Forwarded-Proto itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading asks browser vendors to hard-code HTTPS for the whole domain and every
# subdomain, and takes months to undo: a decision for the domain's owner, so opt-in.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]  # "SECURE_HSTS_PRELOAD is not True"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    # The __Host- prefix makes browsers refuse the cookie unless Secure, for this host, path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
# Signed out after this much inactivity; the session is refreshed at most every few minutes.
SESSION_IDLE_TIMEOUT = env_int("DJANGO_SESSION_IDLE_MINUTES", 120, minimum=5) * 60
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT

# Content Security Policy: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "manifest-src": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}

# Sign-in with the company's OpenID Connect provider (django-allauth), only when
# DJANGO_OIDC_ISSUER_URL is set; unset, the app has no such button, URL, app or table.
# Register https://<your host>/accounts/oidc/sso/login/callback/ as the redirect URI.
OIDC_ISSUER_URL = env_str("DJANGO_OIDC_ISSUER_URL")
SSO_ENABLED = bool(OIDC_ISSUER_URL)
SSO_PROVIDER_ID = "sso"
SSO_NAME = env_str("DJANGO_OIDC_NAME", "your company account")
# Email domains allowed to sign in through the provider (e.g. example.com); empty: any.
SSO_ALLOWED_DOMAINS = [
    domain.lower().lstrip("@") for domain in env_list("DJANGO_OIDC_ALLOWED_DOMAINS")
]
SSO_APPS = [
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]
SSO_MIDDLEWARE = "allauth.account.middleware.AccountMiddleware"
if SSO_ENABLED:
    _OIDC_CLIENT_ID = env_str("DJANGO_OIDC_CLIENT_ID")
    _OIDC_CLIENT_SECRET = env_str("DJANGO_OIDC_CLIENT_SECRET")
    if not (_OIDC_CLIENT_ID and _OIDC_CLIENT_SECRET):
        raise ImproperlyConfigured(
            "DJANGO_OIDC_ISSUER_URL is set, so DJANGO_OIDC_CLIENT_ID and "
            "DJANGO_OIDC_CLIENT_SECRET must be set too (from your identity provider)."
        )
    if not OIDC_ISSUER_URL.startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            f"DJANGO_OIDC_ISSUER_URL must be the provider's https:// address, not "
            f"{OIDC_ISSUER_URL!r}."
        )
    INSTALLED_APPS += SSO_APPS
    MIDDLEWARE.append(SSO_MIDDLEWARE)
    # The sign-in button's form is answered with a redirect to the provider.
    _ISSUER = urlsplit(OIDC_ISSUER_URL)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
        f"{_ISSUER.scheme}://{_ISSUER.netloc}"
    )
    SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": SSO_PROVIDER_ID,
                    "name": SSO_NAME,
                    "client_id": _OIDC_CLIENT_ID,
                    "secret": _OIDC_CLIENT_SECRET,
                    "settings": {
                        "server_url": OIDC_ISSUER_URL,
                        "scope": ["openid", "email", "profile"],
                    },
                }
            ]
        }
    }
# How allauth behaves when installed: it only links a person to the provider and signs her
# in (leadership/sso.py decides who); it never makes passwords or sends emails of its own.
SOCIALACCOUNT_ADAPTER = "leadership.sso.SignInAdapter"
ACCOUNT_ADAPTER = "leadership.sso.AccountAdapter"
SOCIALACCOUNT_LOGIN_ON_GET = False  # the sign-in starts with a POST from the login page
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
ACCOUNT_EMAIL_VERIFICATION = "none"

# Login throttling: 5 failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_CALLABLE = "leadership.security_log.axes_username"
# Proxies in front of the app (load balancer, nginx): the client's address is read from
# X-Forwarded-For behind exactly this many, and REMOTE_ADDR is used when it is 0.
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "leadership.client_address.client_address"

# Server errors go to stdout and, with DEBUG off, by email to ADMINS ("Name <address>, ...").
# The email names the fields a request sent, never their values (leadership.error_reports).
ADMINS = env_addresses("DJANGO_ADMINS")
SERVER_EMAIL = env_str("DJANGO_SERVER_EMAIL", DEFAULT_FROM_EMAIL)
DEFAULT_EXCEPTION_REPORTER = "leadership.error_reports.ContentFreeReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "leadership.error_reports.ContentFreeFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "include_html": False,
        },
    },
    "root": {"handlers": ["stdout"], "level": env_str("DJANGO_LOG_LEVEL", "INFO").upper()},
    "loggers": {
        # Replaces Django's default handlers (console, and a mail_admins of its own), so
        # everything reaches stdout once, through the root.
        "django": {"handlers": []},
        "django.request": {"handlers": ["mail_admins"]},
        # django-axes reports every start and reset at INFO; its lockouts come as warnings.
        "axes": {"level": "WARNING"},
    },
}
