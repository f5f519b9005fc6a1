"""The client address behind a configured number of trusted proxies."""

from django.test import RequestFactory

from portal.clientip import client_ip


def request(remote="10.0.0.9", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_direct_connection_ignores_forwarded_for(settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request(forwarded="1.2.3.4")) == "10.0.0.9"


def test_one_proxy_takes_the_last_forwarded_address(settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    # The client wrote "6.6.6.6" itself; nginx appended the address it saw.
    assert client_ip(request(forwarded="6.6.6.6, 192.0.2.7")) == "192.0.2.7"


def test_two_proxies_and_garbage(settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request(forwarded="6.6.6.6, 192.0.2.7, 10.0.0.5")) == "192.0.2.7"
    assert client_ip(request(forwarded="10.0.0.5")) == "10.0.0.9"  # fewer hops than proxies
    assert client_ip(request(forwarded="not-an-ip, 10.0.0.5")) == "10.0.0.9"
