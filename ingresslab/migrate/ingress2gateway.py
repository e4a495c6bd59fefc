"""What `ingress2gateway print --providers=ingress-nginx` (v1.1.0, standard emitter) makes of Ingresses.

A pure model of kubernetes-sigs/ingress2gateway at the tag v1.1.0: no cluster, no files. The sandbox's
`ingress2gateway` command (backends/sandbox/tools/ingress2gateway.py) parses the flags, gathers the
Ingresses and calls `convert`; `Conversion.stdout()` and `Conversion.stderr()` are then what the real
binary writes. The facts it follows (pkg/i2gw/providers/common, providers/ingressnginx, emitters/standard,
notifications, cmd/print.go):

- Only Ingresses of the selected class are read: `spec.ingressClassName`, else the annotation
  `kubernetes.io/ingress.class`, must equal `--ingress-nginx-ingress-class` (default `nginx`). A class-less
  Ingress is skipped: the seed's file converts to nothing. In a cluster whose default IngressClass is
  `nginx` (minikube's ingress add-on) the DefaultIngressClass admission plugin has already written
  `ingressClassName: nginx` into the stored copy, so the cluster's seed Ingress converts.
- Rules are grouped per namespace, class and host; the group takes the name of the first Ingress (Ingresses
  sorted by name). One Gateway per namespace and class, named after the class; per host a listener
  `<slug>-http` (80) and, when the Ingress has `tls`, `<slug>-https` (443, the Ingress's secrets). A hostless
  rule gets the listener `http`, unless its Ingress has exactly one TLS entry with one host: it then takes
  that host. Every rule group of an Ingress with `tls` gets the https listener, whatever hosts `tls` names.
- One HTTPRoute per group, `<ingress>-<slug>` (`-all-hosts` without a host), one rule per (pathType, path);
  a rule may have one backend only (two Ingresses routing one host and path fail the conversion: the canary
  feature's `at most one non-canary backend is allowed per rule when using canary`):
  Exact → Exact, Prefix and ImplementationSpecific → PathPrefix. `use-regex` (or rewrite-target) turns every
  path of the host into `RegularExpression` `(?i)<path>.*`. A defaultBackend becomes `<ingress>-default-backend`.
- `rewrite-target` (with `x-forwarded-prefix`) becomes a URLRewrite ReplaceFullPath filter (and a
  RequestHeaderModifier), and makes its hosts' paths regexes; a backslash-dollar capture reference on a
  regex host is reported by the emitter instead.
- ingress-nginx behaviours added on top: a path ending in `/` gets an Exact redirect (301) from the path
  without it; a host named by `tls` moves its route to port 443 (`sectionName: <slug>-https`) and gets a
  second route `<route>-http` on port 80 that redirects to https (308) unless `ssl-redirect: "false"`.
- A named service port resolves only through a Service read from the cluster: v1.1.0 reads the Services of
  an `--input-file` from the same, already consumed, reader, so from files a named port always fails with
  `cannot find port with name X in service Y`.
- Notifications go to stderr as boxes, sorted by source (`ingress-nginx`, then `standard_emitter`, whose
  URL-normalization warning is always there): unsupported `nginx.ingress.kubernetes.io/` annotations, hosts
  without a certificate, regex paths.

Where the real tool walks Go maps (Gateways and HTTPRoutes in the output, listeners' certificate references,
de-duplicated backendRefs, annotations), its order changes from run to run; this model keeps a fixed one
(Gateways and routes by namespace and name, everything else in input order).

Annotations that v1.1.0 translates beyond the ones above (canary, app-root, CORS, timeouts, body size,
redirects, backend protocol, session affinity, ...) are not modelled: `convert` raises NotEmulated for them
rather than print something the real tool would not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ingresslab.kube.printers.output import go_yaml

__all__ = [
    "EMULATED_VERSION",
    "GENERATOR_ANNOTATION",
    "Conversion",
    "ConversionFailed",
    "ConverterPanic",
    "NotEmulated",
    "Notification",
    "convert",
    "name_from_host",
    "objects_from_documents",
    "route_name",
]

EMULATED_VERSION = (
    "1.1.0"  # what the release archives print: goreleaser stamps pkg/i2gw.Version without the v
)
GENERATOR_ANNOTATION = "gateway.networking.k8s.io/generator"
PROVIDER = "ingress-nginx"
EMITTER_SOURCE = "standard_emitter"
DEFAULT_INGRESS_CLASS = "nginx"

_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
_NGINX_PREFIX = "nginx.ingress.kubernetes.io/"
_USE_REGEX = _NGINX_PREFIX + "use-regex"
_SSL_REDIRECT = _NGINX_PREFIX + "ssl-redirect"
_CANARY = _NGINX_PREFIX + "canary"
_REWRITE_TARGET = _NGINX_PREFIX + "rewrite-target"
_X_FORWARDED_PREFIX = _NGINX_PREFIX + "x-forwarded-prefix"

# The annotations v1.1.0's ingress-nginx provider reads (providers/ingressnginx/annotations.go); any other
# key under the prefix is reported as unsupported.
_PARSED = frozenset(
    _NGINX_PREFIX + key
    for key in (
        "canary",
        "canary-weight",
        "canary-weight-total",
        "canary-by-header",
        "canary-by-header-value",
        "canary-by-header-pattern",
        "canary-by-cookie",
        "rewrite-target",
        "app-root",
        "permanent-redirect",
        "permanent-redirect-code",
        "temporal-redirect",
        "temporal-redirect-code",
        "proxy-redirect-from",
        "proxy-redirect-to",
        "x-forwarded-prefix",
        "upstream-vhost",
        "connection-proxy-header",
        "custom-headers",
        "proxy-connect-timeout",
        "proxy-send-timeout",
        "proxy-read-timeout",
        "proxy-body-size",
        "client-body-buffer-size",
        "backend-protocol",
        "use-regex",
        "ssl-redirect",
        "enable-cors",
        "cors-allow-origin",
        "cors-allow-headers",
        "cors-allow-methods",
        "cors-allow-credentials",
        "cors-expose-headers",
        "cors-max-age",
        "whitelist-source-range",
        "denylist-source-range",
        "proxy-ssl-verify",
        "proxy-ssl-secret",
        "proxy-ssl-name",
        "proxy-ssl-server-name",
        "proxy-ssl-verify-depth",
        "proxy-ssl-protocols",
        "affinity",
        "session-cookie-expires",
        "ssl-passthrough",
    )
)
# Read by the provider and modelled here.
_MODELLED = frozenset({_USE_REGEX, _SSL_REDIRECT, _REWRITE_TARGET, _X_FORWARDED_PREFIX})
# Read by the provider (from-to-www-redirect is applied although it is also reported as unsupported) and
# not modelled.
_NOT_MODELLED = (_PARSED - _MODELLED) | {_NGINX_PREFIX + "from-to-www-redirect"}

_URL_NORMALIZATION = (
    "Gateway API does not support configuring URL normalization (RFC 3986, Section 6). Please check if this "
    "matters for your use case and consult implementation-specific details."
)
_SELF_SIGNED = (
    "Ingress NGINX serves TLS traffic for host {host} with a self-signed certificate. This behavior will not "
    "be translated and the host will not be accessible via HTTPS."
)
_REGEX_INFO = "Using case-insensitive regex path matches. You may want to change this."


class NotEmulated(Exception):
    """The input uses something this model of ingress2gateway does not reproduce."""


class ConverterPanic(Exception):
    """Input on which the real converter dereferences a nil pointer and dies (exit code 2, a Go panic)."""

    MESSAGE = (
        "panic: runtime error: invalid memory address or nil pointer dereference\n"
        "[signal SIGSEGV: segmentation violation code=0x1 addr=0x8 pc=0x14324af]\n\n"
        "goroutine 1 [running]:\n"
        "github.com/kubernetes-sigs/ingress2gateway/pkg/i2gw/providers/common.toHTTPRouteMatch(...)\n"
        "\tgithub.com/kubernetes-sigs/ingress2gateway@v1.1.0/pkg/i2gw/providers/common/converter.go:523\n"
    )


class ConversionFailed(Exception):
    """The conversion's field errors; `str()` is the message the CLI prints after `Error: `."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        # i2gw.aggregatedErrs wraps one error per line break: "\n" * (n + 1) + "# Encountered n errors # e1 # e2"
        super().__init__(
            "\n" * (len(self.errors) + 1)
            + f"# Encountered {len(self.errors)} errors"
            + "".join(f" # {e}" for e in self.errors)
        )


@dataclass(frozen=True, slots=True)
class Notification:
    """One box of the report on stderr. `objects` None: no object line; a None inside: Go's nil object."""

    level: str  # "INFO", "WARNING" or "ERROR"
    message: str
    source: str
    objects: tuple[str | None, ...] | None = None


_GRAY, _RESET, _PURPLE, _GREEN = "\033[90m", "\033[0m", "\033[95m", "\033[92m"
_LABELS = {"ERROR": ("ERROR", "\033[31m"), "WARNING": ("WARN ", "\033[33m"), "INFO": ("INFO ", "\033[36m")}


def render_report(notifications: Iterable[Notification], *, color: bool = True) -> str:
    """The report's boxes, sources in sorted order, each source's notifications as they were added."""

    def c(code: str) -> str:
        return code if color else ""

    by_source: dict[str, list[Notification]] = {}
    for n in notifications:
        by_source.setdefault(n.source, []).append(n)
    out: list[str] = []
    for source in sorted(by_source):
        for n in by_source[source]:
            label, lcolor = _LABELS.get(n.level, _LABELS["INFO"])
            out.append(f"{c(_GRAY)}┌─ {c(lcolor)}{label}{c(_GRAY)} {'─' * 40}{c(_RESET)}\n")
            out.append(f"{c(_GRAY)}│{c(_RESET)}  {n.message}\n")
            out.append(
                f"{c(_GRAY)}│{c(_RESET)}  {c(_GRAY)}source:{c(_RESET)} {c(_PURPLE)}{source.upper()}{c(_RESET)}\n"
            )
            if n.objects:
                key = "objects" if len(n.objects) > 1 else "object"
                text = ", ".join(o for o in n.objects if o is not None)
                out.append(
                    f"{c(_GRAY)}│{c(_RESET)}  {c(_GRAY)}{key}:{c(_RESET)} {c(_GREEN)}{text}{c(_RESET)}\n"
                )
            out.append(f"{c(_GRAY)}└─{c(_RESET)}\n")
    return "".join(out)


@dataclass(slots=True)
class Conversion:
    """What one `print` produced: the Gateway API objects in print order and the report's notifications."""

    gateways: list[dict] = field(default_factory=list)
    httproutes: list[dict] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    version: str = EMULATED_VERSION

    @property
    def documents(self) -> list[dict]:
        """The printed objects, generator annotation included."""
        out = []
        for obj in [*self.gateways, *self.httproutes]:
            meta = obj["metadata"]
            annotations = {
                **(meta.get("annotations") or {}),
                GENERATOR_ANNOTATION: f"ingress2gateway-{self.version}",
            }
            out.append({**obj, "metadata": {**meta, "annotations": annotations}})
        return out

    def stdout(self, namespace_filter: str = "") -> str:
        """cli-runtime's YAMLPrinter: `---` before every object but the first; or `No resources found`."""
        docs = self.documents
        if not docs:
            where = f" in {namespace_filter} namespace" if namespace_filter else ""
            return f"No resources found{where}\n"
        return "---\n".join(go_yaml(doc) for doc in docs)

    def stderr(self, *, color: bool = True) -> str:
        return render_report(self.notifications, color=color)


# ------------------------------------------------------------------------------------------ names
def name_from_host(host: str) -> str:
    """common.NameFromHost: runs of non-alphanumerics → `-`, leading ones dropped; `*` or empty → `all-hosts`."""
    if host in ("", "*"):
        return "all-hosts"
    return re.sub(r"^[^a-zA-Z0-9]+", "", re.sub(r"[^a-zA-Z0-9]+", "-", host))


def route_name(ingress_name: str, host: str) -> str:
    return f"{ingress_name}-{name_from_host(host)}"


# ------------------------------------------------------------------------------------------ input
def objects_from_documents(documents: Iterable[Any], namespace: str = "") -> list[dict]:
    """common.ExtractObjectsFromReader: drop documents outside `namespace` (a List too: it has none), then
    expand Lists (anything with an `items` list) into their items."""
    kept = [d for d in documents if isinstance(d, dict) and d]
    if namespace:
        kept = [d for d in kept if _meta(d).get("namespace", "") == namespace]
    out: list[dict] = []
    for doc in kept:
        items = doc.get("items")
        if isinstance(items, list):
            out.extend(i for i in items if isinstance(i, dict))
        else:
            out.append(doc)
    return out


def _meta(obj: Mapping) -> Mapping:
    meta = obj.get("metadata")
    return meta if isinstance(meta, Mapping) else {}


def _annotations(obj: Mapping) -> Mapping[str, str]:
    ann = _meta(obj).get("annotations")
    return ann if isinstance(ann, Mapping) else {}


def ingress_class(ingress: Mapping) -> str:
    """common.GetIngressClass: a non-empty ingressClassName, else the class annotation (even empty), else ''."""
    name = (ingress.get("spec") or {}).get("ingressClassName")
    if name:
        return str(name)
    return str(_annotations(ingress).get(_CLASS_ANNOTATION, "") or "")


def _parse_bool(value: Any) -> bool | None:
    """Go's strconv.ParseBool; None where it fails."""
    text = str(value)
    if text in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if text in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    return None


# ------------------------------------------------------------------------------------------ errors
def _go_quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _invalid(path: str, value: str | None, detail: str) -> str:
    """field.Invalid(...).Error(): `<path>: Invalid value: <value>: <detail>`."""
    shown = "null" if value is None else _go_quote(value)
    return f"{path}: Invalid value: {shown}: {detail}"


# ------------------------------------------------------------------------------------------ conversion
@dataclass(slots=True)
class _Ingress:
    namespace: str
    name: str
    obj: Mapping

    @property
    def annotations(self) -> Mapping[str, str]:
        return _annotations(self.obj)

    @property
    def spec(self) -> Mapping:
        spec = self.obj.get("spec")
        return spec if isinstance(spec, Mapping) else {}


@dataclass(slots=True)
class _RuleGroup:
    namespace: str
    name: str
    ingress_class: str
    host: str
    tls: list[Mapping] = field(default_factory=list)
    rules: list[tuple[_Ingress, Mapping]] = field(default_factory=list)


@dataclass(slots=True)
class _Rewrite:
    target: str
    forwarded_prefix: str
    capture_groups: bool  # a regex host and a `\$` in the target: not translated, reported
    ingress: _Ingress


@dataclass(slots=True)
class _Route:
    obj: dict
    sources: list[list[_Ingress]]  # per rule, the Ingress of each backend
    rewrites: dict[int, _Rewrite] = field(default_factory=dict)  # by rule index


def _backend_ref(
    namespace: str, backend: Mapping, service_ports: Mapping[tuple[str, str], Mapping[str, int]], path: str
) -> tuple[dict | None, str | None]:
    """common.ToBackendRef."""
    service = backend.get("service")
    if isinstance(service, Mapping):
        port = service.get("port") if isinstance(service.get("port"), Mapping) else {}
        svc_name = str(service.get("name", "") or "")
        port_name = str(port.get("name", "") or "")
        if not port_name:
            return {"name": svc_name, "port": int(port.get("number", 0) or 0)}, None
        number = service_ports.get((namespace, svc_name), {}).get(port_name)
        if number is None:
            return None, _invalid(
                f"{path}.service.port",
                "name",
                f"cannot find port with name {port_name} in service {svc_name}",
            )
        return {"name": svc_name, "port": number}, None
    resource = backend.get("resource") if isinstance(backend.get("resource"), Mapping) else {}
    ref: dict[str, Any] = {}
    if resource.get("apiGroup") is not None:
        ref["group"] = resource["apiGroup"]
    ref["kind"] = resource.get("kind", "")
    ref["name"] = resource.get("name", "")
    return ref, None


def _path_match(path: Mapping, field_path: str) -> tuple[dict | None, str | None]:
    """common.toHTTPRouteMatch with ingress-nginx's ImplementationSpecific → PathPrefix."""
    kind = path.get("pathType")
    if kind is None:
        return None, _invalid(f"{field_path}.pathType", None, "pathType is required")
    types = {"Prefix": "PathPrefix", "Exact": "Exact", "ImplementationSpecific": "PathPrefix"}
    if kind not in types:
        # v1.1.0 formats its error from the match's still-nil type and crashes (converter.go:523). Only a file
        # can hold such an Ingress: the API server rejects it.
        raise ConverterPanic(f"pathType {kind!r} at {field_path}")
    return {"path": {"type": types[kind], "value": str(path.get("path", "") or "")}}, None


def _check_modelled(ingresses: Sequence[_Ingress]) -> None:
    for ing in ingresses:
        used = sorted(k for k in ing.annotations if k in _NOT_MODELLED)
        if used:
            raise NotEmulated(
                f"the sandbox's ingress2gateway does not model the annotation {used[0]} "
                f"(Ingress {ing.namespace}/{ing.name}); run the real ingress2gateway for it"
            )


def convert(
    ingresses: Iterable[Mapping],
    *,
    ingress_class_flag: str = DEFAULT_INGRESS_CLASS,
    services: Iterable[Mapping] = (),
    object_kind: str = "Ingress",
    version: str = EMULATED_VERSION,
) -> Conversion:
    """Convert Ingress objects (already filtered by namespace) as v1.1.0 does.

    `services` resolve named ports (the cluster's; an --input-file's never arrive, see the module notes).
    `object_kind` is how the report names an Ingress: `Ingress` for one decoded from a file, `` for one
    listed from a cluster (list items carry no kind). Raises ConversionFailed, ConverterPanic or NotEmulated.
    """
    notes: list[Notification] = []

    def notify(level: str, message: str, objects: tuple[str | None, ...] | None = None) -> None:
        notes.append(Notification(level, message, PROVIDER, objects))

    # resource_reader: the class filter, one object per namespace/name (the last wins), sorted by name.
    selected: dict[tuple[str, str], _Ingress] = {}
    for obj in ingresses:
        if obj.get("kind") != "Ingress" or ingress_class(obj) != ingress_class_flag:
            continue
        meta = _meta(obj)
        ing = _Ingress(str(meta.get("namespace", "") or ""), str(meta.get("name", "") or ""), obj)
        selected[(ing.namespace, ing.name)] = ing
    ingress_list = sorted(selected.values(), key=lambda i: (i.name, i.namespace))
    _check_modelled(ingress_list)

    service_ports: dict[tuple[str, str], dict[str, int]] = {}
    for svc in services:
        meta = _meta(svc)
        ports = {
            str(p.get("name", "") or ""): int(p.get("port", 0) or 0)
            for p in (svc.get("spec") or {}).get("ports") or []
        }
        service_ports[(str(meta.get("namespace", "") or ""), str(meta.get("name", "") or ""))] = ports

    def ref(ing: _Ingress) -> str:
        return f"{object_kind}: {ing.namespace}/{ing.name}"

    # -- common.ToIR -------------------------------------------------------------------------------
    groups: dict[str, _RuleGroup] = {}
    default_backends: list[tuple[_Ingress, str, Mapping]] = []
    for ing in ingress_list:
        klass = ingress_class(ing.obj)
        tls = [t for t in ing.spec.get("tls") or [] if isinstance(t, Mapping)]
        for rule in ing.spec.get("rules") or []:
            host = str(rule.get("host", "") or "")
            key = f"{ing.namespace}/{klass}/{host}/http"
            group = groups.setdefault(key, _RuleGroup(ing.namespace, ing.name, klass, host))
            group.tls.extend(tls)
            group.rules.append((ing, rule))
        if isinstance(ing.spec.get("defaultBackend"), Mapping):
            default_backends.append((ing, klass, ing.spec["defaultBackend"]))

    errors: list[str] = []
    listeners_by_gateway: dict[str, list[tuple[str | None, list[str] | None]]] = {}
    routes: list[_Route] = []
    for key in sorted(groups, key=lambda k: k.encode()):
        group = groups[key]
        hostname: str | None = None
        if group.host:
            hostname = group.host
        elif len(group.tls) == 1 and len(group.tls[0].get("hosts") or []) == 1:
            hostname = str(group.tls[0]["hosts"][0])
        certs: list[str] | None = None
        if group.tls:
            # A Go map of secret names: its order varies from run to run; sorted here.
            certs = sorted({str(t.get("secretName", "") or "") for t in group.tls})
        listeners_by_gateway.setdefault(f"{group.namespace}/{group.ingress_class}", []).append(
            (hostname, certs)
        )
        route, errs = _to_http_route(group, service_ports)
        routes.append(route)
        errors.extend(errs)

    for i, (ing, klass, backend) in enumerate(default_backends):
        obj = _route_object(f"{ing.name}-default-backend", ing.namespace)
        obj["spec"]["parentRefs"] = [{"name": klass}]
        backend_ref, err = _backend_ref(
            ing.namespace, backend, service_ports, f"{ing.name}.paths.backends[{i}]"
        )
        if err:
            errors.append(err)
        else:
            obj["spec"]["rules"] = [{"backendRefs": [backend_ref]}]
        routes.append(_Route(obj, [[ing]]))

    gateways: list[dict] = []
    for gw_key, listeners in listeners_by_gateway.items():
        namespace, klass = gw_key.split("/", 1)
        gateways.append(_gateway(namespace, klass, listeners))

    if errors:
        gateways, routes = [], []

    # -- ingressnginx converter ---------------------------------------------------------------------
    for gw in sorted(gateways, key=_key):
        https_hosts = {x["hostname"] for x in gw["spec"]["listeners"] if "hostname" in x and x["port"] == 443}
        for listener in gw["spec"]["listeners"]:
            if "hostname" in listener and listener["port"] == 80 and listener["hostname"] not in https_hosts:
                notify("WARNING", _SELF_SIGNED.format(host=_go_quote(listener["hostname"])))
    for ing in ingress_list:
        for annotation in sorted(ing.annotations):  # a Go map: unordered in the real report
            if annotation.startswith(_NGINX_PREFIX) and annotation not in _PARSED:
                notify("WARNING", f"Unsupported annotation {annotation}", (ref(ing),))
    if errors:
        raise ConversionFailed(errors)

    # The IR keeps routes by namespace/name: two hosts with one slug (`example.com`, `*.example.com`) name one
    # route twice, and the later (by group key), or a default backend's, replaces the earlier.
    group_keys = [_key(r.obj) for r in routes[: len(routes) - len(default_backends)]]
    by_key = {_key(r.obj): r for r in routes}
    routes = list(by_key.values())
    feature_errors = _canary_feature([by_key[k] for k in sorted(group_keys)])
    _regex_feature(ingress_list, routes, notify)
    _rewrite_target(ingress_list, routes)
    routes = _ssl_and_trailing_slash_redirects(ingress_list, routes)
    if feature_errors:
        raise ConversionFailed(feature_errors)

    # -- common emitter: rewrites become URLRewrite filters (capture groups stay untranslated) ----------
    unparsed: list[Notification] = []
    for route in sorted(routes, key=lambda r: _key(r.obj)):  # Go maps in the real tool
        namespace, name = _key(route.obj)
        for idx, rewrite in sorted(route.rewrites.items()):
            if rewrite.capture_groups:
                unparsed.append(
                    Notification(
                        "WARNING",
                        f'Failed to apply metadata.annotations."{_REWRITE_TARGET}" from rewrite-target from Ingress '
                        f"{rewrite.ingress.namespace}/{rewrite.ingress.name}: Path rewrites with capture group "
                        "references are not supported",
                        EMITTER_SOURCE,
                        (f"HTTPRoute: {namespace}/{name}",),
                    )
                )
                continue
            filters = route.obj["spec"]["rules"][idx].setdefault("filters", [])
            filters.append(
                {
                    "type": "URLRewrite",
                    "urlRewrite": {"path": {"replaceFullPath": rewrite.target, "type": "ReplaceFullPath"}},
                }
            )
            if rewrite.forwarded_prefix:
                filters.append(
                    {
                        "requestHeaderModifier": {
                            "set": [{"name": "X-Forwarded-Prefix", "value": rewrite.forwarded_prefix}]
                        },
                        "type": "RequestHeaderModifier",
                    }
                )

    # -- standard emitter ---------------------------------------------------------------------------
    notes.extend(unparsed)
    notes.append(Notification("WARNING", _URL_NORMALIZATION, EMITTER_SOURCE))
    for route in routes:
        for rule in route.obj["spec"].get("rules", []):
            if "backendRefs" in rule:
                rule["backendRefs"] = _dedupe_backend_refs(rule["backendRefs"])

    return Conversion(
        gateways=sorted(gateways, key=_key),
        httproutes=sorted((r.obj for r in routes), key=_key),
        notifications=notes,
        version=version,
    )


def _key(obj: Mapping) -> tuple[str, str]:
    return (obj["metadata"].get("namespace", ""), obj["metadata"].get("name", ""))


def _object_meta(name: str, namespace: str) -> dict:
    meta: dict[str, str] = {}
    if name:
        meta["name"] = name
    if namespace:
        meta["namespace"] = namespace
    return meta


def _route_object(name: str, namespace: str) -> dict:
    return {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": _object_meta(name, namespace),
        "spec": {},
        "status": {"parents": []},
    }


def _to_http_route(group: _RuleGroup, service_ports: Mapping) -> tuple[_Route, list[str]]:
    obj = _route_object(route_name(group.name, group.host), group.namespace)
    spec = obj["spec"]
    if group.ingress_class:
        spec["parentRefs"] = [{"name": group.ingress_class}]
    if group.host:
        spec["hostnames"] = [group.host]
    # groupIngressPathsByMatchKey: (pathType, path) in first-seen order, with the rule and path indexes.
    by_key: dict[str, list[tuple[int, int, _Ingress, Mapping]]] = {}
    for i, (ing, rule) in enumerate(group.rules):
        http = rule.get("http")
        if not isinstance(http, Mapping):
            continue
        for j, path in enumerate(http.get("paths") or []):
            key = f"{path.get('pathType') or ''}/{path.get('path', '') or ''}"
            by_key.setdefault(key, []).append((i, j, ing, path))
    errors: list[str] = []
    rules: list[dict] = []
    sources: list[list[_Ingress]] = []
    for paths in by_key.values():
        rule_idx, path_idx, _, first = paths[0]
        match, err = _path_match(first, f"spec.rules[{rule_idx}].http.paths[{path_idx}]")
        if err:
            errors.append(err)
            continue
        refs, srcs = [], []
        for i, (_, _, ing, path) in enumerate(paths):
            backend = path.get("backend") if isinstance(path.get("backend"), Mapping) else {}
            backend_ref, err = _backend_ref(group.namespace, backend, service_ports, f"paths.backends[{i}]")
            if err:
                errors.append(err)
                continue
            refs.append(backend_ref)
            srcs.append(ing)
        rule: dict[str, Any] = {"matches": [match]}
        if refs:
            rule["backendRefs"] = refs
        rules.append(rule)
        sources.append(srcs)
    if rules:
        spec["rules"] = rules
    return _Route(obj, sources), errors


def _gateway(namespace: str, klass: str, listeners: Sequence[tuple[str | None, list[str] | None]]) -> dict:
    unique: dict[str, dict] = {}
    for hostname, certs in listeners:
        prefix = f"{name_from_host(hostname)}-" if hostname else ""
        host = {"hostname": hostname} if hostname is not None else {}
        # The first listener of a name stays (two hosts can share a slug: `*.example.com`, `example.com`).
        unique.setdefault(f"{prefix}http", {**host, "name": f"{prefix}http", "port": 80, "protocol": "HTTP"})
        if certs is not None:
            https = unique.setdefault(
                f"{prefix}https",
                {
                    **host,
                    "name": f"{prefix}https",
                    "port": 443,
                    "protocol": "HTTPS",
                    "tls": {"certificateRefs": []},
                },
            )
            https["tls"]["certificateRefs"].extend({"group": "", "kind": "Secret", "name": n} for n in certs)
    for listener in unique.values():
        if "tls" in listener:
            seen: set[str] = set()
            refs = []
            for cert in listener["tls"]["certificateRefs"]:
                if cert["name"] not in seen:
                    seen.add(cert["name"])
                    refs.append(cert)
            listener["tls"]["certificateRefs"] = refs
    return {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": _object_meta(klass, namespace),
        "spec": {"gatewayClassName": klass, "listeners": list(unique.values())},
    }


def _canary_feature(routes: Sequence[_Route]) -> list[str]:
    """canaryFeature without canary Ingresses: a rule may have one backend only (two Ingresses sending one
    host and path to two backends, or to the same one twice, is an error). It looks up the route of each rule
    group; the real tool visits the groups in a Go map's order."""
    errors = []
    for route in routes:
        name = route.obj["metadata"].get("name", "")
        for idx, sources in enumerate(route.sources):
            errors.extend(
                _invalid(
                    f"httproute.{name}.spec.rules[{idx}].backendRefs",
                    "multiple non-canary backends",
                    "at most one non-canary backend is allowed per rule when using canary",
                )
                for _ in sources[1:]
            )
    return errors


def _regex_hosts(ingresses: Sequence[_Ingress]) -> set[str]:
    """Hosts whose paths ingress-nginx reads as regexes: use-regex or rewrite-target on a non-canary Ingress."""
    hosts: set[str] = set()
    for ing in ingresses:
        if _parse_bool(ing.annotations.get(_CANARY, "")):
            continue
        use_regex = bool(_parse_bool(ing.annotations.get(_USE_REGEX, "")))
        if not use_regex and not ing.annotations.get(_REWRITE_TARGET):
            continue
        hosts.update(str(r.get("host")) for r in ing.spec.get("rules") or [] if r.get("host"))
    return hosts


def _rewrite_target(ingresses: Sequence[_Ingress], routes: Sequence[_Route]) -> None:
    """applyRewriteTargetToEmitterIR: each rule takes the rewrite-target of its (first) Ingress."""
    regex_hosts = _regex_hosts(ingresses)
    for route in routes:
        regex = any(h in regex_hosts for h in route.obj["spec"].get("hostnames", []))
        for idx in range(min(len(route.obj["spec"].get("rules", [])), len(route.sources))):
            if not route.sources[idx]:
                continue
            ing = next(
                (s for s in route.sources[idx] if not _parse_bool(s.annotations.get(_CANARY, ""))),
                route.sources[idx][0],
            )
            target = ing.annotations.get(_REWRITE_TARGET, "")
            if target:
                prefix = str(ing.annotations.get(_X_FORWARDED_PREFIX, "") or "")
                route.rewrites[idx] = _Rewrite(target, prefix, regex and "\\$" in target, ing)


def _regex_feature(ingresses: Sequence[_Ingress], routes: Sequence[_Route], notify) -> None:
    hosts = _regex_hosts(ingresses)
    for route in sorted(routes, key=lambda r: _key(r.obj)):  # a Go map in the real tool
        spec = route.obj["spec"]
        if not any(h in hosts for h in spec.get("hostnames", [])):
            continue
        for rule in spec.get("rules", []):
            for match in rule.get("matches", []):
                if "path" in match:
                    match["path"] = {"type": "RegularExpression", "value": f"(?i){match['path']['value']}.*"}
        notify("INFO", _REGEX_INFO, (f"HTTPRoute: {_key(route.obj)[0]}/{_key(route.obj)[1]}",))


def _prefix_covers(prefix: str, path: str) -> bool:
    if not path.startswith(prefix):
        return False
    return len(path) == len(prefix) or prefix.endswith("/") or path[len(prefix)] == "/"


def _trailing_slash_rules(rules: Sequence[Mapping]) -> list[dict]:
    """NGINX answers `/path` with a 301 to `/path/` when only `/path/` is a location."""
    matched: set[str] = set()
    prefixes: list[str] = []
    for rule in rules:
        for match in rule.get("matches", []):
            path = match.get("path")
            if path and path["type"] in ("Exact", "PathPrefix"):
                matched.add(path["value"])
                if path["type"] == "PathPrefix":
                    prefixes.append(path["value"])
    out: list[dict] = []
    added: set[str] = set()
    for rule in rules:
        for match in rule.get("matches", []):
            path = match.get("path")
            if not path or path["type"] not in ("Exact", "PathPrefix"):
                continue
            target = path["value"]
            if target == "/" or not target.endswith("/"):
                continue
            source = target[:-1]
            if not source or source in matched or source in added:
                continue
            if any(_prefix_covers(p, source) for p in prefixes):
                continue
            out.append(
                {
                    "filters": [
                        {
                            "requestRedirect": {
                                "path": {"replaceFullPath": target, "type": "ReplaceFullPath"},
                                "statusCode": 301,
                            },
                            "type": "RequestRedirect",
                        }
                    ],
                    "matches": [{"path": {"type": "Exact", "value": source}}],
                }
            )
            added.add(source)
    return out


def _ssl_and_trailing_slash_redirects(ingresses: Sequence[_Ingress], routes: list[_Route]) -> list[_Route]:
    tls_hosts: set[str] = set()
    for ing in ingresses:
        for tls in ing.spec.get("tls") or []:
            if tls.get("hosts"):
                tls_hosts.update(str(h) for h in tls["hosts"])
            else:
                tls_hosts.update(str(r["host"]) for r in ing.spec.get("rules") or [] if r.get("host"))
                break
    out = list(routes)
    for route in routes:
        spec = route.obj["spec"]
        rules = spec.get("rules", [])
        trailing = _trailing_slash_rules(rules)
        original = [json.loads(json.dumps(r)) for r in rules]
        if trailing:
            spec["rules"] = rules = [*rules, *trailing]
        if not any(h in tls_hosts for h in spec.get("hostnames", [])):
            continue
        http_rules: list[dict] = []
        redirects = False
        for idx, sources in enumerate(route.sources):
            if not sources or idx >= len(original):
                continue
            ingress = next(
                (s for s in sources if not _parse_bool(s.annotations.get(_CANARY, ""))), sources[0]
            )
            enabled = True
            if _SSL_REDIRECT in ingress.annotations:
                enabled = bool(_parse_bool(ingress.annotations[_SSL_REDIRECT]))
            if enabled:
                redirects = True
                http_rules.append(
                    {
                        "filters": [
                            {
                                "requestRedirect": {"scheme": "https", "statusCode": 308},
                                "type": "RequestRedirect",
                            }
                        ],
                        "matches": json.loads(json.dumps(original[idx].get("matches", []))),
                    }
                )
            else:
                http_rules.append(json.loads(json.dumps(original[idx])))
        if not redirects:
            continue
        for rule in trailing:
            combined = json.loads(json.dumps(rule))
            combined["filters"][0]["requestRedirect"]["scheme"] = "https"
            http_rules.append(combined)
        name, namespace = route.obj["metadata"].get("name", ""), route.obj["metadata"].get("namespace", "")
        redirect = _route_object(f"{name}-http", namespace)
        redirect["status"] = {"parents": None}
        redirect_spec = redirect["spec"]
        redirect_spec["hostnames"] = list(spec["hostnames"])
        if "parentRefs" in spec:
            redirect_spec["parentRefs"] = [{**p, "port": 80} for p in spec["parentRefs"]]
        if http_rules:
            redirect_spec["rules"] = http_rules
        out.append(_Route(redirect, []))
        section = f"{name_from_host(spec['hostnames'][0])}-https"
        spec["parentRefs"] = [{**p, "port": 443, "sectionName": section} for p in spec.get("parentRefs", [])]
        if not spec["parentRefs"]:
            del spec["parentRefs"]
    return out


def _dedupe_backend_refs(refs: Sequence[Mapping]) -> list[dict]:
    """removeBackendRefsDuplicates: one ref per (name, group, kind, port); the real order is a Go map's."""
    seen: dict[tuple, dict] = {}
    for ref in refs:
        group = ref.get("group") if ref.get("group") not in (None, "core") else ""
        key = (ref.get("name"), group, ref.get("kind", "Service"), ref.get("port", 0))
        seen.setdefault(key, dict(ref))
    return list(seen.values())
