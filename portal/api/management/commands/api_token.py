"""`manage.py api_token create|revoke|list`: service-account tokens from the command line.

    manage.py api_token create "Système RH" --scope org:write --days 90 --create-account
    manage.py api_token revoke 0123456789ab
    manage.py api_token list

`create` prints the token once, on standard output; the portal keeps only its hash.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.api import services
from portal.api.models import ApiToken, ServiceAccount
from portal.api.scopes import SCOPES


class Command(BaseCommand):
    help = _("Crée, révoque ou liste les jetons d'API des comptes de service.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help=_("Crée un jeton et l'affiche une seule fois."))
        create.add_argument("account", help=_("Nom du compte de service."))
        create.add_argument(
            "--scope", action="append", required=True, choices=list(SCOPES), help=_("Portée (répétable).")
        )
        create.add_argument("--days", type=int, default=90, help=_("Durée de validité en jours (90 par défaut)."))
        create.add_argument("--label", default="", help=_("Libellé du jeton."))
        create.add_argument(
            "--create-account", action="store_true", help=_("Crée le compte de service s'il n'existe pas.")
        )
        revoke = sub.add_parser("revoke", help=_("Révoque un jeton."))
        revoke.add_argument("key_id", help=_("Identifiant du jeton (12 caractères après « pms_ »)."))
        listing = sub.add_parser("list", help=_("Liste les jetons."))
        listing.add_argument("account", nargs="?", default="", help=_("Nom du compte de service."))

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

    def _create(self, *, account, scope, days, label, create_account, **options):
        found = ServiceAccount.objects.filter(name__iexact=account.strip()).first()
        if found is None:
            if not create_account:
                raise CommandError(
                    _("Aucun compte de service « %(name)s » (ajoutez --create-account).") % {"name": account}
                )
            found = services.service_account_create(actor=None, name=account)
        if days < 1:
            raise CommandError(_("--days : au moins 1."))
        new = services.token_create(
            actor=None,
            account=found,
            scopes=scope,
            expires_at=timezone.now() + datetime.timedelta(days=days),
            label=label,
        )
        self.stderr.write(
            _("Jeton %(key)s de « %(account)s » (%(scopes)s), expire le %(expires)s. Il ne sera plus affiché :")
            % {
                "key": new.token.key_id,
                "account": found.name,
                "scopes": ", ".join(new.token.scopes),
                "expires": timezone.localtime(new.token.expires_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
        self.stdout.write(new.secret)

    def _revoke(self, *, key_id, **options):
        token = ApiToken.objects.filter(key_id=key_id.strip().lower()).first()
        if token is None:
            raise CommandError(_("Aucun jeton %(key)s.") % {"key": key_id})
        services.token_revoke(actor=None, token=token)
        self.stdout.write(_("Jeton %(key)s révoqué.") % {"key": token.key_id})

    def _list(self, *, account, **options):
        tokens = ApiToken.objects.select_related("account").order_by("account__name", "-created_at")
        if account:
            tokens = tokens.filter(account__name__iexact=account.strip())
        now = timezone.now()
        for token in tokens:
            state = _("révoqué") if token.is_revoked else _("expiré") if token.is_expired(now) else _("actif")
            self.stdout.write(
                f"{token.key_id}  {token.account.name}  {','.join(token.scopes)}  "
                f"{timezone.localtime(token.expires_at):%Y-%m-%d}  {state}"
            )
