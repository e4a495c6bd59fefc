"""minikube's ingress addon: ingress-nginx as `minikube addons enable ingress` installs it.

    enable(cluster)     # namespace, Services, controller Deployment, finished admission Jobs, IngressClass, webhook
    disable(cluster)    # removes all of it again
    installed(cluster)  # the controller Deployment exists
    serves(cluster, ingress)

What the controller does that a learner can observe is emulated here too: it picks up the Ingresses it is
responsible for (IngressClass `nginx`, annotation `kubernetes.io/ingress.class: nginx`, or no class at all —
minikube runs it with `--watch-ingress-without-class=true`), publishes the node's IP in their status, writes
its klog lines on every sync, and its validating webhook refuses an Ingress whose host and path another
nginx Ingress already defines. Request routing and access-log lines belong to the data plane.
"""

from __future__ import annotations

import base64

from ingresslab.backends.sandbox.addons.common import ensure, object_ref, run_job
from ingresslab.backends.sandbox.addons.ingress_nginx_manifests import (
    ADMISSION_JOBS,
    CONTROLLER_CLASS,
    INGRESS_CLASS,
    NAMESPACE,
    WEBHOOK_NAME,
    cluster_objects,
    namespaced_objects,
)
from ingresslab.backends.sandbox.addons.klog import klog_line, kv
from ingresslab.backends.sandbox.cluster import Cluster, Event
from ingresslab.backends.sandbox.store import clone
from ingresslab.backends.sandbox.topology import KUBERNETES_VERSION, NODE_IP
from ingresslab.errors import BadRequest, Invalid
from ingresslab.kube.resources import ResourceType, resolve
from ingresslab.routing.classes import defaulted_class, nginx_class, validate_ingress_create

__all__ = [
    "CONTROLLER_CLASS",
    "INGRESS_CLASS",
    "NAMESPACE",
    "controller_pod",
    "disable",
    "enable",
    "ingress_class",
    "installed",
    "serves",
]

_DEPLOYMENT = resolve("deployments")
_POD = resolve("pods")
_INGRESS = resolve("ingresses")
_INGRESS_CLASS = resolve("ingressclasses")
_WEBHOOK = resolve("validatingwebhookconfigurations")
_CANARY = "nginx.ingress.kubernetes.io/canary"
_BUILD = "46e76e5916813cfca2a9b0bfdc34b69a0000f6b9"


# -- state ------------------------------------------------------------------------------------------
def installed(cluster: Cluster) -> bool:
    """Whether ingress-nginx runs: its controller Deployment exists (what the data plane checks too)."""
    return cluster.store.get(_DEPLOYMENT, "ingress-nginx-controller", NAMESPACE) is not None


def controller_pod(cluster: Cluster) -> dict | None:
    """The running controller pod (the one `kubectl get pod -l app.kubernetes.io/component=controller` finds)."""
    pods = cluster.store.with_label(_POD, NAMESPACE, "app.kubernetes.io/component", "controller")
    running = [p for p in pods if p.get("status", {}).get("phase") == "Running"]
    return min(running, key=lambda p: p["metadata"]["name"]) if running else None


def ingress_class(cluster: Cluster, ingress: dict) -> tuple[str | None, str | None]:
    """(class the controller files the Ingress under, None) or (None, why it ignores it) — store.GetIngressClass.

    minikube runs the controller with `--watch-ingress-without-class=true` (`routing.classes.nginx_class`).
    """
    decision = nginx_class(
        ingress,
        cluster.store.list(_INGRESS_CLASS),
        annotation_value=INGRESS_CLASS,
        controller=CONTROLLER_CLASS,
    )
    return decision.name, decision.error


def serves(cluster: Cluster, ingress: dict) -> bool:
    """Whether the (installed) controller handles this Ingress."""
    return installed(cluster) and ingress_class(cluster, ingress)[0] is not None


# -- controller log ---------------------------------------------------------------------------------
def _log(cluster: Cluster, at: float, source: str, message: str, severity: str = "I") -> None:
    pod = controller_pod(cluster)
    if pod is not None:
        line = klog_line(at, source, message, severity=severity)
        cluster.log(NAMESPACE, pod["metadata"]["name"], "controller", line, at=at)


def _startup_log(cluster: Cluster, pod: dict, at: float) -> float:
    """The banner and start-up lines the controller prints; returns the time of the last line."""
    banner = (
        "-------------------------------------------------------------------------------\n"
        "NGINX Ingress controller\n"
        "  Release:       v1.11.2\n"
        f"  Build:         {_BUILD}\n"
        "  Repository:    https://github.com/kubernetes/ingress-nginx\n"
        "  nginx version: nginx/1.25.5\n"
        "\n"
        "-------------------------------------------------------------------------------\n"
    )
    name = pod["metadata"]["name"]
    cluster.log(NAMESPACE, name, "controller", banner, at=at)
    rng = cluster.store.rng
    major, minor = KUBERNETES_VERSION.lstrip("v").split(".")[:2]
    steps: list[tuple[float, str, str, str]] = [
        (
            0.0,
            "W",
            "client_config.go:659",
            "Neither --kubeconfig nor --master was specified.  Using the inClusterConfig.  This might not work.",
        ),
        (0.0002, "I", "main.go:205", '"Creating API client" ' + kv(host="https://10.96.0.1:443")),
        (
            0.0067,
            "I",
            "main.go:248",
            '"Running in Kubernetes cluster" '
            + kv(
                major=major,
                minor=minor,
                git=KUBERNETES_VERSION,
                state="clean",
                commit="9edcffcde5595e8a5b1a35f88c421764e575afce",
                platform="linux/amd64",
            ),
        ),
        (
            0.094,
            "I",
            "main.go:101",
            '"SSL fake certificate created" '
            + kv(file="/etc/ingress-controller/ssl/default-fake-certificate.pem"),
        ),
        (
            0.111,
            "I",
            "ssl.go:535",
            '"loading tls certificate" '
            + kv(path="/usr/local/certificates/cert", key="/usr/local/certificates/key"),
        ),
        (0.117, "I", "nginx.go:271", '"Starting NGINX Ingress controller"'),
    ]
    for cm in ("ingress-nginx-controller", "tcp-services", "udp-services"):
        obj = cluster.get("configmaps", cm, NAMESPACE)
        if obj is not None:
            steps.append(
                (
                    0.121,
                    "I",
                    "event.go:377",
                    f"Event({object_ref(obj)}): type: 'Normal' reason: 'CREATE' ConfigMap {NAMESPACE}/{cm}",
                )
            )
    steps += [
        (1.319, "I", "nginx.go:317", '"Starting NGINX process"'),
        (
            1.3192,
            "I",
            "leaderelection.go:250",
            f"attempting to acquire leader lease {NAMESPACE}/ingress-nginx-leader...",
        ),
        (
            1.3194,
            "I",
            "nginx.go:337",
            '"Starting validation webhook" '
            + kv(
                address=":8443",
                certPath="/usr/local/certificates/cert",
                keyPath="/usr/local/certificates/key",
            ),
        ),
        (1.3196, "I", "controller.go:193", '"Configuration changes detected, backend reload required"'),
        (
            1.332,
            "I",
            "leaderelection.go:260",
            f"successfully acquired lease {NAMESPACE}/ingress-nginx-leader",
        ),
        (1.3321, "I", "status.go:85", '"New leader elected" ' + kv(identity=name)),
        (1.345, "I", "controller.go:213", '"Backend successfully reloaded"'),
        (1.3451, "I", "controller.go:224", '"Initial sync, sleeping for 1 second"'),
        (
            1.3452,
            "I",
            "event.go:377",
            f"Event({object_ref(pod)}): type: 'Normal' reason: 'RELOAD' NGINX reload triggered due to a change "
            "in configuration",
        ),
    ]
    last = at
    for offset, severity, source, message in steps:
        # Jitter for realism, but never out of order.
        last = max(last + 0.000001, at + offset + round(rng.uniform(0, 0.0001), 6))
        cluster.log(
            NAMESPACE, name, "controller", klog_line(last, source, message, severity=severity), at=last
        )
    return last


def _reload(cluster: Cluster, at: float) -> float:
    pod = controller_pod(cluster)
    if pod is None:
        return at
    took = round(cluster.store.rng.uniform(0.02, 0.03), 6)
    _log(cluster, at, "controller.go:193", '"Configuration changes detected, backend reload required"')
    _log(cluster, at + took, "controller.go:213", '"Backend successfully reloaded"')
    _log(
        cluster,
        at + took + 0.0003,
        "event.go:377",
        f"Event({object_ref(pod)}): type: 'Normal' reason: 'RELOAD' NGINX reload triggered due to a change in "
        "configuration",
    )
    return at + took + 0.0003


def _sync_event(cluster: Cluster, ingress: dict, at: float) -> None:
    _log(
        cluster,
        at,
        "event.go:377",
        f"Event({object_ref(ingress)}): type: 'Normal' reason: 'Sync' Scheduled for sync",
    )
    # The same Event in the API (its recorder's source is the component alone, no host); a repeat counts up,
    # so `kubectl describe ingress` shows `Sync  … (x2 over …)  nginx-ingress-controller  Scheduled for sync`.
    cluster.events.recorder("nginx-ingress-controller").event(ingress, "Normal", "Sync", "Scheduled for sync")


def _publish_status(cluster: Cluster, ingress: dict, at: float) -> None:
    """status.go: put the node's address into the Ingress status (no --publish-service on minikube)."""
    wanted = [{"ip": NODE_IP}]
    current = ((ingress.get("status") or {}).get("loadBalancer") or {}).get("ingress")
    if current == wanted:
        return
    meta = ingress["metadata"]
    _log(
        cluster,
        at,
        "status.go:304",
        '"updating Ingress status" '
        + kv(namespace=meta["namespace"], ingress=meta["name"], currentValue=current, newValue=wanted),
    )
    updated = clone(ingress)
    updated["status"] = {"loadBalancer": {"ingress": wanted}}
    stored = cluster.update_status(updated)
    _sync_event(cluster, stored, at + 0.005)


def _key(ingress: dict) -> str:
    return f"{ingress['metadata']['namespace']}/{ingress['metadata']['name']}"


def _sync_ingress(cluster: Cluster, ingress: dict, at: float, *, added: bool) -> None:
    klass, error = ingress_class(cluster, ingress)
    if klass is None:
        if added:
            _log(
                cluster,
                at,
                "store.go:436",
                '"Ignoring ingress because of error while validating ingress class" '
                + kv(ingress=_key(ingress), error=error),
            )
        return
    if added:
        _log(
            cluster,
            at,
            "store.go:440",
            '"Found valid IngressClass" ' + kv(ingress=_key(ingress), ingressclass=klass),
        )
    _sync_event(cluster, ingress, at + 0.0004)
    done = _reload(cluster, at + 0.0012)
    # The status sync runs a moment after the reload, on the leader.
    _publish_status(cluster, ingress, done + round(cluster.store.rng.uniform(0.6, 0.8), 6))


def _watched(ingress: dict) -> tuple:
    meta = ingress["metadata"]
    return ingress.get("spec"), meta.get("labels"), meta.get("annotations")


def on_ingress(cluster: Cluster, event: Event) -> None:
    verb, _, old, new = event
    if not installed(cluster):
        return
    # After the webhook's lines (written at admission, up to ~0.05 s after the request arrived).
    at = cluster.store.now + 0.06
    if verb == "added" and new is not None:
        _sync_ingress(cluster, new, at, added=True)
    elif verb == "modified" and old is not None and new is not None:
        if _watched(old) != _watched(new):  # status-only writes (our own) need no sync
            _sync_ingress(cluster, new, at, added=ingress_class(cluster, old)[0] is None)
    elif verb == "deleted" and old is not None and ingress_class(cluster, old)[0] is not None:
        _reload(cluster, at)


# -- API-server side: default IngressClass, class validation, the validating webhook ------------------
def default_ingress_class(cluster: Cluster, rtype: ResourceType, obj: dict, old: dict | None) -> None:
    """The DefaultIngressClass admission plugin: a new Ingress with no class gets the default one."""
    if rtype.kind != "Ingress" or old is not None:
        return
    # Several defaults: the newest wins (Kubernetes >= 1.30 behaviour).
    name = defaulted_class(obj, cluster.store.list(_INGRESS_CLASS))
    if name is not None:
        obj.setdefault("spec", {})["ingressClassName"] = name


def validate_ingress_class(cluster: Cluster, rtype: ResourceType, obj: dict, old: dict | None) -> None:
    """The API server's own validation of a new Ingress's class (after defaulting, before any webhook)."""
    if rtype.kind != "Ingress" or old is not None:
        return
    errors = validate_ingress_create(obj)
    if errors:
        # kubectl lists several causes one per line, a single one after the colon
        detail = str(errors[0]) if len(errors) == 1 else "\n" + "\n".join(f"* {e}" for e in errors)
        raise Invalid(f'Ingress "{obj["metadata"]["name"]}" is invalid: {detail}')


def _canary(ingress: dict) -> bool | None:
    value = (ingress["metadata"].get("annotations") or {}).get(_CANARY)
    return None if value is None else value.lower() == "true"


def _overlap(cluster: Cluster, ingress: dict) -> str | None:
    """checkOverlap: the first host/path another nginx Ingress already defines, as the webhook words it."""
    others = [other for other in cluster.store.list(_INGRESS) if ingress_class(cluster, other)[0] is not None]
    for rule in (ingress.get("spec") or {}).get("rules") or []:
        if not rule.get("http"):
            continue
        host = rule.get("host") or "_"
        for path in rule["http"].get("paths") or []:
            if not (path.get("backend") or {}).get("service"):
                continue
            value = path.get("path") or "/"
            existing = [
                other
                for other in others
                for other_rule in (other.get("spec") or {}).get("rules") or []
                if (other_rule.get("host") or "_") == host
                and any(
                    (p.get("path") or "/") == value and (p.get("backend") or {}).get("service")
                    for p in (other_rule.get("http") or {}).get("paths") or []
                )
            ]
            if not existing:
                continue
            if any(_key(other) == _key(ingress) for other in existing):
                return None
            mine = _canary(ingress)
            for other in existing:
                theirs = _canary(other)
                if (mine and theirs) or (mine is None and theirs is None):
                    return f'host "{host}" and path "{value}" is already defined in ingress {_key(other)}'
            return None
    return None


def validating_webhook(cluster: Cluster, rtype: ResourceType, obj: dict, old: dict | None) -> None:
    """`validate.nginx.ingress.kubernetes.io`: the controller checks an Ingress before the API server stores it."""
    if rtype.kind != "Ingress" or not installed(cluster):
        return
    if cluster.store.get(_WEBHOOK, "ingress-nginx-admission") is None:
        return
    at = cluster.store.now + 0.002
    key = _key(obj)
    klass, error = ingress_class(cluster, obj)
    if klass is None:
        if old is None:
            _log(
                cluster,
                at,
                "controller.go:333",
                f"ignoring ingress {obj['metadata']['name']} in {obj['metadata']['namespace']} based on annotation "
                f": {error}",
                severity="W",
            )
            _log(
                cluster,
                at + 0.0001,
                "main.go:107",
                '"successfully validated configuration, accepting" ' + kv(ingress=key),
            )
        return
    problem = _overlap(cluster, obj)
    if problem is not None:
        _log(
            cluster,
            at,
            "main.go:96",
            '"invalid ingress configuration" ' + kv(err=problem, ingress=key),
            severity="E",
        )
        raise BadRequest(f'admission webhook "{WEBHOOK_NAME}" denied the request: {problem}')
    if old is None:
        tested = round(cluster.store.rng.uniform(0.03, 0.05), 3)
        size = round(cluster.store.rng.uniform(18.0, 26.0), 1)
        _log(
            cluster,
            at + tested,
            "admission.go:149",
            f"processed ingress via admission controller {{testedIngressLength:1 testedIngressTime:{tested}s "
            f"renderingIngressLength:1 renderingIngressTime:0s admissionTime:{tested}s "
            f"testedConfigurationSize:{size}kB}}",
        )
        _log(
            cluster,
            at + tested + 0.0003,
            "main.go:107",
            '"successfully validated configuration, accepting" ' + kv(ingress=key),
        )


# -- enable / disable -------------------------------------------------------------------------------
def _pem(cluster: Cluster, what: str) -> str:
    body = base64.b64encode(bytes.fromhex(cluster.store.rng.hex(48))).decode()
    return f"-----BEGIN {what}-----\n{body}\n-----END {what}-----\n"


def enable(cluster: Cluster) -> None:
    """What `minikube addons enable ingress` leaves behind once its pods are up (idempotent)."""
    fresh = not installed(cluster)
    start = cluster.store.now
    objects = namespaced_objects()
    for obj in objects[:-1]:  # everything but the Deployment, which waits for the certificate
        ensure(cluster, obj)
    run_job(cluster, ADMISSION_JOBS[0], round(cluster.store.rng.uniform(3.0, 6.0), 3))
    if cluster.get("secrets", "ingress-nginx-admission", NAMESPACE) is None:
        cert, key, ca = (
            _pem(cluster, "CERTIFICATE"),
            _pem(cluster, "EC PRIVATE KEY"),
            _pem(cluster, "CERTIFICATE"),
        )
        cluster.create(
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {"name": "ingress-nginx-admission", "namespace": NAMESPACE},
                "type": "Opaque",
                "data": {
                    k: base64.b64encode(v.encode()).decode()
                    for k, v in (("ca", ca), ("cert", cert), ("key", key))
                },
            }
        )
    secret = cluster.get("secrets", "ingress-nginx-admission", NAMESPACE) or {}
    run_job(cluster, ADMISSION_JOBS[1], round(cluster.store.rng.uniform(3.0, 6.0), 3))
    for obj in cluster_objects((secret.get("data") or {}).get("ca", "")):
        ensure(cluster, obj)
    ensure(cluster, objects[-1])
    pod = controller_pod(cluster)
    if fresh and pod is not None:
        last = _startup_log(cluster, pod, start + round(cluster.store.rng.uniform(8.0, 12.0), 3))
        # The controller picks up every Ingress that already exists once its informers have synced.
        at = last + 1.0
        for ingress in cluster.store.list(_INGRESS):
            _sync_ingress(cluster, ingress, at, added=True)
            at += 0.01
    if fresh:
        # `minikube addons enable` returns once the controller pod is Ready: that takes a while.
        cluster.store.advance(round(cluster.store.rng.uniform(18.0, 26.0), 3))
    cluster.state.extra.setdefault("minikube", {}).setdefault("addons", {})["ingress"] = True


def disable(cluster: Cluster) -> None:
    """`minikube addons disable ingress`: `kubectl delete -f` of the addon's manifest."""
    namespace = cluster.get("namespaces", NAMESPACE)
    if namespace is not None:
        cluster.delete(resolve("namespaces"), NAMESPACE)
    for obj in cluster_objects(""):
        rtype = cluster.store.type_of(obj)
        found = cluster.store.get(rtype, obj["metadata"]["name"])
        if (
            found is not None
            and (found["metadata"].get("labels") or {}).get("app.kubernetes.io/name") == "ingress-nginx"
        ):
            cluster.delete(rtype, obj["metadata"]["name"])
    cluster.state.extra.setdefault("minikube", {}).setdefault("addons", {})["ingress"] = False
