"""What the API server fills in on create that the other admissions do not: defaulting and admission plugins.

- apps/v1 Deployment defaults (pkg/apis/apps/v1/defaults.go): a RollingUpdate strategy of 25 %/25 %,
  `revisionHistoryLimit: 10`, `progressDeadlineSeconds: 600`.
- Pod template defaults (pkg/apis/core/v1/defaults.go, SetDefaults_PodSpec/Container/ContainerPort), for the
  templates of Deployments and ReplicaSets as for pods; a template's metadata keeps `creationTimestamp: null`
  (metav1.Time's zero value is encoded as null).
- Pods only (the admission plugins minikube enables): Priority (`priority: 0`, `preemptionPolicy`),
  DefaultTolerationSeconds (NoExecute tolerations of 300 s for not-ready/unreachable) and ServiceAccount (the
  deprecated `serviceAccount` mirror and the projected `kube-api-access-xxxxx` token volume mounted in every
  container).
- An Ingress starts with an empty status (`loadBalancer: {}`): the strategy resets status on create.
"""

from __future__ import annotations

from ingresslab.backends.sandbox.cluster import Cluster
from ingresslab.backends.sandbox.controllers.workloads import pod_template_hash
from ingresslab.errors import BadRequest, Invalid
from ingresslab.kube.resources import ResourceType
from ingresslab.kube.selectors import SelectorError, from_label_selector_spec

__all__ = ["api_defaults", "decode_strings", "pod_spec_defaults"]

TOKEN_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"
TOKEN_EXPIRATION = 3607  # the ServiceAccount plugin's warn-later token lifetime


def pod_spec_defaults(spec: dict) -> None:
    """SetDefaults_PodSpec and its containers' defaults (shared by pods and pod templates)."""
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("securityContext", {})
    for c in [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]:
        tag = c.get("image", "").rpartition("/")[2]
        c.setdefault(
            "imagePullPolicy", "Always" if ":" not in tag or tag.endswith(":latest") else "IfNotPresent"
        )
        c.setdefault("terminationMessagePath", "/dev/termination-log")
        c.setdefault("terminationMessagePolicy", "File")
        c.setdefault("resources", {})
        for p in c.get("ports") or []:
            p.setdefault("protocol", "TCP")


def _template_defaults(spec: dict) -> None:
    template = spec.setdefault("template", {})
    template.setdefault("metadata", {}).setdefault("creationTimestamp", None)
    pod_spec_defaults(template.setdefault("spec", {}))


def _deployment_defaults(spec: dict) -> None:
    strategy = spec.setdefault("strategy", {})
    strategy.setdefault("type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        rolling = strategy.setdefault("rollingUpdate", {})
        rolling.setdefault("maxUnavailable", "25%")
        rolling.setdefault("maxSurge", "25%")
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)


def _pod_admission(cluster: Cluster, pod: dict) -> None:
    spec = pod.setdefault("spec", {})
    spec.setdefault("priority", 0)
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    tolerations = spec.setdefault("tolerations", [])
    for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
        if not any(t.get("key") == key and t.get("effect") in (None, "", "NoExecute") for t in tolerations):
            tolerations.append(
                {"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
            )
    account = spec.setdefault("serviceAccountName", "default")
    spec.setdefault("serviceAccount", account)
    if spec.get("automountServiceAccountToken") is False:
        return
    containers = [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]
    if any(m.get("mountPath") == TOKEN_MOUNT for c in containers for m in c.get("volumeMounts") or []):
        return
    # Five characters of the safe alphabet, derived from the pod's name so the sandbox's seeded random
    # sequence (pod names, IPs) stays what it was before this volume existed.
    name = f"kube-api-access-{pod_template_hash(pod.get('metadata', {}).get('name', ''))[-5:]}"
    for c in containers:
        c.setdefault("volumeMounts", []).append({"name": name, "readOnly": True, "mountPath": TOKEN_MOUNT})
    spec.setdefault("volumes", []).append(
        {
            "name": name,
            "projected": {
                "sources": [
                    {"serviceAccountToken": {"expirationSeconds": TOKEN_EXPIRATION, "path": "token"}},
                    {
                        "configMap": {
                            "name": "kube-root-ca.crt",
                            "items": [{"key": "ca.crt", "path": "ca.crt"}],
                        }
                    },
                    {
                        "downwardAPI": {
                            "items": [
                                {
                                    "path": "namespace",
                                    "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                }
                            ]
                        }
                    },
                ],
                "defaultMode": 420,
            },
        }
    )


def _go_string_map(values: dict) -> str:
    """Go's %#v of a map[string]string (keys sorted, as fmt prints maps)."""
    return "map[string]string{" + ", ".join(f'"{k}":"{values[k]}"' for k in sorted(values)) + "}"


def _go_label_selector(selector: dict) -> str:
    """Go's %#v of a *metav1.LabelSelector as validation messages print it."""
    labels = selector.get("matchLabels")
    labels_text = _go_string_map(labels) if labels else "map[string]string(nil)"
    exprs = selector.get("matchExpressions")
    exprs_text = (
        "[]v1.LabelSelectorRequirement{"
        + ", ".join(
            f'v1.LabelSelectorRequirement{{Key:"{e.get("key", "")}", Operator:"{e.get("operator", "")}", '
            f"Values:[]string{{{', '.join(chr(34) + v + chr(34) for v in e.get('values') or [])}}}}}"
            for e in exprs
        )
        + "}"
        if exprs
        else "[]v1.LabelSelectorRequirement(nil)"
    )
    return f"v1.LabelSelector{{MatchLabels:{labels_text}, MatchExpressions:{exprs_text}}}"


def _selects(selector: dict, labels: dict) -> bool:
    try:
        return from_label_selector_spec(selector).matches(labels)
    except SelectorError:
        return True  # an operator the selector cannot hold is not this check's to report


def _validate_workload(rtype: ResourceType, obj: dict, old: dict | None) -> None:
    """apps/v1 validation: the selector selects the template's labels and, once created, never changes."""
    spec = obj.get("spec") or {}
    selector = spec.get("selector") or {}
    labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    causes = []
    if selector and not _selects(selector, labels):
        causes.append(
            f"spec.template.metadata.labels: Invalid value: {_go_string_map(labels)}: "
            "`selector` does not match template `labels`"
        )
    if old is not None and (old.get("spec") or {}).get("selector") != spec.get("selector"):
        causes.append(f"spec.selector: Invalid value: {_go_label_selector(selector)}: field is immutable")
    if causes:
        what = f'{rtype.kind} "{obj.get("metadata", {}).get("name", "")}" is invalid: '
        raise Invalid(what + causes[0] if len(causes) == 1 else what + "".join(f"\n* {c}" for c in causes))


# map[string]string fields of the kinds the tutorial writes, with the Go struct that holds each (what the
# decoder names in its error).
_STRING_MAPS = {
    "": (
        ("ObjectMeta", ("metadata", "labels")),
        ("ObjectMeta", ("metadata", "annotations")),
    ),
    "Deployment": (
        ("LabelSelector", ("spec", "selector", "matchLabels")),
        ("ObjectMeta", ("spec", "template", "metadata", "labels")),
        ("ObjectMeta", ("spec", "template", "metadata", "annotations")),
        ("PodSpec", ("spec", "template", "spec", "nodeSelector")),
    ),
    "Pod": (("PodSpec", ("spec", "nodeSelector")),),
    "Service": (("ServiceSpec", ("spec", "selector")),),
    "ConfigMap": (("ConfigMap", ("data",)),),
}
_GO_JSON_TYPES = {bool: "bool", int: "number", float: "number", list: "array", dict: "object"}


def decode_strings(cluster: Cluster, rtype: ResourceType, obj: dict, old: dict | None) -> None:
    """The API server decodes a body into typed structs first: a non-string in a map of strings (a YAML `y`,
    `yes`, `on` or number left unquoted) fails there, before any admission or validation."""
    for struct, path in (*_STRING_MAPS[""], *_STRING_MAPS.get(rtype.kind, ())):
        value = obj
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if not isinstance(value, dict):
            continue
        for item in value.values():
            if item is not None and not isinstance(item, str):
                version = str(obj.get("apiVersion", "")).rpartition("/")[2]
                raise BadRequest(
                    f'{rtype.kind} in version "{version}" cannot be handled as a {rtype.kind}: json: cannot '
                    f"unmarshal {_GO_JSON_TYPES.get(type(item), 'object')} into Go struct field "
                    f"{struct}.{'.'.join(path)} of type string"
                )


def api_defaults(cluster: Cluster, rtype: ResourceType, obj: dict, old: dict | None) -> None:
    if rtype.kind in ("Deployment", "ReplicaSet"):
        spec = obj.setdefault("spec", {})
        if rtype.kind == "Deployment":
            _deployment_defaults(spec)
        _template_defaults(spec)
        _validate_workload(rtype, obj, old)
    elif rtype.kind == "Pod":
        pod_spec_defaults(obj.setdefault("spec", {}))
        if old is None:
            _pod_admission(cluster, obj)
    elif rtype.kind == "Ingress" and old is None:
        obj["status"] = {"loadBalancer": {}}
