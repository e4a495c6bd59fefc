"""Gateway API matching, hostnames and precedence on their own (the spec's examples and conformance-style cases)."""

from __future__ import annotations

import pytest

from ingresslab.routing.gatewayapi import hostnames as hn
from ingresslab.routing.gatewayapi.matching import route_match, rule_matches
from ingresslab.routing.gatewayapi.precedence import match_key
from ingresslab.routing.model import Route, RouteConfiguration, RouteMatch, VirtualHost, select


def _path(kind, value):
    return {"path": {"type": kind, "value": value}}


@pytest.mark.parametrize(
    ("kind", "value", "path", "expected"),
    [
        ("Exact", "/abc", "/abc", True),
        ("Exact", "/abc", "/abc/", False),
        ("Exact", "/abc", "/ABC", False),
        ("PathPrefix", "/abc", "/abc", True),
        ("PathPrefix", "/abc", "/abc/", True),
        ("PathPrefix", "/abc", "/abc/def", True),
        ("PathPrefix", "/abc", "/abcd", False),
        ("PathPrefix", "/abc/", "/abc", True),  # a trailing `/` in the match is ignored
        ("PathPrefix", "/abc/", "/abcd", False),
        ("PathPrefix", "/", "/anything/at/all", True),
        ("RegularExpression", "/ab+c", "/abbbc", True),
        ("RegularExpression", "/ab+c", "/abbbc/d", False),  # a full match
        ("RegularExpression", "/abc", "/ABC", False),  # case-sensitive
    ],
)
def test_path_match_types(kind, value, path, expected):
    assert route_match(_path(kind, value)).matches(path) is expected


def test_path_prefix_is_envoys_path_separated_prefix_except_the_root():
    assert route_match(_path("PathPrefix", "/get/")) == RouteMatch("path_separated_prefix", "/get")
    assert route_match(_path("PathPrefix", "/")) == RouteMatch("prefix", "/")
    assert route_match({}).kind == "prefix"  # no path: the CRD default PathPrefix /
    assert route_match(_path("PathPrefix", "/get")).display == "PathPrefix:/get"


def test_a_rule_without_matches_has_the_default_match_and_matches_are_ored():
    assert rule_matches({}) == [{"path": {"type": "PathPrefix", "value": "/"}}]
    rule = {"matches": [_path("Exact", "/a"), _path("Exact", "/b")]}
    matchers = [route_match(m) for m in rule_matches(rule)]
    assert [any(m.matches(p) for m in matchers) for p in ("/a", "/b", "/c")] == [True, True, False]


def test_criteria_of_one_match_are_anded_headers_case_insensitive_by_name():
    m = route_match(
        {
            "path": {"type": "PathPrefix", "value": "/api"},
            "method": "POST",
            "headers": [
                {"name": "X-Version", "value": "2"},
                {"name": "X-Env", "type": "RegularExpression", "value": "prod|stage"},
            ],
            "queryParams": [{"name": "debug", "value": "1"}],
        }
    )
    ok = {"x-version": "2", "x-env": "stage"}
    assert m.matches("/api/x", ok, {"debug": "1"}, "POST")
    assert not m.matches("/api/x", ok, {"debug": "1"}, "GET")
    assert not m.matches("/api/x", ok, {"debug": "0"}, "POST")
    assert not m.matches("/api/x", {"x-version": "2", "x-env": "dev"}, {"debug": "1"}, "POST")
    assert not m.matches("/other", ok, {"debug": "1"}, "POST")


def test_select_reads_query_parameters_and_method_and_old_matches_ignore_them():
    only_post = RouteMatch("prefix", "/", method="POST", query=(("v", "exact", "2"),))
    plain = RouteMatch("prefix", "/")
    vh = VirtualHost("h:80", ("h",), (Route(only_post, name="post"), Route(plain, name="any")))
    config = RouteConfiguration("http.80", (vh,))
    assert select(config, "h", "/x?v=2&v=3", method="POST").route.name == "post"
    assert select(config, "h", "/x?v=2").route.name == "any"
    assert select(config, "h", "/x?v=1", method="POST").route.name == "any"
    assert plain.matches("/x") and plain.matches("/x", {}, {"v": "1"}, "DELETE")
    assert only_post.matches("/x", {}, {"v": "2"}, "POST")
    assert not only_post.matches("/x", {}, {"v": "2"})  # no method given: GET
    assert only_post.matches("/x", {":method": "POST"}, {"v": "2"})


# -- hostnames -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("pattern", "host", "expected"),
    [
        ("*.example.com", "foo.example.com", True),
        ("*.example.com", "a.b.example.com", True),  # any depth, unlike an Ingress host
        ("*.example.com", "example.com", False),
        ("foo.example.com", "FOO.example.com", True),
        (None, "anything.test", True),
    ],
)
def test_wildcard_hostnames_match_any_depth_but_not_the_parent(pattern, host, expected):
    assert hn.covers(pattern, host) is expected


@pytest.mark.parametrize(
    ("listener", "route", "expected"),
    [
        ("*.example.com", "httpbin.example.com", "httpbin.example.com"),
        ("httpbin.example.com", "*.example.com", "httpbin.example.com"),
        ("*.example.com", "*.foo.example.com", "*.foo.example.com"),
        ("*.example.com", "example.com", None),
        ("*.example.com", "other.test", None),
        (None, "a.test", "a.test"),
        ("a.test", None, "a.test"),
        (None, None, "*"),
    ],
)
def test_listener_route_hostname_intersection(listener, route, expected):
    assert hn.intersect(listener, route) == expected


def test_route_hosts_drop_non_intersecting_hostnames_and_listener_order():
    assert hn.route_hosts("*.example.com", ["a.example.com", "b.other.org", "c.d.example.com"]) == [
        "a.example.com",
        "c.d.example.com",
    ]
    assert hn.route_hosts("*.example.com", []) == ["*.example.com"]
    names = ["", "*.example.com", "foo.example.com", "*.a.example.com"]
    assert sorted(names, key=hn.listener_rank, reverse=True) == [
        "foo.example.com",
        "*.a.example.com",
        "*.example.com",
        "",
    ]


# -- precedence ------------------------------------------------------------------------------------------
def test_precedence_exact_then_longest_prefix_then_method_headers_query():
    matches = {
        "prefix-short": _path("PathPrefix", "/a"),
        "regex": _path("RegularExpression", "/a/b/c/d/e"),
        "prefix-long": _path("PathPrefix", "/a/b"),
        "exact": _path("Exact", "/a"),
        "headers-1": {**_path("PathPrefix", "/a/b"), "headers": [{"name": "x", "value": "1"}]},
        "headers-2": {
            **_path("PathPrefix", "/a/b"),
            "headers": [{"name": "x", "value": "1"}, {"name": "y", "value": "1"}],
        },
        "method": {**_path("PathPrefix", "/a/b"), "method": "GET", "headers": [{"name": "x", "value": "1"}]},
        "query": {**_path("PathPrefix", "/a/b"), "queryParams": [{"name": "q", "value": "1"}]},
    }
    order = sorted(matches, key=lambda k: match_key(matches[k]))
    assert order == [
        "exact",
        "method",
        "headers-2",
        "headers-1",
        "query",
        "prefix-long",
        "prefix-short",
        "regex",
    ]
