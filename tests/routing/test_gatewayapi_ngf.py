"""NGINX Gateway Fabric's nginx servers and locations from Gateway + HTTPRoutes (routing.gatewayapi.ngf)."""

from __future__ import annotations

from ingresslab.routing.gatewayapi.ngf import (
    CATCH_ALL_SERVER,
    INVALID_BACKEND_REF,
    gateway_class_conditions,
    ngf_route_configs,
    resolve,
)
from ingresslab.routing.model import select


def _gateway(*listeners: dict) -> dict:
    listeners = listeners or (
        {
            "name": "default",
            "hostname": "*.example.com",
            "port": 80,
            "protocol": "HTTP",
            "allowedRoutes": {"namespaces": {"from": "All"}},
        },
    )
    return {
        "metadata": {"name": "gateway", "namespace": "istio-ingress"},
        "spec": {"gatewayClassName": "nginx", "listeners": list(listeners)},
    }


def _route(
    name: str,
    rules: list[dict],
    hostnames=("httpbin.example.com",),
    created="2026-01-01T00:00:00Z",
    ns="default",
):
    return {
        "metadata": {"name": name, "namespace": ns, "creationTimestamp": created},
        "spec": {
            "parentRefs": [{"name": "gateway", "namespace": "istio-ingress"}],
            "hostnames": list(hostnames),
            "rules": rules,
        },
    }


def _rule(path_type: str, value: str, svc: str = "httpbin", port: int | None = 8000, **ref) -> dict:
    backend = {"name": svc, **ref}
    if port is not None:
        backend["port"] = port
    return {"matches": [{"path": {"type": path_type, "value": value}}], "backendRefs": [backend]}


def _svc(name: str = "httpbin", ns: str = "default", port: int = 8000) -> dict:
    return {
        "metadata": {"name": name, "namespace": ns},
        "spec": {"ports": [{"port": port, "targetPort": 8080}]},
    }


def _config(routes, services=None, gateway=None, grants=()):
    services = [_svc()] if services is None else services
    return ngf_route_configs(resolve(gateway or _gateway(), routes, services, grants))


def _upstream(config, host, path):
    sel = select(config, host, path)
    return None if sel.route is None else sel.route.destinations[0].cluster.name


def test_sheet_route_gives_a_server_for_the_route_host_and_upstream_ns_svc_port():
    cfg = _config([_route("http", [_rule("PathPrefix", "/get")])])[80]
    assert [vh.name for vh in cfg.virtual_hosts] == ["httpbin.example.com"]
    assert _upstream(cfg, "httpbin.example.com", "/get") == "default_httpbin_8000"
    assert _upstream(cfg, "httpbin.example.com:80", "/get/anything") == "default_httpbin_8000"
    assert _upstream(cfg, "httpbin.example.com", "/getter") is None  # element-wise prefix: no location
    assert _upstream(cfg, "httpbin.example.com", "/headers") is None


def test_unknown_host_selects_no_server_the_default_server_answers():
    cfg = _config([_route("http", [_rule("PathPrefix", "/get")])])[80]
    assert select(cfg, "other.example.com", "/get").virtual_host is None
    assert select(cfg, "example.org", "/get").virtual_host is None


def test_no_hostnames_anywhere_is_the_catch_all_server():
    gw = _gateway({"name": "http", "port": 80, "protocol": "HTTP"})
    route = _route("r", [_rule("PathPrefix", "/")], hostnames=(), ns="istio-ingress")
    cfg = _config([route], [_svc(ns="istio-ingress")], gateway=gw)[80]
    assert [vh.name for vh in cfg.virtual_hosts] == [CATCH_ALL_SERVER]
    assert _upstream(cfg, "anything.test", "/x") == "istio-ingress_httpbin_8000"


def test_wildcard_listener_serves_any_depth_and_route_wildcards_narrow():
    cfg = _config([_route("http", [_rule("PathPrefix", "/")], hostnames=("*.b.example.com",))])[80]
    assert [vh.name for vh in cfg.virtual_hosts] == ["*.b.example.com"]
    assert _upstream(cfg, "a.b.example.com", "/") == "default_httpbin_8000"
    assert _upstream(cfg, "x.a.b.example.com", "/") == "default_httpbin_8000"
    assert select(cfg, "b.example.com", "/").virtual_host is None


def test_exact_host_server_beats_the_wildcard_one():
    routes = [
        _route("wild", [_rule("PathPrefix", "/", svc="a")], hostnames=("*.example.com",)),
        _route("exact", [_rule("PathPrefix", "/", svc="b")], hostnames=("httpbin.example.com",)),
    ]
    cfg = _config(routes, [_svc("a"), _svc("b")])[80]
    assert _upstream(cfg, "httpbin.example.com", "/") == "default_b_8000"
    assert _upstream(cfg, "other.example.com", "/") == "default_a_8000"


def test_locations_follow_gateway_api_precedence_across_routes():
    older = _route("older", [_rule("PathPrefix", "/", svc="root"), _rule("PathPrefix", "/api", svc="api")])
    newer = _route(
        "newer",
        [_rule("Exact", "/api", svc="exact"), _rule("PathPrefix", "/api/v2", svc="v2")],
        created="2026-02-01T00:00:00Z",
    )
    same = _route("same", [_rule("PathPrefix", "/api", svc="later")], created="2026-03-01T00:00:00Z")
    services = [_svc(n) for n in ("root", "api", "exact", "v2", "later")]
    cfg = _config([same, newer, older], services)[80]
    assert _upstream(cfg, "httpbin.example.com", "/api") == "default_exact_8000"
    assert _upstream(cfg, "httpbin.example.com", "/api/v2/x") == "default_v2_8000"
    assert _upstream(cfg, "httpbin.example.com", "/api/v1") == "default_api_8000"  # oldest route wins a tie
    assert _upstream(cfg, "httpbin.example.com", "/other") == "default_root_8000"


def test_invalid_backends_go_to_invalid_backend_ref_with_ngf_messages():
    cases = [
        (_rule("PathPrefix", "/", svc="missing"), "BackendNotFound", 'spec.rules[0].backendRefs[0].name: Not found: "missing"'),
        (_rule("PathPrefix", "/", port=9999), "BackendNotFound", "No matching port for Service httpbin and port 9999"),
        (_rule("PathPrefix", "/", port=None), "UnsupportedValue", "spec.rules[0].backendRefs[0].port: Required value: port cannot be nil"),
        (
            _rule("PathPrefix", "/", kind="ConfigMap"),
            "InvalidKind",
            'spec.rules[0].backendRefs[0].kind: Unsupported value: "ConfigMap": supported values: "Service"',
        ),
        (
            _rule("PathPrefix", "/", namespace="other"),
            "RefNotPermitted",
            "spec.rules[0].backendRefs[0].namespace: Forbidden: Backend ref to Service other/httpbin not permitted by "
            "any ReferenceGrant",
        ),
    ]  # fmt: skip
    for rule, reason, message in cases:
        route = _route("http", [rule])
        res = resolve(_gateway(), [route], [_svc(), _svc(ns="other")])
        ((_, conds),) = res.parents[("default", "http")]
        resolved = next(c for c in conds if c.type == "ResolvedRefs")
        accepted = next(c for c in conds if c.type == "Accepted")
        assert (resolved.status, resolved.reason, resolved.message) == ("False", reason, message)
        assert accepted.status == "True"
        assert _upstream(ngf_route_configs(res)[80], "httpbin.example.com", "/") == INVALID_BACKEND_REF


def test_reference_grant_permits_the_cross_namespace_backend():
    grant = {
        "metadata": {"name": "g", "namespace": "other"},
        "spec": {
            "from": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "default"}],
            "to": [{"group": "", "kind": "Service"}],
        },
    }
    route = _route("http", [_rule("PathPrefix", "/", namespace="other")])
    cfg = _config([route], [_svc(ns="other")], grants=[grant])[80]
    assert _upstream(cfg, "httpbin.example.com", "/") == "other_httpbin_8000"


def test_route_not_attached_gets_ngf_accepted_false_texts():
    gw = _gateway({"name": "default", "hostname": "*.example.com", "port": 80, "protocol": "HTTP"})
    res = resolve(gw, [_route("http", [_rule("PathPrefix", "/")])], [_svc()])
    ((_, conds),) = res.parents[("default", "http")]
    accepted = next(c for c in conds if c.type == "Accepted")
    assert (accepted.status, accepted.reason, accepted.message) == (
        "False",
        "NotAllowedByListeners",
        "The Route is not allowed by any listener",
    )
    assert res.attached == {"default": []}
    res = resolve(
        _gateway(), [_route("http", [_rule("PathPrefix", "/")], hostnames=("example.org",))], [_svc()]
    )
    ((_, conds),) = res.parents[("default", "http")]
    assert next(c for c in conds if c.type == "Accepted").message == (
        "The Listener hostname does not match the Route hostnames"
    )


def test_gateway_class_conditions_follow_the_installed_bundle_version():
    def summary(versions):
        return [(c.type, c.status, c.reason) for c in gateway_class_conditions(versions)]

    assert summary(["v1.5.1"]) == [
        ("Accepted", "True", "Accepted"),
        ("SupportedVersion", "True", "SupportedVersion"),
        ("ResolvedRefs", "True", "ResolvedRefs"),
    ]
    assert summary(["v1.1.0"])[1] == ("SupportedVersion", "False", "UnsupportedVersion")
    assert summary(["v2.0.0"])[0] == ("Accepted", "False", "UnsupportedVersion")
