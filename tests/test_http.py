"""ecgkg.http's rules, unit by unit: which URLs share an origin (the credentials stay with it),
which URLs are endpoints, and credentials given in a URL's userinfo. The exchanges themselves
(redirects, Basic and Digest) are tested against servers in tests/test_trust_boundaries.py."""

from __future__ import annotations

import pytest

from ecgkg.errors import EcgkgError
from ecgkg.http import check_url, credentials, masked, origin


def test_the_default_port_is_the_same_origin():
    assert origin("http://Example.org/sparql") == origin("http://example.org:80/other")
    assert origin("https://example.org/") == origin("https://example.org:443/x")
    assert origin("http://example.org/") != origin("http://example.org:8080/")
    assert origin("http://example.org/") != origin("https://example.org/")


@pytest.mark.parametrize("url", ["file://localhost/etc/passwd", "ftp://example.org/x", "http:///x",
                                 "example.org/sparql"])
def test_only_http_urls_with_a_host_are_endpoints(url):
    with pytest.raises(EcgkgError, match="not an http"):
        check_url(url)


def test_userinfo_credentials_are_percent_decoded(monkeypatch):
    monkeypatch.delenv("ECGKG_ENDPOINT_USER", raising=False)
    assert credentials("http://us%40er:p%3Ass@example.org/") == ("us@er", "p:ss")
    assert masked("http://us%40er:p%3Ass@example.org/x") == "http://us%40er:***@example.org/x"
