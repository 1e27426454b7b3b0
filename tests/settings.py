"""Settings for the test suite: the app's own settings with fast password hashing."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret-" + "x" * 40)

from leadership.settings import *  # noqa: F403

# Fast hashing for the suite; one test checks the production hasher is Argon2.
PRODUCTION_PASSWORD_HASHERS = PASSWORD_HASHERS  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The test client speaks plain http; test_security checks the redirect with its own settings.
SECURE_SSL_REDIRECT = False
# Framework content is cached in production with Redis; here in memory, cleared per test.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
CACHE_FRAMEWORK_CONTENT = True
# Tasks run in the test, synchronously, once the transaction that enqueued them commits.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The tables of sign-in with the company's provider exist in the test database, so a test can
# switch it on (tests/leadership/test_oidc.py); it stays off, as unconfigured, unless it does.
INSTALLED_APPS = [*INSTALLED_APPS, *(app for app in SSO_APPS if app not in INSTALLED_APPS)]  # noqa: F405
if SSO_MIDDLEWARE not in MIDDLEWARE:  # noqa: F405
    MIDDLEWARE = [*MIDDLEWARE, SSO_MIDDLEWARE]  # noqa: F405
