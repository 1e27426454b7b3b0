"""Settings for the benchmark: the production settings, plus what the benchmark needs.

Everything else (DEBUG off, the secret key and ALLOWED_HOSTS from the environment, the
PBKDF2 password hasher, database sessions, WhiteNoise's manifest storage, the middleware) is
exactly what production runs.

Differences, and why:

- The benchmark talks plain HTTP over the loopback interface, where a client does not send
  `Secure` cookies back and `__Host-` cookie names are refused. So the cookies are not marked
  Secure and keep Django's plain names, and nothing redirects to HTTPS or sends HSTS,
  whatever the production settings say about it now or later.
- `bench.middleware.QueryCountMiddleware` (outermost, so it sees the session and user look-ups
  too) answers every request with `X-Bench-Queries` and `X-Bench-SQL-ms` headers.
- `bench.urls` is the app's URLs plus `/bench/baseline/`, the page every other page's
  throughput is compared with.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "0")

from leadership.settings import *  # noqa: F403
from leadership.settings import INSTALLED_APPS, MIDDLEWARE

INSTALLED_APPS = [*INSTALLED_APPS, "bench.apps.BenchConfig"]
ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]

# Plain HTTP on 127.0.0.1 (see above).
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
SECURE_PROXY_SSL_HEADER = None
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
LANGUAGE_COOKIE_SECURE = False
