"""A person using the portal over HTTP, as a browser would: sign in, read pages, submit forms with their
hidden fields (CSRF token, one-time submission key…), upload a file. Standard library and urllib3 (which both
requests and locust bring) only, so it serves both the load script (deploy/load/locustfile.py, on locust's
FastHttpSession) and the multi-node tests (tests/production/test_two_nodes.py, on a requests.Session).
"""

from __future__ import annotations

import ipaddress
import struct
import zlib
from datetime import datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

from urllib3 import encode_multipart_formdata

DEMO_PASSWORD = "demo-10974-portail"


def require_loopback(base_url: str) -> None:
    """Load and fault traffic goes to this machine only: refuse any other address before sending anything."""
    host = urlsplit(base_url).hostname or ""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise SystemExit(f"refused: {base_url} is not a loopback address (127.0.0.0/8, ::1, localhost)")


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self._current = {"action": attrs.get("action") or "", "method": method, "hidden": {}}
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None and (attrs.get("type") or "").lower() == "hidden":
            if attrs.get("name"):
                self._current["hidden"][attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def hidden_fields(html: str, action: str = "", page: str = "") -> dict[str, str]:
    """The hidden inputs of the POST form whose action ends with `action` (a form without an action posts
    to its own `page`), or of the first POST form."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        target = form["action"].split("?")[0] or page
        if form["method"] == "post" and (not action or target.endswith(action)):
            return dict(form["hidden"])
    raise LookupError(f"no POST form for {action or 'this page'}")


def small_png(seed: int = 0) -> bytes:
    """A valid 8x8 PNG, different for each seed (a screenshot as far as the portal can tell)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)

    rows = b"".join(b"\x00" + bytes((seed * 7 + x * 13 + y * 29) % 256 for x in range(8 * 3)) for y in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def encode_multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """The multipart/form-data body of a form with files (`name: (file name, content, content type)`) and its
    Content-Type, as a browser sends it. Encoded here rather than by each client, so that requests and locust's
    FastHttpSession send the same bytes whatever their own support for `files=`."""
    return encode_multipart_formdata({**fields, **files})


def declaration_fields(seed: int = 0) -> dict[str, str]:
    """A plausible declaration for the normal route (to the declarer's manager)."""
    # A day ago: in the past whatever the time zones of this machine and of the portal.
    seen = (datetime.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    return {
        "description": f"Publication moqueuse visant le personnel de l'accueil (essai de charge {seed}).",
        "platform": "facebook",
        "links": f"https://facebook.example/p/{seed}",
        "seen_at": seen,
        "category": "reputation",
        "still_online": "yes",
        "concerned_kind": "institution",
        "route_choice": "normal",
    }


class Person:
    """One signed-in person on a `requests.Session` or on locust's FastHttpSession: they differ in where they
    keep cookies (`cookie_jar`); uploads are encoded here for both (`post`).

    `headers` are sent with every request: behind the tests' pretend proxy, X-Forwarded-Proto and the Host
    nginx would send.
    """

    def __init__(self, client, base_url: str = "", headers: dict[str, str] | None = None):
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.headers = dict(headers or {})

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def _named(self, name: str | None) -> dict:
        # locust's sessions group their statistics by name; a plain requests.Session takes no such argument.
        return {"name": name} if name and hasattr(self.client, "request_name") else {}

    def cookie_jar(self):
        # FastHttpSession keeps its cookies in `cookiejar`, requests in `cookies` (an empty jar is falsy).
        jar = getattr(self.client, "cookiejar", None)
        return self.client.cookies if jar is None else jar

    def plain_http_cookies(self, response):
        # The production profile marks cookies Secure; behind the pretend proxy of the load run and the tests
        # the portal is reached over plain HTTP on loopback, where a client would otherwise never send them.
        for cookie in self.cookie_jar():
            cookie.secure = False
        return response

    def get(self, path: str, *, name: str | None = None):
        response = self.client.get(self.url(path), headers=self.headers, allow_redirects=False, **self._named(name))
        return self.plain_http_cookies(response)

    def post(self, path: str, data: dict, *, files=None, referer: str | None = None, name: str | None = None):
        """Post `data` as a form; with `files` (`name: (file name, content, content type)`) as multipart."""
        headers = dict(self.headers)
        origin = f"https://{headers['Host']}" if "Host" in headers else self.base_url
        headers["Origin"] = origin
        headers["Referer"] = f"{origin}{referer or path}"
        body = data
        if files:
            body, headers["Content-Type"] = encode_multipart(data, files)
        response = self.client.post(
            self.url(path), data=body, headers=headers, allow_redirects=False, **self._named(name)
        )
        return self.plain_http_cookies(response)

    def submit(self, page: str, action: str, data: dict, *, files=None, name: str | None = None):
        """Open `page`, take the hidden fields of its form posting to `action`, and post `data` with them."""
        form_page = self.get(page, name=name and f"{name} (form)")
        form_page.raise_for_status()
        fields = {**hidden_fields(form_page.text, action, page), **data}
        return self.post(action, fields, files=files, referer=page, name=name)

    def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> None:
        page = "/comptes/connexion/"
        answer = self.submit(page, page, {"username": username, "password": password}, name="sign in")
        if answer.status_code != 302:
            raise RuntimeError(f"sign-in of {username} failed ({answer.status_code})")

    def declare(self, seed: int = 0, *, name: str | None = None):
        files = {"evidence": (f"capture-{seed}.png", small_png(seed), "image/png")}
        page = "/incidents/declarer/"
        return self.submit(page, page, declaration_fields(seed), files=files, name=name)
