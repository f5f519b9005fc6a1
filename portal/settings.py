"""Settings for the portal, driven by the environment (see README, "Configuration").

Embedded default: SQLite in the project folder and Celery tasks run in-process.
Set PORTAL_PRODUCTION=true for the hardened profile checked by `manage.py check --deploy`.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

PRODUCTION = env.bool("PORTAL_PRODUCTION", default=False)
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env.str("SECRET_KEY", default="" if PRODUCTION else "dev-only-insecure-key-change-me-0123456789abcdef")
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("SECRET_KEY must be set when PORTAL_PRODUCTION is true")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "guardian",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "portal",
    "portal.notifications",
    "portal.roster",
    "policies",
    "policies.campaigns",
    "incidents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.PortalLocaleMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the in-process tasks and the dev server read while a write is open.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): five failures lock the username from that address for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "portal.clientip.client_ip"
# Reverse proxies in front of the portal whose X-Forwarded-For is trusted (nginx: 1). See portal/clientip.py.
PORTAL_TRUSTED_PROXY_COUNT = env.int("PORTAL_TRUSTED_PROXY_COUNT", default=0)

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Toronto"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "media/"
# Evidence files live outside any served folder and are only streamed by an access-checked view.
PRIVATE_STORAGE_ROOT = Path(env.str("PRIVATE_STORAGE_ROOT", default=str(BASE_DIR / "var" / "private")))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: SMTP in production through EMAIL_URL (smtp+tls://user:pass@host:587). Without it, emails
# are written as files to var/mail/ so the demo can be read without flooding the console.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = BASE_DIR / "var" / "mail"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portail-medias-sociaux@chum.local")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# Celery: Redis when REDIS_URL is set; otherwise tasks run in-process (embedded default).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task not acknowledged within the visibility timeout is redelivered: longer than any task runs.
# Publishing tries the broker at most twice, without waiting: when Redis is down a user's action must not
# hang (the notification row stays pending and the sweep delivers it later).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 2,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "notifications-sweep": {"task": "notifications.sweep_unsent", "schedule": 120.0},
    "notifications-digest": {"task": "notifications.send_daily_digests", "schedule": 3600.0},
    "incidents-escalate-overdue": {"task": "incidents.escalate_overdue", "schedule": 300.0},
    "incidents-apply-retention": {"task": "incidents.apply_retention", "schedule": 86400.0},
    "policies-campaign-reminders": {"task": "policies.send_campaign_reminders", "schedule": 3600.0},
    "roster-daily": {"task": "roster.daily_maintenance", "schedule": 3600.0},
}

# Notifications: retries with exponential backoff (seconds, doubled per attempt) then failure; the sweep
# delivers rows still pending after NOTIFICATIONS_SWEEP_AFTER seconds and re-claims a "sending" row whose
# worker died after NOTIFICATIONS_CLAIM_TIMEOUT seconds (longer than any send: EMAIL_TIMEOUT, task time limit).
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=6)
NOTIFICATIONS_RETRY_BACKOFF = env.float("NOTIFICATIONS_RETRY_BACKOFF", default=30.0)
NOTIFICATIONS_RETRY_BACKOFF_MAX = env.float("NOTIFICATIONS_RETRY_BACKOFF_MAX", default=3600.0)
NOTIFICATIONS_SWEEP_AFTER = env.int("NOTIFICATIONS_SWEEP_AFTER", default=180)
NOTIFICATIONS_CLAIM_TIMEOUT = env.int("NOTIFICATIONS_CLAIM_TIMEOUT", default=600)
NOTIFICATIONS_DIGEST_HOUR = env.int("NOTIFICATIONS_DIGEST_HOUR", default=7)

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

# Security headers (all profiles) and the hardened production profile.
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True

# Business settings.
# The policy this portal governs (its version in force is the one staff must acknowledge).
PORTAL_POLICY_NUMBER = env.str("PORTAL_POLICY_NUMBER", default="10974")
INCIDENT_DEADLINE_WORKING_DAYS = {
    "manager": env.int("INCIDENT_DEADLINE_MANAGER_DAYS", default=2),
    "direction": env.int("INCIDENT_DEADLINE_DIRECTION_DAYS", default=3),
    "dcai": env.int("INCIDENT_DEADLINE_DCAI_DAYS", default=5),
}
EVIDENCE_MAX_FILES = env.int("EVIDENCE_MAX_FILES", default=5)
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Far above the evidence limit (the form explains that one), far below Django's default of 100.
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploaded files beyond EVIDENCE_MAX_BYTES are cut off as they arrive, never stored whole.
FILE_UPLOAD_HANDLERS = [
    "incidents.evidence.SizeGuardUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Retention (checked by incidents.retention.retention_periods, which refuses a bad value at startup):
# register entries at least five years after the incident became known (Quebec privacy law); closed
# incidents lose their free text and evidence this many years after closure, never before the register's.
REGISTER_RETENTION_YEARS = env.int("REGISTER_RETENTION_YEARS", default=5)
INCIDENT_RETENTION_YEARS = env.int("INCIDENT_RETENTION_YEARS", default=7)

# Acknowledgement campaigns: a manager reminds their team at most once in this many hours (§7.6);
# staff who join get at least this many days to acknowledge the version in force (§7.5).
CAMPAIGN_TEAM_REMINDER_HOURS = env.int("CAMPAIGN_TEAM_REMINDER_HOURS", default=24)
CAMPAIGN_NEW_STAFF_DAYS = env.int("CAMPAIGN_NEW_STAFF_DAYS", default=30)

# Organisation hooks: called by portal.services when staff profiles are created or deactivated
# (by import_org or the admin). Each is a callable(profile_ids: list[int]) owned by its app.
PORTAL_ON_STAFF_CREATED = ["policies.campaigns.services.enrol_new_staff"]
PORTAL_ON_STAFF_DEACTIVATED = ["portal.roster.services.designations_revoke_for_departed"]

# Sections of `manage.py bench`, each a callable(out) -> list of (metric, value) rows, owned by its app;
# it runs inside the separate bench database (a callable that takes `using` gets "default").
PORTAL_BENCH_SECTIONS = [
    "portal.bench.org_import",
    "portal.notifications.bench.delivery",
    "policies.campaigns.bench.campaign",
    "incidents.bench.queues",
    "portal.roster.bench.roster",
]

# Demo data of each app, called by `manage.py seed_demo` after the demo organisation when importable;
# each is a callable(), callable(out) or callable(stdout=…), and must be idempotent.
PORTAL_DEMO_HOOKS = [
    "policies.demo.seed_policy",
    "portal.roster.demo.seed_roster",
    "policies.campaigns.demo.seed_campaign",
    "incidents.demo.seed_incidents",
]

# What the organisation layer (portal/) asks of the apps above it, by dotted path, never by import
# (docs/architecture.md, "Layers"); portal.hooks calls them.
# §6.3: callable(user) -> "" or why the person cannot become an authorized user (policy not acknowledged).
PORTAL_ACKNOWLEDGEMENT_BLOCKER = "policies.selectors.acknowledgement_blocker"
# callable() -> {"policy_url", "obligations_url", "netiquette_url"} of the policy in force.
PORTAL_POLICY_LINKS = "policies.selectors.obligation_links"

# Named flags for templates (`can.use_queues`…), each a callable(user) -> dict[str, bool] owned by its
# app, computed once per request: templates never combine roles themselves.
PORTAL_TEMPLATE_FLAGS = [
    "portal.roles.template_flags",
    "policies.selectors.template_flags",
    "policies.campaigns.selectors.template_flags",
    "incidents.selectors.template_flags",
    "portal.roster.selectors.template_flags",
]

# Home page panels, each a callable(request) -> list of panels, owned by its app.
PORTAL_HOME_PANELS = [
    "portal.notifications.home.panels",
    "policies.home.panels",
    "policies.campaigns.home.panels",
    "incidents.home.panels",
    "portal.roster.home.panels",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # In-process tasks (embedded default) would log every delivery at INFO.
        "celery.app.trace": {"level": "WARNING"},
    },
}
