"""The baseline of routing.rps: a plain Django project without tenancy, serving the same trivial view.

Same database server (the stock postgresql backend, persistent connections), same language settings and the
same middleware as Jamaa minus the commune routing middleware; the benchmark passes that list in
JAMAA_BENCH_PLAIN_MIDDLEWARE so that it follows Jamaa's settings as they change.
"""

import json
import os

import dj_database_url

DEBUG = os.environ.get("DEBUG", "0").lower() in {"1", "true", "yes", "on"}
SECRET_KEY = os.environ.get("SECRET_KEY") or "benchmark-only-plain-project-key"
ALLOWED_HOSTS = ["localhost", ".localhost", "127.0.0.1"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
]

_STOCK_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
MIDDLEWARE = json.loads(os.environ.get("JAMAA_BENCH_PLAIN_MIDDLEWARE") or json.dumps(_STOCK_MIDDLEWARE))

ROOT_URLCONF = "benchmarks.plain_urls"
WSGI_APPLICATION = "benchmarks.plain_wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ["DATABASE_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", "العربية"), ("fr", "Français")]
LANGUAGES_BIDI = ["ar"]
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
USE_TZ = True
X_FRAME_OPTIONS = "SAMEORIGIN"
