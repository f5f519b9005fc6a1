"""Settings for the portal, driven by the environment (see README, "Configuration").

Embedded default: SQLite in the project folder, and a Celery broker in a folder (var/celery/) that the worker
started by `make run` reads (no Redis).
Set PORTAL_PRODUCTION=true for the hardened profile checked by `manage.py check --deploy`.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from portal.storage import storage_config

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
    "portal.accounts",
    "policies",
    "policies.campaigns",
    "incidents",
    # Audit trail of reads (portal/audit) and the moderation journal of the official accounts (moderation/).
    "portal.audit",
    "portal.privacy",
    "moderation",
    # Anonymous and external declarations with a receipt code (intake/, README "Anonymous reports").
    "intake",
    # Disclosure authorisations (§6.2) and consents for publication (§6.1) (publishing/).
    "publishing",
    # The REST API for other systems (portal/api, README "API").
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "portal.api",
]

MIDDLEWARE = [
    # First: the request id and the line per request (portal/requestlog.py), then the health probes of
    # the load balancer, answered before host checks, HTTPS redirect and sessions (portal/health.py).
    "portal.requestlog.RequestLogMiddleware",
    "portal.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every page after the static files: never kept by a browser or a proxy (portal/middleware.py).
    "portal.middleware.NeverStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signs out after SESSION_IDLE_MINUTES idle or SESSION_MAX_HOURS in all (portal/accounts).
    "portal.accounts.middleware.SessionTimeoutMiddleware",
    "portal.middleware.PortalLocaleMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so it is the first to see a view's exception: a database that went away gets a clear 503.
    "portal.unavailable.DatabaseUnavailableMiddleware",
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
                "portal.requestlog.request_id",
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
    # The web server and the embedded worker write to the same file: wait for the lock, do not fail.
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    # Covering indexes (INCLUDE) are a PostgreSQL optimisation of the queues (incidents.models.Incident);
    # SQLite builds the same indexes without the extra columns, which changes no result.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Data on SSD or in memory: a page read at random costs about as much as one read in order. With the default
    # (4, for spinning disks) PostgreSQL reads a whole table rather than a covering index once a query covers
    # about half of it (the statistics of a year: README, "Performance"). PG_RANDOM_PAGE_COST= keeps the server's.
    _random_page_cost = env.str("PG_RANDOM_PAGE_COST", default="1.1")
    if _random_page_cost:
        try:
            _random_page_cost = float(_random_page_cost)
        except ValueError:
            raise environ.ImproperlyConfigured(f"PG_RANDOM_PAGE_COST: a number, not {_random_page_cost!r}") from None
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c random_page_cost={_random_page_cost}".strip()
# Production: keep a connection for this many seconds between requests (checked before reuse).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Sign-in (portal/accounts, README "Sign-in") --------------------------------------------------------
# Order matters (portal/accounts/backends.py): axes' lock, the LDAP directory, the gate that keeps portal
# passwords to the accounts AUTH_LOCAL_LOGIN allows, portal passwords, the OpenID Connect return.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portal.accounts.backends.DirectoryPasswordBackend",
    "portal.accounts.backends.LocalLoginGate",
    "portal.accounts.backends.PortalPasswordBackend",
    "portal.accounts.backends.OIDCBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Portal passwords: all, admins (staff status or superuser: administrators and break-glass accounts)
# or off. Unset: all without a directory, admins with one.
AUTH_LOCAL_LOGIN = env.str("AUTH_LOCAL_LOGIN", default="")
# A directory sign-in is matched to the HR export's staff by employee number (then by email if set);
# an unknown person is refused unless AUTH_CREATE_UNKNOWN.
AUTH_CREATE_UNKNOWN = env.bool("AUTH_CREATE_UNKNOWN", default=False)
AUTH_MATCH_EMAIL = env.bool("AUTH_MATCH_EMAIL", default=False)
# OpenID Connect (mozilla-django-oidc): Entra ID, ADFS, Keycloak… Endpoints come from discovery unless set.
OIDC_ISSUER = env.str("OIDC_ISSUER", default="")
OIDC_DISCOVERY_URL = env.str("OIDC_DISCOVERY_URL", default="")
OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_SCOPES = env.str("OIDC_SCOPES", default="openid email profile")
OIDC_EMPLOYEE_NUMBER_CLAIM = env.str("OIDC_EMPLOYEE_NUMBER_CLAIM", default="employee_id")
OIDC_GROUPS_CLAIM = env.str("OIDC_GROUPS_CLAIM", default="groups")
OIDC_ADMIN_GROUP = env.str("OIDC_ADMIN_GROUP", default="")
OIDC_SIGN_ALGO = env.str("OIDC_SIGN_ALGO", default="RS256")
OIDC_USE_USERINFO = env.bool("OIDC_USE_USERINFO", default=False)
OIDC_CA_FILE = env.str("OIDC_CA_FILE", default="")
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10.0)
OIDC_LEEWAY_SECONDS = env.int("OIDC_LEEWAY_SECONDS", default=60)
OIDC_DISCOVERY_CACHE_SECONDS = env.int("OIDC_DISCOVERY_CACHE_SECONDS", default=3600)
OIDC_AUTHORIZATION_ENDPOINT = env.str("OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_TOKEN_ENDPOINT = env.str("OIDC_TOKEN_ENDPOINT", default="")
OIDC_JWKS_ENDPOINT = env.str("OIDC_JWKS_ENDPOINT", default="")
OIDC_USERINFO_ENDPOINT = env.str("OIDC_USERINFO_ENDPOINT", default="")
OIDC_END_SESSION_ENDPOINT = env.str("OIDC_END_SESSION_ENDPOINT", default="")
# LDAP / Active Directory (ldap3): search with the service account, then bind as the person.
LDAP_URL = env.str("LDAP_URL", default="")
LDAP_START_TLS = env.bool("LDAP_START_TLS", default=False)
LDAP_CA_FILE = env.str("LDAP_CA_FILE", default="")
LDAP_BIND_DN = env.str("LDAP_BIND_DN", default="")
LDAP_BIND_PASSWORD = env.str("LDAP_BIND_PASSWORD", default="")
LDAP_SEARCH_BASE = env.str("LDAP_SEARCH_BASE", default="")
LDAP_USER_FILTER = env.str("LDAP_USER_FILTER", default="(objectClass=person)")
LDAP_LOGIN_ATTRIBUTES = env.str("LDAP_LOGIN_ATTRIBUTES", default="uid,employeeNumber")
LDAP_EMPLOYEE_NUMBER_ATTRIBUTE = env.str("LDAP_EMPLOYEE_NUMBER_ATTRIBUTE", default="employeeNumber")
LDAP_EMAIL_ATTRIBUTE = env.str("LDAP_EMAIL_ATTRIBUTE", default="mail")
LDAP_ADMIN_GROUP_DN = env.str("LDAP_ADMIN_GROUP_DN", default="")
LDAP_ADMIN_GROUP_NESTED = env.bool("LDAP_ADMIN_GROUP_NESTED", default=False)
LDAP_TIMEOUT = env.int("LDAP_TIMEOUT", default=5)
# Password attempts (portal/accounts/throttle.py): the wait doubles after each failure of a username from
# an address; past the spraying limit across the portal only known addresses get their password checked.
AUTH_DELAY_BASE_SECONDS = env.float("AUTH_DELAY_BASE_SECONDS", default=1.0)
AUTH_DELAY_MAX_SECONDS = env.float("AUTH_DELAY_MAX_SECONDS", default=30.0)
AUTH_SPRAYING_FAILURE_LIMIT = env.int("AUTH_SPRAYING_FAILURE_LIMIT", default=100)
AUTH_SPRAYING_WINDOW_SECONDS = env.int("AUTH_SPRAYING_WINDOW_SECONDS", default=300)
AUTH_KNOWN_ADDRESS_DAYS = env.int("AUTH_KNOWN_ADDRESS_DAYS", default=30)
PASSWORD_RESET_PER_EMAIL = env.int("PASSWORD_RESET_PER_EMAIL", default=3)
PASSWORD_RESET_PER_CLIENT = env.int("PASSWORD_RESET_PER_CLIENT", default=30)
# Sessions: signed out after this much inactivity, and this long after signing in whatever the activity.
SESSION_IDLE_MINUTES = env.float("SESSION_IDLE_MINUTES", default=30)
SESSION_MAX_HOURS = env.float("SESSION_MAX_HOURS", default=12)
# Shared workstations: the session cookie goes when the browser closes.
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
SIGN_IN_LOG_RETENTION_DAYS = env.int("SIGN_IN_LOG_RETENTION_DAYS", default=365)
# --- end of sign-in ------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:signed_out"

# Login throttling (django-axes): five failures lock the username from that address for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts made during a lock do not prolong it (an attacker would keep a shared address locked).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# axes counts password attempts only; the OpenID Connect return has no username (portal/accounts/throttle.py).
AXES_WHITELIST_CALLABLE = "portal.accounts.throttle.axes_whitelisted"
# axes keeps the query string and form of a failed attempt: never a token, code or state in it.
AXES_SENSITIVE_PARAMETERS = [
    "password", "csrfmiddlewaretoken", "code", "state", "nonce", "code_verifier", "id_token",
    "access_token", "token", "session_state",
]
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
FORMAT_MODULE_PATH = ["portal.formats"]  # unambiguous dates in both languages (portal/formats)
TIME_ZONE = "America/Toronto"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
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
# Source maps are fetched by developer tools only: compressing them (brotli) was most of collectstatic's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "media/"
# Evidence files live outside any served folder and are only streamed by an access-checked view.
PRIVATE_STORAGE_ROOT = Path(env.str("PRIVATE_STORAGE_ROOT", default=str(BASE_DIR / "var" / "private")))
# Where they are kept (portal/storage.py): unset = PRIVATE_STORAGE_ROOT; file:///shared/folder; or
# s3://bucket/prefix?endpoint_url=… (a private bucket of S3-compatible object storage, django-storages).
STORAGES["private"] = storage_config(env.str("STORAGE_URL", default=""))

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

# Celery: Redis when REDIS_URL is set (any number of machines). Without it (embedded default, one machine)
# the broker is a folder that the web process and the worker started by `make run` share (see the
# "Embedded broker" block below). CELERY_TASK_ALWAYS_EAGER=true runs tasks in-process instead.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "filesystem://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
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
# --- Broker down never blocks a request (README, "Background work") ---
# No task stores a result unless it says so (`ignore_result=False` where a caller reads it): a result
# backend that keeps reconnecting to a Redis that is down held a campaign launch for 19 s. Short socket
# timeouts for the broker and the result store; an action commits its rows first and the sweep or a
# frequent job picks them up when publishing fails.
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] = 1
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 1, "interval_start": 0}}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "notifications-sweep": {"task": "notifications.sweep_unsent", "schedule": 60.0},
    # A launch whose task never started (Redis down at launch, or restarted) resumes within minutes.
    "policies-resume-launches": {"task": "policies.resume_stalled_launches", "schedule": 60.0},
    "portal-purge-submissions": {"task": "portal.purge_submissions", "schedule": 86400.0},
    "notifications-digest": {"task": "notifications.send_daily_digests", "schedule": 3600.0},
    "incidents-escalate-overdue": {"task": "incidents.escalate_overdue", "schedule": 300.0},
    "incidents-apply-retention": {"task": "incidents.apply_retention", "schedule": 86400.0},
    "policies-campaign-reminders": {"task": "policies.send_campaign_reminders", "schedule": 3600.0},
    "roster-daily": {"task": "roster.daily_maintenance", "schedule": 3600.0},
    "accounts-purge-sign-in-log": {"task": "accounts.purge_sign_in_log", "schedule": 86400.0},
    "api-audit-retention": {"task": "api.purge_calls", "schedule": 86400.0},
    # Policy review cycle: DCAI reminded 90 and 30 days before a review date, and once it has passed.
    "policies-review-reminders": {"task": "policies.send_review_reminders", "schedule": 3600.0},
    # Audit rows past AUDIT_RETENTION_YEARS; register entries with a serious risk: notice reminders.
    "audit-purge-expired": {"task": "audit.purge_expired", "schedule": 86400.0},
    # Audit rows are written unsealed; this chains them (portal.audit.chain).
    "audit-seal-pending": {"task": "audit.seal_pending", "schedule": 60.0},
    "incidents-register-notice-reminders": {"task": "incidents.register_notice_reminders", "schedule": 3600.0},
    # PostgreSQL: the incident counts' pending changes added to the kept counts (incidents.statistics.kept).
    "incidents-fold-statistics": {"task": "incidents.fold_statistics", "schedule": 60.0},
}

# --- Embedded broker and periodic jobs (README, "Production") ------------------------------------------
# Without Redis the broker is a folder on this machine: `make run` starts a worker with beat embedded
# beside the web server, so emails leave the request and the periodic jobs run (escalation at deadlines,
# reminders, roster expiry, sweep). BEAT_INTERVALS="incidents-escalate-overdue=60,…" (seconds) changes
# the rhythm of named jobs.
CELERY_BROKER_FOLDER = Path(env.str("CELERY_BROKER_FOLDER", default=str(BASE_DIR / "var" / "celery")))
if not REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "polling_interval": 0.5,
    }
    for _folder in ("queue", "control"):
        try:
            (CELERY_BROKER_FOLDER / _folder).mkdir(parents=True, exist_ok=True)
        except OSError:  # a read-only deployment with Redis never needs it; a wrong path fails at first use
            pass
    # The one embedded worker takes turns between its queues: an escalation never waits behind a backlog of
    # emails (a first import of 20,000 people) in the queue of deliveries.
    for _entry in CELERY_BEAT_SCHEDULE.values():
        _entry.setdefault("options", {})["queue"] = "periodic"
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / "var" / "celerybeat-schedule")
)
try:  # beat cannot create its schedule file's folder itself: `make serve` on a fresh clone has no var/ yet
    Path(CELERY_BEAT_SCHEDULE_FILENAME).parent.mkdir(parents=True, exist_ok=True)
except OSError:  # a read-only location fails at beat's start, with the path in its message
    pass
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the worker logs through LOGGING (LOG_FORMAT=json included)
for _pair in filter(None, (part.strip() for part in env.str("BEAT_INTERVALS", default="").split(","))):
    _name, _sep, _seconds = _pair.partition("=")
    try:
        _interval = float(_seconds)
    except ValueError:
        _interval = 0.0
    if _name.strip() not in CELERY_BEAT_SCHEDULE or _interval <= 0:
        raise environ.ImproperlyConfigured(
            f"BEAT_INTERVALS: {_pair!r} (name=seconds; jobs: {', '.join(CELERY_BEAT_SCHEDULE)})"
        )
    CELERY_BEAT_SCHEDULE[_name.strip()]["schedule"] = _interval

# Notifications (portal/notifications/delivery.py): retries with exponential backoff (seconds, doubled per
# attempt) then failure. The sweep (every minute) hands over again rows still pending after
# NOTIFICATIONS_SWEEP_AFTER seconds once the queue is empty (or after NOTIFICATIONS_REQUEUE_AFTER seconds
# whatever the queue holds), and releases a "sending" row whose worker died: on PostgreSQL as soon as the
# connection that claimed it is gone; anywhere after NOTIFICATIONS_CLAIM_TIMEOUT seconds, longer than one
# send can take (nine SMTP exchanges of EMAIL_TIMEOUT each, then the "mark sent" retries).
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=6)
NOTIFICATIONS_RETRY_BACKOFF = env.float("NOTIFICATIONS_RETRY_BACKOFF", default=30.0)
NOTIFICATIONS_RETRY_BACKOFF_MAX = env.float("NOTIFICATIONS_RETRY_BACKOFF_MAX", default=3600.0)
NOTIFICATIONS_SWEEP_AFTER = env.int("NOTIFICATIONS_SWEEP_AFTER", default=60)
NOTIFICATIONS_REQUEUE_AFTER = env.int("NOTIFICATIONS_REQUEUE_AFTER", default=900)
NOTIFICATIONS_CLAIM_TIMEOUT = env.int("NOTIFICATIONS_CLAIM_TIMEOUT", default=EMAIL_TIMEOUT * 9 + 30)
NOTIFICATIONS_DEAD_CLAIM_GRACE = env.int("NOTIFICATIONS_DEAD_CLAIM_GRACE", default=30)
NOTIFICATIONS_DIGEST_HOUR = env.int("NOTIFICATIONS_DIGEST_HOUR", default=7)

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    # Shared by every web node (rate limits, throttling); short timeouts so a Redis outage fails fast.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
# Page fragments that depend only on what their key names, kept in each process (templates/base.html: the
# main menu by the person's flags, language and address); nothing about the data, so nothing to share.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "portal-fragments",
    "TIMEOUT": None,
    "OPTIONS": {"MAX_ENTRIES": 1000},
}

# Security headers (all profiles) and the hardened production profile.
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# The absolute session lifetime (SESSION_MAX_HOURS, sign-in block); the idle limit is enforced per request.
SESSION_COOKIE_AGE = int(SESSION_MAX_HOURS * 3600)
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
# Evidence sanitising (incidents/evidence/sandbox.py): pixels to decode (frames × width × height; a PDF's
# pages as rendered) per file and per declaration, checked before decoding; PDF pages; and the separate
# process's wall-clock deadline and address-space limit, so no upload holds a web worker longer.
EVIDENCE_MAX_PIXELS = env.int("EVIDENCE_MAX_PIXELS", default=25_000_000)
EVIDENCE_MAX_TOTAL_PIXELS = env.int("EVIDENCE_MAX_TOTAL_PIXELS", default=30_000_000)
EVIDENCE_PDF_MAX_PAGES = env.int("EVIDENCE_PDF_MAX_PAGES", default=20)
EVIDENCE_SANITISE_SECONDS = env.float("EVIDENCE_SANITISE_SECONDS", default=2.0)
EVIDENCE_SANITISE_MEMORY_MB = env.int("EVIDENCE_SANITISE_MEMORY_MB", default=1024)
# Suggestions of staff on the declaration form, per person (portal/people/search.py): a declarer
# types a few searches; a script harvesting the directory a few letters at a time is stopped.
STAFF_SEARCH_RATE_PER_MINUTE = env.int("STAFF_SEARCH_RATE_PER_MINUTE", default=20)
STAFF_SEARCH_RATE_PER_DAY = env.int("STAFF_SEARCH_RATE_PER_DAY", default=200)
# Anonymous and external declarations (intake/, docs/rules.md "Anonymous reports"). INTAKE_PUBLIC_ENABLED
# switches the public page (no account) off; staff may still declare anonymously and receipts still work.
# Rate limits (django-ratelimit "N/period"): per client address (portal.clientip) and for everyone together.
INTAKE_PUBLIC_ENABLED = env.bool("INTAKE_PUBLIC_ENABLED", default=True)
INTAKE_REPORT_RATE_PER_ADDRESS = env.str("INTAKE_REPORT_RATE_PER_ADDRESS", default="5/h")
INTAKE_REPORT_RATE_GLOBAL = env.str("INTAKE_REPORT_RATE_GLOBAL", default="200/h")
INTAKE_LOOKUP_RATE_PER_ADDRESS = env.str("INTAKE_LOOKUP_RATE_PER_ADDRESS", default="10/h")
INTAKE_LOOKUP_RATE_GLOBAL = env.str("INTAKE_LOOKUP_RATE_GLOBAL", default="500/h")
INTAKE_MAX_FILES = env.int("INTAKE_MAX_FILES", default=3)
# A page shown after a receipt check accepts answers for this many minutes (a signed form token, no cookie).
INTAKE_FOLLOW_MINUTES = env.int("INTAKE_FOLLOW_MINUTES", default=30)
# The deadline waits at most this many days for the declarer's answer (incidents/pause.py).
INCIDENT_DECLARER_PAUSE_DAYS = env.float("INCIDENT_DECLARER_PAUSE_DAYS", default=10)
# No identity (user id, address) in the request log for these paths (portal/requestlog.py).
PORTAL_REQUEST_LOG_ANONYMOUS_PATHS = ["/signalement/"]
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
# Audit rows of reads (portal/audit): kept this many years, never fewer than the register's (checked at startup).
AUDIT_RETENTION_YEARS = env.int("AUDIT_RETENTION_YEARS", default=7)
# Audit rows younger than this wait for the next sealing (an open request may still commit an older id).
AUDIT_SEAL_DELAY_SECONDS = env.int("AUDIT_SEAL_DELAY_SECONDS", default=60)
# Register entries with a risk of serious injury remind DCAI every this many working days until notified.
REGISTER_REMINDER_WORKING_DAYS = env.int("REGISTER_REMINDER_WORKING_DAYS", default=2)

# Acknowledgement campaigns: a manager reminds their team at most once in this many hours (§7.6);
# staff who join get at least this many days to acknowledge the version in force (§7.5).
CAMPAIGN_TEAM_REMINDER_HOURS = env.int("CAMPAIGN_TEAM_REMINDER_HOURS", default=24)
CAMPAIGN_NEW_STAFF_DAYS = env.int("CAMPAIGN_NEW_STAFF_DAYS", default=30)
# A launch still "launching" this many seconds after it was asked, with no run in progress, is resumed by
# the job beat runs every minute (the broker was down, or lost the task).
CAMPAIGN_LAUNCH_RESUME_AFTER = env.int("CAMPAIGN_LAUNCH_RESUME_AFTER", default=60)
# A new version in force (§7.5): the campaign for everyone who confirmed the previous one gives them this many
# days, and is launched by itself when CAMPAIGN_NEW_VERSION_AUTO_LAUNCH is true (else HR checks and launches it).
CAMPAIGN_NEW_VERSION_DAYS = env.int("CAMPAIGN_NEW_VERSION_DAYS", default=30)
CAMPAIGN_NEW_VERSION_AUTO_LAUNCH = env.bool("CAMPAIGN_NEW_VERSION_AUTO_LAUNCH", default=False)
# Incident statistics (incidents/statistics/cache.py): figures kept this many seconds unless an action on an
# incident or the register happened since (0: counted on every page).
STATISTICS_CACHE_SECONDS = env.int("STATISTICS_CACHE_SECONDS", default=300)
if REDIS_URL:
    # With a cache every process shares, the default view is counted ahead of the people who open it.
    CELERY_BEAT_SCHEDULE["incidents-warm-statistics"] = {"task": "incidents.warm_statistics", "schedule": 60.0}

# One-time submission keys of create forms (portal/submissions.py): kept this many days; a form posted
# without its key is recognised by its content for this many seconds.
PORTAL_SUBMISSION_KEEP_DAYS = env.int("PORTAL_SUBMISSION_KEEP_DAYS", default=7)
PORTAL_SUBMISSION_FINGERPRINT_SECONDS = env.int("PORTAL_SUBMISSION_FINGERPRINT_SECONDS", default=120)

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
    # After the queues section: the search, urgent watch, statistics and board report on its 100,000 incidents.
    "incidents.statistics.bench.oversight",
    "portal.roster.bench.roster",
    "portal.api.bench.api",
    "portal.accounts.bench.sign_in",
    # Evidence sanitising at its limits: worst accepted upload's time and memory, hostile files refused.
    "incidents.evidence.bench.sanitising",
]

# --- REST API for other systems (portal/api, README "API") -----------------------------------------------
# Systems only: a service account's token (Bearer) opens the API, a person's session never does.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["portal.api.authentication.ServiceTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["portal.api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["portal.api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "NUM_PROXIES": 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Portail médias sociaux — API",
    "DESCRIPTION": _(
        "API du portail de la politique 10 974 pour les autres systèmes de l'établissement : "
        "le système RH pousse l'organisation, la BI lit les prises de connaissance et les statistiques, "
        "les outils de publication lisent le registre des utilisateurs autorisés."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": False, "displayOperationId": False},
}
# Each app's endpoints under /api/v1/: callables returning URL patterns (portal/ never imports the apps).
PORTAL_API_ROUTES = [
    "portal.api.org.routes",
    "portal.roster.api.routes",
    "policies.campaigns.api.routes",
    "incidents.api.routes",
]
API_RATE_PER_MINUTE = env.int("API_RATE_PER_MINUTE", default=600)
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)
API_AUDIT_RETENTION_DAYS = env.int("API_AUDIT_RETENTION_DAYS", default=400)
# The HR export pushed through the API (JSON rows or the CSV file): 20,000 rows weigh about 4 MB.
API_ORG_MAX_BYTES = env.int("API_ORG_MAX_BYTES", default=32 * 1024 * 1024)

# Demo data of each app, called by `manage.py seed_demo` after the demo organisation when importable;
# each is a callable(), callable(out) or callable(stdout=…), and must be idempotent.
PORTAL_DEMO_HOOKS = [
    "policies.demo.seed_policy",
    "portal.roster.demo.seed_roster",
    "policies.campaigns.demo.seed_campaign",
    "incidents.demo.seed_incidents",
    # Past declarations for the statistics and the search, the general direction's login, a board report.
    "incidents.statistics.demo.seed_oversight",
    # Disclosure requests and consents of the demo employee and DCAI (publishing/).
    "publishing.demo.seed_publishing",
]

# What the organisation layer (portal/) asks of the apps above it, by dotted path, never by import
# (docs/architecture.md, "Layers"); portal.hooks calls them.
# §6.3: callable(user) -> "" or why the person cannot become an authorized user (policy not acknowledged).
PORTAL_ACKNOWLEDGEMENT_BLOCKER = "policies.selectors.acknowledgement_blocker"
# callable() -> {"policy_url", "obligations_url", "netiquette_url"} of the policy in force.
PORTAL_POLICY_LINKS = "policies.selectors.obligation_links"
# Personal-data export of one staff member (portal.privacy; Quebec privacy law): each app's section,
# a callable(profile) -> {"title", "header", "rows"} holding that person's own data only.
PORTAL_PERSONAL_DATA_SECTIONS = [
    "policies.personal_data.section",
    "incidents.personal_data.section",
    "moderation.personal_data.section",
]

# Named flags for templates (`can.use_queues`…), each a callable(user) -> dict[str, bool] owned by its
# app, computed once per request: templates never combine roles themselves.
PORTAL_TEMPLATE_FLAGS = [
    "portal.roles.template_flags",
    "policies.selectors.template_flags",
    "policies.campaigns.selectors.template_flags",
    "incidents.selectors.template_flags",
    "portal.roster.selectors.template_flags",
    "portal.accounts.selectors.template_flags",
    "portal.audit.selectors.template_flags",
    "publishing.selectors.template_flags",
]

# Home page panels, each a callable(request) -> list of panels, owned by its app.
PORTAL_HOME_PANELS = [
    "portal.notifications.home.panels",
    "policies.home.panels",
    "policies.campaigns.home.panels",
    "incidents.home.panels",
    # DCAI: incidents waiting for a register entry or a reasoned decision (Quebec privacy law).
    "incidents.home.register_panels",
    "portal.roster.home.panels",
    "publishing.home.panels",
]

# --- Logs (README, "Production") -------------------------------------------------------------------
# One line per request (portal.requestlog: method, path without query, status, duration, user id, client
# address, request id; never what people typed) and a request id on every line. LOG_FORMAT=json writes
# each line as one JSON object for the log collector.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise environ.ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.requestlog.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # The development server's own line per request repeats portal.request's; keep its errors only.
        "django.server": {"level": "WARNING"},
        # In-process tasks (embedded default) would log every delivery at INFO.
        "celery.app.trace": {"level": "WARNING"},
        # WeasyPrint (board reports) logs each layout step of each page at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
