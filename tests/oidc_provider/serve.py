"""Start the test provider: `python -m tests.oidc_provider.serve PORT` (environment: see settings.py).

Creates its database and signing key, then serves on 127.0.0.1:PORT (threaded) until terminated.
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")


def main() -> None:
    import django
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from oidc_provider.models import RSAKey

    if not RSAKey.objects.exists():
        call_command("creatersakey", verbosity=0)

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", int(sys.argv[1])), QuietHandler)
    server.set_app(get_wsgi_application())
    server.serve_forever()


if __name__ == "__main__":
    main()
