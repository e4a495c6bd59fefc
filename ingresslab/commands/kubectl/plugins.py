"""`kubectl ingress-nginx`: the ingress-nginx krew plugin's `backends`, `conf` and `ingresses`, computed from
the Ingresses, Services and Endpoints any Backend serves — so it works on the sandbox and on a live cluster
without the real plugin installed.

    kubectl ingress-nginx backends -n ingress-nginx [--backend NAME | --list]
    kubectl ingress-nginx conf -n ingress-nginx --host '*.example.com'
    kubectl ingress-nginx ingresses [--all-namespaces] [--host H]

Facts modelled (kubernetes/ingress-nginx v1.11, cmd/plugin and the controller):
- `backends` and `conf` first find the controller pod of `--deployment` (default `ingress-nginx-controller`)
  in the namespace (`-n`, else the context's), then read what the controller holds: its backends as posted
  to Lua (`/configuration/backends`: name `<namespace>-<service>-<port name or number>`, the Service's spec,
  ready endpoints as `{"address", "port"}` strings, then `upstream-default-backend` on 127.0.0.1:8181),
  sorted by name; and the server block nginx.tmpl renders for a host, found by its `## start server` marker.
- The controller serves Ingresses of its class `nginx` (ingressClassName, the legacy annotation, or no class
  while `nginx` is the default IngressClass).
- Like the real plugin, problems found after parsing (no controller pod, unknown host) are printed on stdout
  with exit code 0; flag errors go to stderr with exit code 1.
"""

from __future__ import annotations

import json

from ingresslab.commands.kubectl.common import KubectlContext, KubectlError
from ingresslab.commands.kubectl.flags import Flag, parse_flags
from ingresslab.commands.result import CommandResult
from ingresslab.errors import NotFound
from ingresslab.proxyconfig import TabWriter
from ingresslab.proxyconfig.output import go_json_indent
from ingresslab.routing.classes import nginx_class
from ingresslab.routing.ingress import ingress_path
from ingresslab.routing.model import DefaultBackend
from ingresslab.routing.nginx import CATCH_ALL, by_creation, nginx_route_config, upstream_of

__all__ = [
    "CONTROLLER",
    "INGRESS_CLASS",
    "backends_for",
    "ingress_nginx",
    "served_ingresses",
    "server_block",
]

CONTROLLER = "k8s.io/ingress-nginx"
INGRESS_CLASS = "nginx"
_DEFAULT = DefaultBackend()  # the controller's built-in 404 server, as the route model names it
_DEFAULT_BACKEND = _DEFAULT.upstream
_FLAGS = [
    Flag("namespace", "n"),
    Flag("context"),
    Flag("kubeconfig"),
    Flag("pod"),
    Flag("deployment", default="ingress-nginx-controller"),
    Flag("selector", "l"),
    Flag("container", default="controller"),
    Flag("backend"),
    Flag("name"),  # accepted as a spelling of --backend
    Flag("list", value=False),
    Flag("host"),
    Flag("all-namespaces", "A", value=False),
]
_SUBCOMMANDS = {
    "backends": "backends",
    "conf": "conf",
    "ingresses": "ingresses",
    "ingress": "ingresses",
    "ing": "ingresses",
}
_USAGE = (
    "A kubectl plugin for inspecting your ingress-nginx deployments\n\nUsage:\n  ingress-nginx [command]\n\n"
    "Available Commands (emulated):\n"
    "  backends    Inspect the dynamic backend information of an ingress-nginx instance\n"
    "  conf        Inspect the generated nginx.conf\n"
    "  ingresses   Provide a short summary of all of the ingress definitions\n"
)


# -- which Ingresses the controller serves -------------------------------------------------------------
def served_ingresses(backend, *, ingress_class: str = INGRESS_CLASS) -> list[dict]:
    """Ingresses (all namespaces) the `nginx` class controller picks up (`routing.classes`), oldest first."""
    classes = backend.list("ingressclasses")
    return by_creation(
        i
        for i in backend.list("ingresses")
        if nginx_class(i, classes, annotation_value=ingress_class, controller=CONTROLLER).served
    )


def _port_value(port: dict) -> int | str:
    """The Ingress backend port as the controller keeps it (an IntOrString)."""
    if port.get("number"):
        return int(port["number"])
    return str(port.get("name") or "")


def _get(backend, kind: str, name: str, namespace: str) -> dict | None:
    try:
        return backend.get(kind, name, namespace)
    except NotFound:
        return None


_SPEC_ORDER = [
    "ports",
    "selector",
    "clusterIP",
    "clusterIPs",
    "type",
    "externalIPs",
    "sessionAffinity",
    "loadBalancerIP",
    "loadBalancerSourceRanges",
    "externalName",
    "externalTrafficPolicy",
    "healthCheckNodePort",
    "publishNotReadyAddresses",
    "sessionAffinityConfig",
    "ipFamilies",
    "ipFamilyPolicy",
    "allocateLoadBalancerNodePorts",
    "loadBalancerClass",
    "internalTrafficPolicy",
    "trafficDistribution",
]
_PORT_ORDER = ["name", "protocol", "appProtocol", "port", "targetPort", "nodePort"]


def _go_order(data: dict, order: list[str]) -> dict:
    """Keys in Go struct field order (encoding/json writes a struct's fields in declaration order)."""
    return {k: data[k] for k in order if k in data}


def _service_copy(svc: dict) -> dict:
    """`&apiv1.Service{Spec: svc.Spec}`: only the spec survives, metadata is empty."""
    spec = _go_order(svc.get("spec") or {}, _SPEC_ORDER)
    if "ports" in spec:
        spec["ports"] = [_go_order(p, _PORT_ORDER) for p in spec["ports"]]
    return {"metadata": {"creationTimestamp": None}, "spec": spec, "status": {"loadBalancer": {}}}


def _endpoints(backend, svc: dict, port: int | str) -> list[dict]:
    """Ready endpoints of the Service port the Ingress names (by port number or port name)."""
    meta = svc["metadata"]
    service_port = next(
        (
            p
            for p in (svc.get("spec") or {}).get("ports") or []
            if (isinstance(port, int) and int(p["port"]) == port)
            or (isinstance(port, str) and p.get("name") == port)
        ),
        None,
    )
    if service_port is None:
        return []
    endpoints = _get(backend, "endpoints", meta["name"], meta.get("namespace") or "default") or {}
    out = []
    for subset in endpoints.get("subsets") or []:
        ports = subset.get("ports") or []
        if service_port.get("name"):
            number = next((p["port"] for p in ports if p.get("name") == service_port["name"]), None)
        else:
            number = ports[0]["port"] if len(ports) == 1 else None
        if number is None:
            continue
        out += [{"address": a["ip"], "port": str(number)} for a in subset.get("addresses") or []]
    return out


def _backend_entry(
    name: str, service: dict | None, port: int | str, endpoints: list[dict], *, hashing: dict
) -> dict:
    entry: dict = {"name": name}
    if service is not None:
        entry["service"] = _service_copy(service)
    entry["port"] = port
    entry["sslPassthrough"] = False
    if endpoints:
        entry["endpoints"] = endpoints
    entry["sessionAffinityConfig"] = {"name": "", "mode": "", "cookieSessionAffinity": {"name": ""}}
    entry["upstreamHashByConfig"] = hashing
    entry["noServer"] = False
    entry["trafficShapingPolicy"] = {
        "weight": 0,
        "weightTotal": 0,
        "header": "",
        "headerValue": "",
        "headerPattern": "",
        "cookie": "",
    }
    return entry


def _ingress_backends(ing: dict) -> list[dict]:
    spec = ing.get("spec") or {}
    found = []
    if (spec.get("defaultBackend") or {}).get("service"):
        found.append(spec["defaultBackend"]["service"])
    for rule in spec.get("rules") or []:
        for path in (rule.get("http") or {}).get("paths") or []:
            service = (path.get("backend") or {}).get("service")
            if service:
                found.append(service)
    return found


def backends_for(backend) -> list[dict]:
    """The controller's backends, as `/configuration/backends` returns them."""
    entries: dict[str, dict] = {}
    for ing in served_ingresses(backend):
        namespace = ing["metadata"].get("namespace") or "default"
        for ref in _ingress_backends(ing):
            port = _port_value(ref.get("port") or {})
            name = upstream_of(namespace, ref).name
            if name in entries:
                continue
            svc = _get(backend, "services", ref["name"], namespace)
            endpoints = _endpoints(backend, svc, port) if svc is not None else []
            entries[name] = _backend_entry(
                name, svc, port, endpoints, hashing={"upstream-hash-by-subset-size": 3}
            )
    host, _, port = _DEFAULT.address.partition(":")
    entries[_DEFAULT_BACKEND] = _backend_entry(
        _DEFAULT_BACKEND, None, 0, [{"address": host, "port": port}], hashing={}
    )
    return [entries[name] for name in sorted(entries)]


# -- nginx.conf server blocks ---------------------------------------------------------------------------
def _server_name(host: str) -> str:
    """buildServerName: a wildcard host becomes a regex capturing the subdomain."""
    if not host.startswith("*"):
        return host
    labels = host.replace("*.", "", 1).split(".")
    return r"~^(?<subdomain>[\w-]+)\." + r"\.".join(labels) + "$"


def _locations(ingresses: list[dict], host: str) -> list[tuple[str, str, dict, dict]]:
    """(nginx location, ingress path, ingress, backend service ref) for one server, as nginx.tmpl lists them.

    The locations are the server's routes in the shared route model; a Prefix path `/foo` is written as the
    two locations `/foo/` and `= /foo`, and the template lists them by path, descending (sort.SliceStable).
    """
    config = nginx_route_config(ingresses)
    vhost = next((vh for vh in config.virtual_hosts if vh.name == host.lower()), None)
    found = []
    for route in vhost.routes if vhost is not None else ():
        where = ingress_path(route, ingresses)
        if where is None:
            continue  # the default backend: rendered below when no `/` location exists
        value, service = where.path.get("path") or "/", where.path["backend"]["service"]
        if route.match.kind == "exact":
            found.append((f"= {value}", value, where.ingress, service))
        elif route.match.kind == "path_separated_prefix" and not value.endswith("/"):
            found.append((f"{value}/", value, where.ingress, service))
            found.append((f"= {value}", value, where.ingress, service))
        else:
            found.append((value, value, where.ingress, service))
    found.sort(key=lambda item: item[1], reverse=True)
    return found


def _location_block(location: str, path: str, ing: dict | None, service: dict | None) -> list[str]:
    namespace = ing["metadata"].get("namespace") or "default" if ing else ""
    port = _port_value(service.get("port") or {}) if service else 0
    upstream = upstream_of(namespace, service).name if service else _DEFAULT_BACKEND
    return [
        f"location {location} {{",
        "",
        f'\tset $namespace      "{namespace}";',
        f'\tset $ingress_name   "{ing["metadata"]["name"] if ing else ""}";',
        f'\tset $service_name   "{service["name"] if service else ""}";',
        f'\tset $service_port   "{port}";',
        f'\tset $location_path  "{path}";',
        "",
        "\trewrite_by_lua_block {",
        "\t\tlua_ingress.rewrite({",
        "\t\t\tforce_ssl_redirect = false,",
        "\t\t\tssl_redirect = true,",
        "\t\t\tforce_no_ssl_redirect = false,",
        "\t\t\tpreserve_trailing_slash = false,",
        "\t\t\tuse_port_in_redirects = false,",
        "\t\t})",
        "\t\tbalancer.rewrite()",
        "\t\tplugins.run()",
        "\t}",
        "",
        "\tlog_by_lua_block {",
        "\t\tbalancer.log()",
        "",
        "\t\tmonitor.call()",
        "",
        "\t\tplugins.run()",
        "\t}",
        "",
        "\tport_in_redirect off;",
        "",
        "\tset $balancer_ewma_score -1;",
        f'\tset $proxy_upstream_name "{upstream}";',
        "\tset $proxy_host          $proxy_upstream_name;",
        "\tset $pass_access_scheme  $scheme;",
        "",
        "\tset $pass_server_port    $server_port;",
        "",
        "\tset $best_http_host      $http_host;",
        "\tset $pass_port           $pass_server_port;",
        "",
        "\tclient_max_body_size                    1m;",
        "",
        "\tproxy_set_header Host                   $best_http_host;",
        "",
        "\tproxy_set_header X-Request-ID           $req_id;",
        "\tproxy_set_header X-Real-IP              $remote_addr;",
        "",
        "\tproxy_set_header X-Forwarded-For        $remote_addr;",
        "",
        "\tproxy_set_header X-Forwarded-Host       $best_http_host;",
        "\tproxy_set_header X-Forwarded-Port       $pass_port;",
        "\tproxy_set_header X-Forwarded-Proto      $pass_access_scheme;",
        "\tproxy_set_header X-Forwarded-Scheme     $pass_access_scheme;",
        "",
        "\tproxy_connect_timeout                   5s;",
        "\tproxy_send_timeout                      60s;",
        "\tproxy_read_timeout                      60s;",
        "",
        "\tproxy_buffering                         off;",
        "\tproxy_http_version                      1.1;",
        "",
        "\t# In case of errors try the next upstream server before returning an error",
        "\tproxy_next_upstream                     error timeout;",
        "\tproxy_next_upstream_timeout             0;",
        "\tproxy_next_upstream_tries               3;",
        "",
        "\tproxy_pass http://upstream_balancer;",
        "",
        "\tproxy_redirect                          off;",
        "",
        "}",
    ]


def _server_names(ingresses: list[dict]) -> set[str]:
    """The hosts the controller writes a `server` for (`_`, the catch-all, always among them)."""
    return {vh.name for vh in nginx_route_config(ingresses).virtual_hosts}


def server_block(backend, host: str) -> str | None:
    """The `server { ... }` nginx.tmpl renders for `host` (as `conf --host` prints it), or None."""
    ingresses = served_ingresses(backend)
    if host != CATCH_ALL and host not in _server_names(ingresses):
        return None
    locations = _locations(ingresses, host)
    body: list[str] = []
    for location, path, ing, service in locations:
        body += [*_location_block(location, path, ing, service), ""]
    if not any(location == "/" for location, *_ in locations):
        # without a root location, the controller adds one to the default backend
        body += [*_location_block("/", "/", None, None), ""]
    default = "default_server reuseport backlog=4096" if host == "_" else ""
    head = [
        "server {",
        f"\tserver_name {_server_name(host)} ;",
        "",
        "\thttp2 on;",
        "",
        f"\tlisten 80 {default};",
        f"\tlisten [::]:80 {default};",
        f"\tlisten 443 {default} ssl;",
        f"\tlisten [::]:443 {default} ssl;",
        "",
        '\tset $proxy_upstream_name "-";',
        "",
        "\tssl_certificate_by_lua_block {",
        "\t\tcertificate.call()",
        "\t}",
        "",
    ]
    lines = head + ["\t" + line if line else "" for line in body] + ["}"]
    return "\n".join("\t" + line if line else "" for line in lines)


# -- the verb ---------------------------------------------------------------------------------------------
def _controller_pod(ctx: KubectlContext, parsed, namespace: str) -> tuple[dict | None, str]:
    """request.ChoosePod: by --pod, by --selector, or the first pod of --deployment (owned by its ReplicaSet)."""
    pods = ctx.backend.list("pods", namespace)
    if parsed.get("pod"):
        pod = next((p for p in pods if p["metadata"]["name"] == parsed.get("pod")), None)
        return pod, f"pod {parsed.get('pod')} not found in namespace {namespace}"
    if parsed.get("selector"):
        chosen = ctx.backend.list("pods", namespace, label_selector=str(parsed.get("selector")))
        return (
            chosen[0] if chosen else None
        ), f"no pods for label selector {parsed.get('selector')} found in namespace {namespace}"
    deployment = str(parsed.get("deployment"))
    for pod in pods:
        for owner in pod["metadata"].get("ownerReferences") or []:
            name = owner.get("name", "")
            if (
                owner.get("controller")
                and owner.get("kind") == "ReplicaSet"
                and name.count("-") == deployment.count("-") + 1
                and name.startswith(deployment + "-")
            ):
                return pod, ""
    return None, f"no pods for deployment {deployment} found in namespace {namespace}"


def _sorted_keys(value: object) -> object:
    """What a decode into map[string]interface{} and re-encode does: keys sorted, recursively."""
    if isinstance(value, dict):
        return {k: _sorted_keys(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted_keys(v) for v in value]
    return value


def _backends(ctx: KubectlContext, parsed) -> str:
    wanted = parsed.get("backend") or parsed.get("name")
    entries = backends_for(ctx.backend)
    if parsed.get("list"):
        return "".join(entry["name"] + "\n" for entry in entries)
    if wanted:
        for entry in entries:
            if entry["name"] == wanted:
                return go_json_indent(_sorted_keys(json.loads(json.dumps(entry))), "  ") + "\n"
        return "A backend of this name was not found.\n"
    return go_json_indent(entries, "  ") + "\n"


def _conf(ctx: KubectlContext, parsed) -> str:
    host = str(parsed.get("host") or "")
    ingresses = served_ingresses(ctx.backend)
    if host:
        block = server_block(ctx.backend, host)
        if block is None:
            return f"host {host} was not found in the controller's nginx.conf\n"
        return block.strip(" \n").rstrip(" \n\t") + "\n"
    hosts = [CATCH_ALL, *sorted(_server_names(ingresses) - {CATCH_ALL})]
    parts = ["# Configuration generated by ingresslab from the cluster's Ingresses (server blocks only)\n"]
    for name in hosts:
        parts.append(
            f"\t## start server {name}\n{server_block(ctx.backend, name)}\n\t## end server {name}\n\n"
        )
    return "".join(parts)


def _ingresses(ctx: KubectlContext, parsed, namespace: str) -> str:
    every = bool(parsed.get("all-namespaces"))
    ingresses = ctx.backend.list("ingresses", None if every else namespace)
    rows = []
    for ing in ingresses:
        meta, spec = ing["metadata"], ing.get("spec") or {}
        ns = meta.get("namespace") or "default"
        addresses = []
        for lb in ((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
            addresses += [v for v in (lb.get("ip"), lb.get("hostname")) if v]
        address = ",".join(addresses)
        tls_hosts = {h for tls in spec.get("tls") or [] for h in tls.get("hosts") or []}
        default = (spec.get("defaultBackend") or {}).get("service") or {}
        default_port = str(_port_value(default.get("port") or {})) if default else ""
        if not spec.get("rules") and default:
            rows.append((ns, meta["name"], "*", "", False, default.get("name", ""), default_port, address))
            continue
        for rule in spec.get("rules") or []:
            host = rule.get("host") or ""
            tls = host in tls_hosts
            if not rule.get("http"):
                rows.append((ns, meta["name"], host, "", tls, default.get("name", ""), default_port, address))
                continue
            for path in rule["http"].get("paths") or []:
                service = (path.get("backend") or {}).get("service") or {}
                port = str(_port_value(service.get("port") or {})) if service else ""
                rows.append(
                    (
                        ns,
                        meta["name"],
                        host,
                        path.get("path") or "",
                        tls,
                        service.get("name", ""),
                        port,
                        address,
                    )
                )
    if parsed.get("host"):
        rows = [row for row in rows if row[2] == parsed.get("host")]
    header = ["INGRESS NAME", "HOST+PATH", "ADDRESSES", "TLS", "SERVICE", "SERVICE PORT", "ENDPOINTS"]
    lines = [["NAMESPACE", *header] if every else header]
    for ns, name, host, path, tls, service, port, address in rows:
        endpoints = _get(ctx.backend, "endpoints", service, ns) if service else None
        count = (
            "N/A"
            if endpoints is None
            else str(sum(len(s.get("addresses") or []) for s in endpoints.get("subsets") or []))
        )
        cells = [name, host + path, address, "YES" if tls else "NO", service, port, count]
        lines.append([ns, *cells] if every else cells)
    writer = TabWriter(minwidth=6, tabwidth=4, padding=3)
    writer.write("".join("\t".join(line) + "\n" for line in lines))
    return writer.flush()


def ingress_nginx(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    """`kubectl ingress-nginx <backends|conf|ingresses> ...`."""
    parsed = parse_flags(argv, _FLAGS)
    if not parsed.args:
        return CommandResult(_USAGE)
    sub = _SUBCOMMANDS.get(parsed.args[0])
    if sub is None:
        raise KubectlError(
            f'Error: unknown command "{parsed.args[0]}" for "ingress-nginx"\nRun \'ingress-nginx --help\' for usage.'
        )
    namespace = ctx.namespace(parsed.get("namespace"))
    if sub == "ingresses":
        return CommandResult(_ingresses(ctx, parsed, namespace))
    if sub == "backends" and parsed.get("list") and (parsed.get("backend") or parsed.get("name")):
        raise KubectlError("Error: --list and --backend cannot both be specified")
    pod, problem = _controller_pod(ctx, parsed, namespace)
    if pod is None:
        return CommandResult(problem + "\n")  # util.PrintError: stdout, and the command still succeeds
    if sub == "backends":
        return CommandResult(_backends(ctx, parsed))
    return CommandResult(_conf(ctx, parsed))
