"""Which controller serves an Ingress, and what the API server says about its class.

An Ingress names its class in `spec.ingressClassName` or in the legacy `kubernetes.io/ingress.class`
annotation; an IngressClass names its controller in `spec.controller`. Each controller reads them its own way:
- ingress-nginx (`store.GetIngressClass`): the field first (the IngressClass must exist and be its own), then
  the annotation (must equal its class, `nginx`), then — with `--watch-ingress-without-class=true`, as
  minikube runs it — an Ingress with neither, filed under the wildcard class `_`.
- istiod (`shouldProcessIngressWithClass`, mesh `ingressControllerMode: STRICT`): the annotation first (must
  equal `istio`), else the IngressClass the field names must have controller `istio.io/ingress-controller`;
  with neither it ignores the Ingress.
The API server fills in the default IngressClass (`ingressclass.kubernetes.io/is-default-class: "true"`, the
newest when several) on create when neither is set, and rejects a new Ingress that sets both
(`ValidateIngressCreate`, Kubernetes 1.31).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "CLASS_ANNOTATION",
    "DEFAULT_CLASS_ANNOTATION",
    "ISTIO",
    "ISTIO_CONTROLLER",
    "NGINX",
    "NGINX_CONTROLLER",
    "ClassDecision",
    "FieldError",
    "class_of",
    "default_class",
    "defaulted_class",
    "istio_serves",
    "nginx_class",
    "served_by",
    "validate_ingress_create",
]

CLASS_ANNOTATION = "kubernetes.io/ingress.class"
DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"
NGINX_CONTROLLER = "k8s.io/ingress-nginx"
ISTIO_CONTROLLER = "istio.io/ingress-controller"
NGINX = "nginx"
ISTIO = "istio"


@dataclass(frozen=True, slots=True)
class ClassDecision:
    """A controller's verdict: the class it files the Ingress under, or why it ignores it."""

    name: str | None
    error: str | None = None

    @property
    def served(self) -> bool:
        return self.name is not None


@dataclass(frozen=True, slots=True)
class FieldError:
    """One `field.Invalid` error as the API server words it."""

    field: str
    value: str
    detail: str

    def __str__(self) -> str:
        return f'{self.field}: Invalid value: "{self.value}": {self.detail}'


def _annotations(obj: dict) -> dict:
    return (obj.get("metadata") or {}).get("annotations") or {}


def _by_name(classes: Iterable[dict], name: str) -> dict | None:
    return next((c for c in classes if c["metadata"]["name"] == name), None)


def _controller(ingress_class: dict | None) -> str | None:
    return ((ingress_class or {}).get("spec") or {}).get("controller")


def class_of(ingress: dict) -> str | None:
    """The class an Ingress asks for, as a person reads it: the field, else the annotation."""
    return (ingress.get("spec") or {}).get("ingressClassName") or _annotations(ingress).get(CLASS_ANNOTATION)


def default_class(classes: Iterable[dict]) -> dict | None:
    """The IngressClass the API server assigns to a new Ingress without a class (newest default wins)."""
    defaults = [c for c in classes if _annotations(c).get(DEFAULT_CLASS_ANNOTATION) == "true"]
    if not defaults:
        return None
    return max(defaults, key=lambda c: (c["metadata"].get("creationTimestamp", ""), c["metadata"]["name"]))


def defaulted_class(ingress: dict, classes: Iterable[dict]) -> str | None:
    """The class the DefaultIngressClass admission plugin gives a new Ingress that names none (else None)."""
    if (ingress.get("spec") or {}).get("ingressClassName") or CLASS_ANNOTATION in _annotations(ingress):
        return None
    found = default_class(classes)
    return found["metadata"]["name"] if found is not None else None


def nginx_class(
    ingress: dict,
    classes: Iterable[dict],
    *,
    annotation_value: str = NGINX,
    watch_without_class: bool = True,
    controller: str = NGINX_CONTROLLER,
) -> ClassDecision:
    """ingress-nginx's `GetIngressClass`: the class it files this Ingress under, or why it ignores it."""
    name = (ingress.get("spec") or {}).get("ingressClassName")
    if name:
        if _controller(_by_name(classes, name)) != controller:
            return ClassDecision(None, f'ingressclass.networking.k8s.io "{name}" not found')
        return ClassDecision(name)
    annotations = _annotations(ingress)
    if CLASS_ANNOTATION in annotations:
        if annotations[CLASS_ANNOTATION] != annotation_value:
            return ClassDecision(
                None, "ingress class annotation is not equal to the expected by Ingress Controller"
            )
        return ClassDecision(annotation_value)
    if watch_without_class:
        return ClassDecision("_")  # "_" is the controller's wildcard class
    return ClassDecision(None, "ingress does not contain a valid IngressClass")


def istio_serves(ingress: dict, classes: Iterable[dict], *, ingress_class: str = ISTIO) -> bool:
    """istiod's `shouldProcessIngressWithClass` in STRICT mode."""
    annotations = _annotations(ingress)
    if CLASS_ANNOTATION in annotations:
        return annotations[CLASS_ANNOTATION] == ingress_class
    name = (ingress.get("spec") or {}).get("ingressClassName")
    return bool(name) and _controller(_by_name(classes, name)) == ISTIO_CONTROLLER


def served_by(
    ingress: dict, classes: Iterable[dict], *, nginx_running: bool = True, istio_running: bool = True
) -> str | None:
    """`"nginx"`, `"istio"` or None: which running controller takes this Ingress (nginx asked first)."""
    classes = list(classes)
    if nginx_running and nginx_class(ingress, classes).served:
        return NGINX
    if istio_running and istio_serves(ingress, classes):
        return ISTIO
    return None


def validate_ingress_create(ingress: dict) -> list[FieldError]:
    """The class checks of `ValidateIngressCreate`: the annotation may not be set alongside the field."""
    annotations = _annotations(ingress)
    if CLASS_ANNOTATION in annotations and (ingress.get("spec") or {}).get("ingressClassName") is not None:
        return [
            FieldError(
                f"annotations.{CLASS_ANNOTATION}",
                str(annotations[CLASS_ANNOTATION]),
                "can not be set when the class field is also set",
            )
        ]
    return []
