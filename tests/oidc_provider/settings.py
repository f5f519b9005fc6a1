"""A real OpenID Connect provider for the sign-in tests (django-oidc-provider), run in its own process on a
loopback port by tests/accounts/servers.py. Never part of the portal.

Its people log in with their employee number as username; the ID token carries `employee_id`, `email`,
names and `groups` (tests/oidc_provider/hooks.py). Tests register people and clients through a control
view guarded by a secret passed in the environment.
"""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECRET_KEY = os.environ.get("PROVIDER_SECRET_KEY", "test-provider-only")
CONTROL_SECRET = os.environ["PROVIDER_CONTROL_SECRET"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SITE_URL = os.environ["PROVIDER_SITE_URL"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.oidc_provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["PROVIDER_DATABASE"]}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
LOGIN_URL = "/login/"
# Its own cookie names: the portal runs on the same host in the browser tests.
SESSION_COOKIE_NAME = "provider_session"
CSRF_COOKIE_NAME = "provider_csrftoken"
OIDC_IDTOKEN_PROCESSING_HOOK = "tests.oidc_provider.hooks.add_claims"
OIDC_IDTOKEN_EXPIRE = int(os.environ.get("PROVIDER_IDTOKEN_EXPIRE", "600"))
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "ERROR"}}
