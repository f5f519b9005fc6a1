"""Calls per minute, per token (settings.API_RATE_PER_MINUTE, read at call time)."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_rate(self) -> str:
        return f"{int(settings.API_RATE_PER_MINUTE)}/min"

    def get_cache_key(self, request, view) -> str | None:
        token = request.auth
        if not isinstance(token, ApiToken):
            return None
        return f"api-rate:{token.key_id}"
