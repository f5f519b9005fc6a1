"""`manage.py bench` section: email delivery rate through one real Celery worker to a local SMTP server.

A batch of 2,000 notifications (one per throwaway person) is written in one transaction, as a campaign does,
and delivered by one worker process to an aiosmtpd server on loopback; the rate is emails accepted by the
server per second, from commit to the last email. The throwaway rows are removed afterwards.

The same emails (rendered by the portal, as bytes) are then sent by a bare smtplib loop over one connection
to the same kind of server: the wire's rate on this machine. The portal's rate over the wire's is the ratio
docs/rules.md, "Performance" asks to keep at 0.5 or more.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.utils.translation import gettext as _

BATCH = 2000
KIND = "notifications.notice"
ROOT = Path(__file__).resolve().parent.parent.parent


class _Counter:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _skip_reason(using: str) -> str:
    if not settings.REDIS_URL:
        return _("ignoré : REDIS_URL n'est pas défini")
    if connections[using].vendor != "postgresql":
        return _("ignoré : la base n'est pas PostgreSQL (le worker doit la partager)")
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        return _("ignoré : aiosmtpd n'est pas installé")
    return ""


def _database_url(using: str) -> str:
    s = connections[using].settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _start_worker(queue: str, smtp_port: int, using: str, concurrency: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(using),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": queue,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", queue, "-c", str(concurrency),
         "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def _run(using: str, concurrency: int, batched: bool, batch: int) -> tuple[float, int]:
    from aiosmtpd.controller import Controller

    from portal.celery import app

    from .models import Notification
    from .services import notify, notify_many

    counter = _Counter()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
    controller = Controller(counter, hostname="127.0.0.1", port=_free_port())
    controller.start()
    queue = f"bench-{uuid.uuid4().hex[:10]}"
    worker = _start_worker(queue, controller.port, using, concurrency)
    previous = (app.conf.task_default_queue, app.conf.task_always_eager)
    app.conf.task_default_queue, app.conf.task_always_eager = queue, False
    User = get_user_model()
    prefix = f"bench-{uuid.uuid4().hex[:8]}-"
    try:
        app.send_task("portal.ping", args=["bench"], queue=queue).get(timeout=60)
        names = [f"{prefix}{n}" for n in range(batch)]
        people = User.objects.using(using).bulk_create(
            User(username=name, email=f"{name}@bench.invalid", password="!") for name in names
        )
        started = time.monotonic()
        with transaction.atomic(using=using):
            if batched:
                notify_many(kind=KIND, recipients=people)
            else:  # one `notify` per person, hence one task per notification
                for person in people:
                    notify(kind=KIND, recipient=person)
        deadline = started + 600
        while counter.count < batch and time.monotonic() < deadline:
            time.sleep(0.02)
        elapsed = time.monotonic() - started
        sent = Notification.objects.using(using).filter(
            recipient__username__startswith=prefix, email_status=Notification.EmailStatus.SENT
        )
        # The last email is accepted a moment before its row is marked sent.
        while sent.count() < counter.count and time.monotonic() < deadline:
            time.sleep(0.05)
        return elapsed, counter.count
    finally:
        app.conf.task_default_queue, app.conf.task_always_eager = previous
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        controller.stop()
        User.objects.using(using).filter(username__startswith=prefix).delete()


def _raw_smtplib_rate(using: str, batch: int) -> tuple[float, int]:
    """Emails per second of a plain smtplib loop reusing one connection, on the portal's own messages."""
    import smtplib

    from aiosmtpd.controller import Controller

    from .emails import build_message, render_notification
    from .models import Notification

    rendered = render_notification(Notification(kind=KIND, reference="REF-1", link="/"), settings.LANGUAGE_CODE)
    messages = [
        (f"raw-{n}@bench.invalid", build_message(rendered, f"raw-{n}@bench.invalid").message().as_bytes(linesep="\r\n"))
        for n in range(batch)
    ]
    counter = _Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        started = time.monotonic()
        with smtplib.SMTP("127.0.0.1", controller.port) as smtp:
            for to, data in messages:
                smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [to], data)
        return time.monotonic() - started, counter.count
    finally:
        controller.stop()


def delivery(out=None, using: str = "default", batch: int = BATCH) -> list[tuple[str, str]]:
    """Emails per second through one worker to a local SMTP server, for a batch of 2,000: written by
    `notify_many` (a campaign: chunks of 50 per task over one SMTP connection), then by single `notify`
    calls (one task, one SMTP connection per notification)."""
    reason = _skip_reason(using)
    if reason:
        return [(_("envoi des courriels de notification"), reason)]
    concurrency = int(os.environ.get("BENCH_WORKER_CONCURRENCY", "2"))
    rows = []
    rates: list[float] = []
    for batched, how in ((True, _("notify_many")), (False, _("notify, une tâche chacun"))):
        elapsed, delivered = _run(using, concurrency, batched, batch)
        metric = _("courriels/s, %(how)s, 1 worker × %(c)s processus, lot de %(n)s") % {
            "how": how,
            "c": concurrency,
            "n": batch,
        }
        value = _("%(rate).0f (%(sent)s en %(elapsed).1f s)") % {
            "rate": delivered / elapsed if elapsed else 0.0,
            "sent": delivered,
            "elapsed": elapsed,
        }
        if delivered < batch:
            value += " " + _("INCOMPLET : %(n)s non reçus") % {"n": batch - delivered}
        rows.append((metric, value))
        rates.append(delivered / elapsed if elapsed else 0.0)
    elapsed, delivered = _raw_smtplib_rate(using, batch)
    raw = delivered / elapsed if elapsed else 0.0
    rows.append(
        (
            _("courriels/s, boucle smtplib brute, une connexion, lot de %(n)s") % {"n": batch},
            _("%(rate).0f (%(sent)s en %(elapsed).1f s)") % {"rate": raw, "sent": delivered, "elapsed": elapsed},
        )
    )
    ratio = f"{rates[0] / raw:.2f}" if raw else "-"
    rows.append((_("ratio courriels : notify_many / boucle brute (cible ≥ 0,5)"), ratio))
    return rows
