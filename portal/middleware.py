from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control

from .roles import roles_for


class PortalLocaleMiddleware(LocaleMiddleware):
    """French first: the language switch (cookie), then the person's preferred language, then French.

    The browser's Accept-Language is ignored on purpose: shared hospital workstations are often set
    to English while the institution works in French.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if not language or not translation.check_for_language(language):
            profile = roles_for(getattr(request, "user", None)).profile
            language = profile.language if profile else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NeverStoreMiddleware:
    """`Cache-Control: no-store, private` on every response of the portal (static files aside).

    Pages show incidents, the confidentiality register, staff and roster data, exports and evidence:
    a shared workstation's browser cache, its back button after sign-out, or a proxy must keep none of
    it. Applied to every page rather than to a list of views, so a page added later is covered too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        return response
