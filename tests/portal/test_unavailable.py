"""A database that goes away during a request gets a clear 503 page, never a bare 500 (portal.unavailable)."""

from django.db import OperationalError
from django.test import RequestFactory

from portal.unavailable import DatabaseUnavailableMiddleware


def test_a_lost_database_gives_a_503_that_says_nothing_was_half_written():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = RequestFactory().post("/incidents/declarer/", HTTP_REFERER="http://testserver/incidents/declarer/")
    response = middleware.process_exception(request, OperationalError("server closed the connection"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "Service momentanément indisponible" in page and 'href="http://testserver/incidents/declarer/"' in page


def test_other_errors_are_left_alone():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("bug")) is None


def test_a_foreign_referer_is_not_offered_as_the_way_back():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = RequestFactory().post("/x/", HTTP_REFERER="https://elsewhere.example/")
    response = middleware.process_exception(request, OperationalError("down"))
    assert 'href="/"' in response.content.decode()
