"""The portal's URLs plus one view that fails, to see the 500 page as a person would."""

from django.urls import path

from portal.urls import handler500
from portal.urls import urlpatterns as portal_urlpatterns


def fails(request):
    raise RuntimeError("a bug")


urlpatterns = [path("echec/", fails), *portal_urlpatterns]

__all__ = ["handler500", "urlpatterns"]
