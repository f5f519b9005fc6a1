"""gunicorn configuration of the portal (production profile): `gunicorn -c deploy/gunicorn.conf.py`.

Used by deploy/systemd/portal-web.service, `make serve` and the multi-node tests (tests/production/).
Each value below can be changed through the environment file (deploy/portal.env.example).

Why gunicorn: the portal is a synchronous Django application (ORM, templates); gunicorn is the long-proven
WSGI server for it, pure Python (nothing to compile on the hospital's servers), with graceful reloads
(`systemctl reload` sends HUP), worker recycling, and systemd readiness notification.
"""

import os

wsgi_app = "portal.wsgi:application"

# nginx (deploy/nginx/portal.conf) talks to this address; several nodes each bind their own.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Processes use the cores; two threads each serve the time a request waits on PostgreSQL, Redis or the storage.
# More threads per process cost more than they give: busy threads take turns on one interpreter lock, and
# a kept-alive connection stays with its process. Measured on 2 cores (README, "Load"): 8 processes × 2
# threads served 62 requests/s with p95 220 ms; 5 × 4 served the same rate with p95 350 ms and a third more CPU.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", 4 * (os.cpu_count() or 1)))
threads = int(os.environ.get("GUNICORN_THREADS", 2))

# A request that runs past `timeout` is a bug or a stuck backend: its worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
# One request per connection, and a process takes a connection only when one of its threads is free: with
# connections kept alive, a process keeps every client (or nginx upstream connection) it once accepted and
# serves them on its two threads while others idle (measured: two of eight processes did 60 % of the work).
# A new connection on loopback or the LAN costs far less than that queue; nginx keeps the browsers' own.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 0))
worker_connections = threads if keepalive == 0 else 1000
# Recycle workers now and then, so a slow leak never grows for weeks.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = 500
# Worker heartbeats in memory, never on a slow disk.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# The portal writes the access log itself (portal.requestlog: one line per request with the client's
# address behind the proxy, PORTAL_TRUSTED_PROXY_COUNT, and the request id): gunicorn's would only repeat it
# with the proxy's address.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "portail-medias-sociaux"
# No control socket in the home folder (ProtectHome in the unit; several instances on one machine):
# systemctl reload (HUP) and stop (TERM) are the controls.
control_socket_disable = True

# The proxy's X-Forwarded-Proto is believed only from these addresses (Django also needs
# SECURE_PROXY_SSL_HEADER, set by PORTAL_PRODUCTION).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

if os.environ.get("LOG_FORMAT") == "json":
    # gunicorn's own messages (start, worker restarts) as JSON lines too, like the portal's.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False},
        },
    }
