"""Ingress host and path matching (networking.k8s.io/v1 as ingress-nginx applies it), and Istio's conversion,
as `ingresslab.routing` models them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ingresslab.routing import model
from ingresslab.routing.classes import defaulted_class, nginx_class
from ingresslab.routing.hosts import domain_matches, ingress_host_matches
from ingresslab.routing.istio import convert_ingresses, gateway_listeners
from ingresslab.routing.nginx import CATCH_ALL, nginx_route_config
from ingresslab.routing.paths import path_matches as routing_path_matches


def path_matches(path_type: str, rule_path: str, path: str) -> bool:
    return routing_path_matches(path_type, rule_path, path, controller="nginx")


def host_matches(pattern: str, host: str) -> bool:
    return ingress_host_matches(pattern, host)


def nginx_serves(ingress: dict, classes: list[dict]) -> bool:
    """As the API server admits it: the default class filled in first, then the controller's rule."""
    name = defaulted_class(ingress, classes)
    if name is not None:
        ingress = {**ingress, "spec": {**ingress.get("spec", {}), "ingressClassName": name}}
    return nginx_class(ingress, classes, watch_without_class=False).served  # no --watch-ingress-without-class


def route(config: model.RouteConfiguration, host: str, path: str) -> model.Upstream | str | None:
    """The upstream a request lands on; "default" for a server's default backend; None for the catch-all."""
    chosen = model.select(config, host, path)
    server, hit = chosen.virtual_host, chosen.route
    if server is None or (server.name == CATCH_ALL and len(server.routes) == 1):
        return None
    if hit is None or hit.default_backend is not None:
        return "default"
    return hit.destinations[0].cluster


def select_route(config: model.RouteConfiguration, host: str, path: str):
    chosen = model.select(config, host, path)
    return chosen.virtual_host, chosen.route


segment = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=8)
paths = st.lists(segment, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts))


def ingress(name: str, rules: list[dict], created: str = "2024-09-15T08:00:00Z", **meta) -> dict:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": name, "namespace": "application", "creationTimestamp": created, **meta},
        "spec": {"rules": rules},
    }


def rule(host: str | None, *paths_: tuple[str, str, str]) -> dict:
    out: dict = {
        "http": {
            "paths": [
                {"path": p, "pathType": t, "backend": {"service": {"name": svc, "port": {"name": "http"}}}}
                for p, t, svc in paths_
            ]
        }
    }
    if host:
        out["host"] = host
    return out


def test_exact_matches_only_the_whole_path():
    assert path_matches("Exact", "/v1", "/v1")
    assert not path_matches("Exact", "/v1", "/v1/")
    assert not path_matches("Exact", "/v1", "/V1")


def test_prefix_matches_whole_elements_not_substrings():
    assert path_matches("Prefix", "/foo", "/foo")
    assert path_matches("Prefix", "/foo", "/foo/bar")
    assert not path_matches("Prefix", "/foo", "/foobar")
    assert path_matches("Prefix", "/foo/", "/foo")  # a trailing slash is ignored
    assert path_matches("Prefix", "/", "/anything/at/all")


def test_implementation_specific_is_nginx_plain_string_prefix():
    assert path_matches("ImplementationSpecific", "/foo", "/foobar")


@given(paths, segment)
def test_prefix_never_matches_a_longer_last_element(base, extra):
    assert not path_matches("Prefix", base, base + extra)
    assert path_matches("Prefix", base, base + "/" + extra)


@given(paths)
def test_exact_beats_prefix_at_equal_length(path):
    servers = nginx_route_config(
        [ingress("a", [rule("h.example.com", (path, "Prefix", "pre"), (path, "Exact", "ex"))])]
    )
    assert route(servers, "h.example.com", path).service == "ex"


@given(paths, segment)
def test_longest_matching_path_wins(base, extra):
    longer = base + "/" + extra
    servers = nginx_route_config(
        [
            ingress(
                "a",
                [
                    rule(
                        "h.example.com",
                        ("/", "Prefix", "root"),
                        (base, "Prefix", "short"),
                        (longer, "Prefix", "long"),
                    )
                ],
            )
        ]
    )
    assert route(servers, "h.example.com", longer + "/x").service == "long"
    assert route(servers, "h.example.com", base).service == "short"


@given(segment)
def test_wildcard_host_matches_exactly_one_label(label):
    assert host_matches("*.example.com", f"{label}.example.com")
    assert not host_matches("*.example.com", "example.com")
    assert not host_matches("*.example.com", f"{label}.b.example.com")


@given(segment)
def test_host_matching_ignores_case_and_port(label):
    assert host_matches(f"{label}.example.com", f"{label.upper()}.EXAMPLE.com:80")


def test_the_seeds_rules_route_v1_v2_and_everything_else():
    rules = rule(
        "*.example.com",
        ("/v1", "Exact", "dest-svc-v1"),
        ("/v2", "Exact", "dest-svc-v2"),
        ("/", "Prefix", "dest-svc-error"),
    )
    servers = nginx_route_config([ingress("my-nginx-ingress", [rules])])
    assert route(servers, "yuya.example.com", "/v1").name == "application-dest-svc-v1-http"
    assert route(servers, "yuya.example.com", "/v1/").service == "dest-svc-error"
    assert route(servers, "yuya.example.com", "/v3").service == "dest-svc-error"
    assert route(servers, "example.com", "/v1") is None  # no server: the catch-all answers


def test_no_matching_path_goes_to_the_default_backend():
    servers = nginx_route_config([ingress("a", [rule("h.example.com", ("/v1", "Exact", "s"))])])
    assert route(servers, "h.example.com", "/v2") == "default"


def test_exact_host_server_beats_a_wildcard():
    servers = nginx_route_config(
        [
            ingress(
                "a",
                [
                    rule("*.example.com", ("/", "Prefix", "wild")),
                    rule("yuya.example.com", ("/", "Prefix", "exact")),
                ],
            )
        ]
    )
    assert route(servers, "yuya.example.com", "/").service == "exact"
    assert route(servers, "other.example.com", "/").service == "wild"


def test_upstream_name_uses_port_number_when_the_backend_names_a_number():
    ing = ingress("a", [rule("h", ("/", "Prefix", "s"))])
    ing["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["port"] = {"number": 7777}
    assert route(nginx_route_config([ing]), "h", "/").name == "application-s-7777"


def test_which_ingresses_nginx_serves():
    default_nginx = {
        "metadata": {"name": "nginx", "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
        "spec": {"controller": "k8s.io/ingress-nginx"},
    }
    plain = ingress("a", [])
    istio = ingress("b", [], annotations={"kubernetes.io/ingress.class": "istio"})
    assert nginx_serves(plain, [default_nginx])
    assert not nginx_serves(plain, [])
    assert not nginx_serves(istio, [default_nginx])


def _svc(name: str, port: int, port_name: str) -> dict:
    return {
        "metadata": {"name": name, "namespace": "application"},
        "spec": {"ports": [{"name": port_name, "port": port}]},
    }


def test_istio_converts_the_seeds_ingress_into_a_gateway_and_sorted_virtual_service():
    rules = rule(
        None,
        ("/", "Prefix", "dest-svc-error"),
        ("/v1", "Exact", "dest-svc-v1"),
        ("/v1", "Prefix", "dest-svc-v2"),
    )
    for p in rules["http"]["paths"]:
        p["backend"]["service"]["port"] = {"name": "http-v1"}
    services = {
        ("application", n): _svc(n, 7777, "http-v1") for n in ("dest-svc-v1", "dest-svc-v2", "dest-svc-error")
    }
    gws, vss = convert_ingresses(
        [ingress("my-istio-ingress", [rules], annotations={"kubernetes.io/ingress.class": "istio"})], services
    )
    assert gws[0]["metadata"] == {
        "name": "my-istio-ingress-istio-autogenerated-k8s-ingress-application",
        "namespace": "istio-system",
    }
    vs = vss[0]
    assert vs["spec"]["hosts"] == ["*"]
    assert vs["metadata"]["name"] == "-my-istio-ingress-istio-autogenerated-k8s-ingress"
    assert [h["match"][0]["uri"] for h in vs["spec"]["http"]] == [
        {"exact": "/v1"},
        {"prefix": "/v1"},
        {"prefix": "/"},
    ]
    assert vs["spec"]["http"][0]["route"][0]["destination"] == {
        "host": "dest-svc-v1.application.svc.cluster.local",
        "port": {"number": 7777},
    }
    gw_svc = {"spec": {"ports": [{"name": "http2", "port": 80, "targetPort": 8080}]}}
    (listener,) = gateway_listeners(gws, vss, {"istio": "ingressgateway"}, gw_svc, services)
    assert listener.port == 8080 and listener.route_config.name == "http.8080"
    vh, r = select_route(listener.route_config, "yuya.example.com:80", "/v1")
    assert vh.name == "*:80"
    assert r.destinations[0].cluster.name == "outbound|7777||dest-svc-v1.application.svc.cluster.local"
    assert r.destinations[0].cluster.sni == "outbound_.7777_._.dest-svc-v1.application.svc.cluster.local"
    assert select_route(listener.route_config, "h", "/v1x")[1].match.display == "/*"
    assert select_route(listener.route_config, "h", "/v1/a")[1].match.display == "PathPrefix:/v1"


def test_envoy_domains_exact_suffix_prefix_and_any():
    assert domain_matches("*.example.com", "a.b.example.com")  # Envoy's suffix wildcard spans labels
    assert not domain_matches("*.example.com", "example.com")
    assert domain_matches("api.*", "api.x")
    assert domain_matches("*", "anything")
