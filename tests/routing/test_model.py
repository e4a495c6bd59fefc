"""The routing package's pieces on their own: class resolution and validation, hosts, paths, the route model."""

from __future__ import annotations

import pytest

from ingresslab.routing import classes, nginx_route_config, select
from ingresslab.routing.hosts import domain_matches, ingress_host_matches
from ingresslab.routing.paths import istio_string_match, nginx_route_match, path_matches


def _class(name, controller, default=False):
    meta = {"name": name}
    if default:
        meta["annotations"] = {classes.DEFAULT_CLASS_ANNOTATION: "true"}
    return {"metadata": meta, "spec": {"controller": controller}}


def _ingress(name="x", class_name=None, annotation=None, rules=()):
    meta = {"name": name, "namespace": "app"}
    if annotation is not None:
        meta["annotations"] = {classes.CLASS_ANNOTATION: annotation}
    spec = {"rules": list(rules)}
    if class_name is not None:
        spec["ingressClassName"] = class_name
    return {"metadata": meta, "spec": spec}


NGINX = _class("nginx", classes.NGINX_CONTROLLER, default=True)
ISTIO = _class("istio", classes.ISTIO_CONTROLLER)


def test_the_api_server_rejects_a_class_field_with_the_annotation_even_when_they_agree():
    both = _ingress(class_name="nginx", annotation="istio")
    (error,) = classes.validate_ingress_create(both)
    assert str(error) == (
        'annotations.kubernetes.io/ingress.class: Invalid value: "istio": '
        "can not be set when the class field is also set"
    )
    assert classes.validate_ingress_create(_ingress(class_name="nginx", annotation="nginx"))
    assert classes.validate_ingress_create(_ingress(class_name="nginx")) == []
    assert classes.validate_ingress_create(_ingress(annotation="istio")) == []


@pytest.mark.parametrize(
    ("ingress", "nginx", "istio"),
    [
        (_ingress(class_name="nginx"), "nginx", False),
        (_ingress(annotation="nginx"), "nginx", False),
        (_ingress(), "_", False),  # --watch-ingress-without-class
        (_ingress(annotation="istio"), None, True),
        (_ingress(class_name="istio"), None, True),
        (_ingress(class_name="traefik"), None, False),
    ],
)
def test_each_controller_reads_the_class_its_own_way(ingress, nginx, istio):
    assert classes.nginx_class(ingress, [NGINX, ISTIO]).name == nginx
    assert classes.istio_serves(ingress, [NGINX, ISTIO]) is istio


def test_the_default_class_fills_in_only_when_nothing_is_named():
    newer = {**_class("other", "x", default=True)}
    newer["metadata"]["creationTimestamp"] = "2030-01-01T00:00:00Z"
    assert classes.defaulted_class(_ingress(), [NGINX]) == "nginx"
    assert classes.defaulted_class(_ingress(), [NGINX, newer]) == "other"  # the newest default wins
    assert classes.defaulted_class(_ingress(annotation="istio"), [NGINX]) is None


def test_hosts_one_label_for_ingress_rules_any_suffix_for_envoy():
    assert ingress_host_matches("*.example.com", "A.example.com:8080")
    assert not ingress_host_matches("*.example.com", "a.b.example.com")
    assert domain_matches("*.example.com", "a.b.example.com")
    assert ingress_host_matches("a.example.com", "a.example.com.")  # nginx drops the trailing dot


@pytest.mark.parametrize(
    ("ptype", "rule", "path", "nginx", "istio"),
    [
        ("Exact", "/foo", "/foo", True, True),
        ("Exact", "/foo", "/foo/", False, False),
        ("Prefix", "/foo", "/foo/bar", True, True),
        ("Prefix", "/foo", "/foobar", False, False),
        ("Prefix", "/foo/", "/foo", True, False),  # Envoy's prefix `/foo/` does not cover `/foo`
        ("ImplementationSpecific", "/foo", "/foobar", True, False),  # nginx: string prefix; Istio: exact
        ("ImplementationSpecific", "/foo/*", "/foo/bar", False, True),
        ("ImplementationSpecific", "/foo", "/foo", True, True),
    ],
)
def test_path_types_as_each_controller_reads_them(ptype, rule, path, nginx, istio):
    assert path_matches(ptype, rule, path, controller="nginx") is nginx
    assert path_matches(ptype, rule, path, controller="istio") is istio


def test_unknown_path_type_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown pathType 'Regex'"):
        nginx_route_match("Regex", "/x")
    with pytest.raises(ValueError, match="unknown pathType"):
        istio_string_match("Regex", "/x")


def test_nginx_routes_name_their_ingress_rule_and_end_in_the_default_backend():
    def path(p, t, svc):
        return {"path": p, "pathType": t, "backend": {"service": {"name": svc, "port": {"number": 80}}}}

    rules = [
        {"host": "*.example.com", "http": {"paths": [path("/", "Prefix", "wild")]}},
        {"host": "a.example.com", "http": {"paths": [path("/api", "Prefix", "api")]}},
    ]
    config = nginx_route_config([_ingress(rules=rules)])
    chosen = select(config, "a.example.com", "/api/x")
    assert chosen.virtual_host.name == "a.example.com"
    assert chosen.route.source.rule == 1 and chosen.route.source.path == 0
    # the exact host's server has no `/` location: the default backend, not the wildcard server
    assert select(config, "a.example.com", "/other").route.default_backend is not None
    assert select(config, "b.example.com", "/other").route.destinations[0].cluster.service == "wild"
    assert select(config, "example.com", "/").virtual_host.name == "_"


def test_a_rules_host_reads_as_each_controller_matches_it():
    from ingresslab.routing import rule_host_matches

    assert not rule_host_matches("*.example.com", "a.b.example.com", "nginx")
    assert rule_host_matches("*.example.com", "a.b.example.com", "istio")  # a VirtualService host is a domain
    assert rule_host_matches(None, "anything.test", "istio") and rule_host_matches(None, "x", "nginx")
