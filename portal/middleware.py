from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

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
