"""Property: for any set of Ingresses and any request, the sandbox's data plane, diagnose()'s matcher and the
gateway's route table from `istioctl proxy-config routes` choose the same route.

The backends are the demo's three Services, whose pods answer with distinct bodies, so the data plane's
choice is read from what answered; proxy-config's from its JSON route table, read on its own here."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ingresslab
from ingresslab import tutorial
from ingresslab.errors import IngresslabError
from ingresslab.manifests import DEMO_DIR
from ingresslab.routing.model import Route, RouteConfiguration, RouteMatch, Source, VirtualHost, select
from ingresslab.troubleshoot.rules import Cluster, match_ingresses

NS = "application"
SERVICES = {"dest-svc-v1": "http-v1", "dest-svc-v2": "http-v2", "dest-svc-error": "http-error"}
BODIES = {"Hello World V1": "dest-svc-v1", "Hello World V2": "dest-svc-v2", "ERROR 404": "dest-svc-error"}
RULE_HOSTS = ["a.example.com", "b.example.com", "*.example.com", "*.a.example.com", None]
RULE_PATHS = ["/", "/foo", "/foo/", "/foobar", "/foo/bar", "/v1", "/foo/*"]
PATH_TYPES = ["Exact", "Prefix", "ImplementationSpecific"]
CLASSES = [  # how an Ingress names its class: (spec fields, annotation)
    ({"ingressClassName": "nginx"}, None),
    ({}, "nginx"),
    ({}, None),  # no class at all: ingress-nginx takes it (--watch-ingress-without-class)
    ({}, "istio"),
    ({"ingressClassName": "traefik"}, None),  # nobody serves it
]
REQUEST_HOSTS = [
    "a.example.com",
    "b.example.com",
    "x.example.com",
    "c.a.example.com",
    "A.Example.com",
    "o.test",
]
REQUEST_PATHS = ["/", "/foo", "/foo/", "/foobar", "/foo/bar/baz", "/v1x"]

paths = st.builds(
    lambda path, path_type, service: {
        "path": path,
        "pathType": path_type,
        "backend": {"service": {"name": service, "port": {"name": SERVICES[service]}}},
    },
    st.sampled_from(RULE_PATHS),
    st.sampled_from(PATH_TYPES),
    st.sampled_from(sorted(SERVICES)),
)
rules = st.builds(
    lambda host, items: {**({"host": host} if host else {}), "http": {"paths": items}},
    st.sampled_from(RULE_HOSTS),
    st.lists(paths, min_size=1, max_size=3),
)
ingress_specs = st.lists(
    st.tuples(st.sampled_from(CLASSES), st.lists(rules, min_size=1, max_size=2)), min_size=1, max_size=3
)


def requests_for(specs) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Requests aimed at the generated rules (their hosts and paths, one label or element off) half the time."""
    hosts, near = set(), set()
    for _, ing_rules in specs:
        for rule in ing_rules:
            host = rule.get("host") or "any.test"
            hosts |= {host.replace("*", "w"), host.replace("*", "w.v"), host.upper().replace("*", "U")}
            for p in rule["http"]["paths"]:
                near |= {p["path"], p["path"] + "/x", p["path"] + "x", p["path"].rstrip("/*") or "/"}
    host = st.one_of(st.sampled_from(sorted(hosts)), st.sampled_from(REQUEST_HOSTS))
    path = st.one_of(st.sampled_from(sorted(near)), st.sampled_from(REQUEST_PATHS))
    return st.lists(st.tuples(host, path), min_size=1, max_size=5)


@pytest.fixture(scope="module")
def lab():
    """The demo with both front ends; each example replaces the Ingresses in its namespace."""
    sandbox = ingresslab.connect("sandbox", state=None, seed=11, cwd=DEMO_DIR.parent)
    for setup in (tutorial.ensure_istio, tutorial.ensure_nginx_ingress):
        setup(sandbox)
    return sandbox


def _apply(lab, specs) -> None:
    for old in lab.backend.list("ingresses", NS):
        lab.backend.delete("ingresses", old["metadata"]["name"], NS)
    for i, ((spec, annotation), ing_rules) in enumerate(specs):
        meta: dict = {"name": f"gen-{i}", "namespace": NS}
        if annotation is not None:
            meta["annotations"] = {"kubernetes.io/ingress.class": annotation}
        obj = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta}
        obj["spec"] = {**spec, "rules": ing_rules}
        with contextlib.suppress(IngresslabError):  # e.g. the webhook refuses a host+path defined twice
            lab.backend.apply(obj)


def _answered_by(response) -> str | None:
    body = response.body or "" if response.error is None else ""
    return next((svc for prefix, svc in BODIES.items() if body.startswith(prefix)), None)


def _diagnose_pick(cluster: Cluster, controller: str, host: str, path: str) -> str | None:
    served = [i for i in cluster.ingresses if cluster.served_by(i) == controller]
    hit = match_ingresses(served, host, path, controller)
    return hit.service if hit is not None else None


_MATCH_KEYS = {"path": "exact", "prefix": "prefix", "pathSeparatedPrefix": "path_separated_prefix"}


def _table(route_config: dict) -> RouteConfiguration:
    """A proxy-config JSON route configuration, read back into routes (service name as the route name)."""
    vhosts = []
    for vh in route_config.get("virtualHosts") or []:
        routes = []
        for r in vh.get("routes") or []:
            kind, value = next((_MATCH_KEYS[k], v) for k, v in r["match"].items() if k in _MATCH_KEYS)
            cluster = (r.get("route") or {}).get("cluster", "")
            service = cluster.rsplit("|", 1)[-1].split(".")[0] or None
            routes.append(Route(RouteMatch(kind, value), name=service, source=Source("dump", "x")))
        vhosts.append(VirtualHost(vh["name"], tuple(vh["domains"]), tuple(routes)))
    return RouteConfiguration(route_config["name"], tuple(vhosts))


def _proxy_config_pick(tables: list[RouteConfiguration], host: str, path: str) -> str | None:
    for table in tables:
        chosen = select(table, host, path).route
        if chosen is not None:
            return chosen.name
    return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ingress_specs, st.data())
def test_data_plane_diagnose_and_proxy_config_choose_the_same_route(lab, specs, data):
    _apply(lab, specs)
    reqs = data.draw(requests_for(specs))
    cluster = Cluster.read(lab.backend)
    gateway = next(
        p for p in cluster.pods if (p["metadata"].get("labels") or {}).get("istio") == "ingressgateway"
    )
    dump = lab.istioctl(f"proxy-config routes {gateway['metadata']['name']} -n istio-system -o json")
    tables = [_table(rc) for rc in json.loads(dump.stdout or "[]") if rc.get("name", "").startswith("http.")]
    for host, path in reqs:
        nginx = _answered_by(lab.request(host=host, path=path, via="nginx"))
        assert nginx == _diagnose_pick(cluster, "nginx", host, path), ("nginx", host, path)
        istio = _answered_by(lab.request(host=host, path=path, via="istio"))
        assert istio == _diagnose_pick(cluster, "istio", host, path), ("istio", host, path)
        assert istio == _proxy_config_pick(tables, host, path), ("proxy-config", host, path)
