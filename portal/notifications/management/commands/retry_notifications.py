from django.core.management.base import BaseCommand

from portal.notifications.models import Notification
from portal.notifications.services import notifications_retry


class Command(BaseCommand):
    help = "Put notification emails that failed for good back in the outbox and hand them to the workers."

    def add_arguments(self, parser):
        parser.add_argument(
            "ids", nargs="*", type=int, help="Notification ids (default: every failed delivery)"
        )
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be retried")

    def handle(self, *args, ids, dry_run, **options):
        failed = Notification.objects.filter(email_status=Notification.EmailStatus.FAILED)
        if ids:
            failed = failed.filter(pk__in=ids)
        if dry_run:
            self.stdout.write(f"{failed.count()} failed notification(s) would be retried.")
            return
        count = notifications_retry(ids=ids or None)
        self.stdout.write(self.style.SUCCESS(f"{count} failed notification(s) put back for delivery."))
