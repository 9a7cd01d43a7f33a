"""HTTP to SPARQL endpoints and graph stores: credentials that stay with their origin.

Every request ecgkg sends to a server goes through `opener()`. Credentials (from
ECGKG_ENDPOINT_USER and ECGKG_ENDPOINT_PASSWORD, or the userinfo of the URL) are bound to the
origin (scheme, host, port) of the URL the user named: HTTP Basic is sent with the first request
to that origin, HTTP Digest when that origin asks for it (Virtuoso does), and never to another
origin. A redirect is followed only within the origin; one to another origin is refused, so
neither the credentials nor the query leave for a host the user did not name. URLs are shown in
messages with their password masked.
"""

from __future__ import annotations

import os
import urllib.request
from urllib.parse import urlsplit, urlunsplit

from ecgkg.errors import EcgkgError

USER_VARIABLE = "ECGKG_ENDPOINT_USER"
PASSWORD_VARIABLE = "ECGKG_ENDPOINT_PASSWORD"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> str:
    """scheme://host:port of a URL, with the default port written out, for comparing origins."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:
        port = None
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}"


def masked(url: str) -> str:
    """The URL as it may be shown: a password in its userinfo replaced by ***."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unreadable URL>"
    if parts.password is None and "@" not in parts.netloc:
        return url
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[1]
    netloc = f"{user}:***@{host}" if parts.password is not None else f"{user}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def without_userinfo(url: str) -> str:
    """The URL to send: userinfo removed (it becomes credentials, never part of the request)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def check_url(url: str, option: str = "--endpoint") -> None:
    """An http(s) URL with a host, or EcgkgError naming the option (password masked)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise EcgkgError(f"{option} {masked(url)}: not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EcgkgError(f"{option} {masked(url)}: not an http(s) URL")


def credentials(url: str | None = None) -> tuple[str, str] | None:
    """(user, password) from the environment, else from the URL's userinfo, else None."""
    user = os.environ.get(USER_VARIABLE)
    if user:
        return user, os.environ.get(PASSWORD_VARIABLE, "")
    if url:
        parts = urlsplit(url)
        if parts.username:
            from urllib.parse import unquote

            return unquote(parts.username), unquote(parts.password or "")
    return None


class RedirectRefused(OSError):
    """A server redirected to another origin; ecgkg does not follow it."""

    def __init__(self, source: str, target: str) -> None:
        super().__init__(f"redirected to another origin ({origin(masked(target))}); "
                         f"not followed, so nothing is sent beyond {origin(source)}")
        self.source = source
        self.target = target


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if origin(newurl) != origin(req.full_url):
            raise RedirectRefused(req.full_url, newurl)
        if code in (307, 308) and req.data is not None:
            # 307 and 308 mean "the same request there": keep the method and the body (urllib
            # would give up on a POST or PUT), so a moved endpoint still gets the query.
            return urllib.request.Request(
                newurl, data=req.data, method=req.get_method(), origin_req_host=req.origin_req_host,
                headers={k: v for k, v in req.header_items() if k.lower() != "host"})
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _BasicFirst(urllib.request.HTTPBasicAuthHandler):
    """Basic credentials with the first request; if the server answers that with a bare 401
    (no challenge: Virtuoso does so when it wants Digest), ask again without them, so that the
    server names its scheme, and stop sending Basic to this origin."""

    def http_error_401(self, req, fp, code, msg, headers):
        if headers.get("WWW-Authenticate") or not req.unredirected_hdrs.get("Authorization"):
            return super().http_error_401(req, fp, code, msg, headers)
        self.passwd.update_authenticated(origin(req.full_url) + "/", False)
        again = urllib.request.Request(
            req.full_url, data=req.data, method=req.get_method(),
            headers={k: v for k, v in req.header_items() if k.lower() != "authorization"})
        return self.parent.open(again, timeout=req.timeout)


class _Digest(urllib.request.HTTPDigestAuthHandler):
    """HTTP Digest that, once challenged, authorises the opener's next requests at once (the
    same nonce with the next nonce count, as the RFC allows). Without it every request is first
    sent bare and refused with 401; Virtuoso answers that before it has read the body and closes
    the connection, so a large upload fails with a broken pipe (urllib cannot wait for a
    100 Continue). A stale nonce is refused with a new challenge, which is taken as usual."""

    def __init__(self, manager) -> None:
        super().__init__(manager)
        self.challenge: dict | None = None

    def get_authorization(self, req, chal):
        self.challenge = chal
        return super().get_authorization(req, chal)

    def http_request(self, req):
        if self.challenge is not None and not req.has_header("Authorization"):
            authorization = self.get_authorization(req, self.challenge)
            if authorization:
                req.add_unredirected_header("Authorization", f"Digest {authorization}")
        return req

    https_request = http_request


def authenticate(opener: urllib.request.OpenerDirector, url: str, timeout: float) -> None:
    """Ask URL once without a body (HEAD), so that an origin that wants HTTP Digest has sent its
    challenge before a large body goes out through OPENER (see _Digest). Whatever the answer,
    the request that follows tells what went wrong, if anything."""
    try:
        with opener.open(urllib.request.Request(url, method="HEAD"), timeout=timeout) as answer:
            answer.read()
    except (OSError, ValueError):  # urllib's HTTPError is an OSError
        pass


def opener(url: str) -> urllib.request.OpenerDirector:
    """An opener for requests to `url`'s origin, with its credentials bound to that origin."""
    handlers: list[urllib.request.BaseHandler] = [_SameOriginRedirects()]
    login = credentials(url)
    if login:
        manager = urllib.request.HTTPPasswordMgrWithPriorAuth()
        # Bound to the origin: urllib offers these credentials to no other host or port.
        manager.add_password(None, origin(url) + "/", login[0], login[1], is_authenticated=True)
        handlers += [_BasicFirst(manager), _Digest(manager)]
    return urllib.request.build_opener(*handlers)
