"""The sandbox's control plane in one declared order: admission plugins, then controllers per type.

The API server runs its admission plugins in a fixed order (defaulting and validation before the webhooks),
and the controller manager's controllers each watch their types. Here both are listed explicitly, so what runs,
and in which order, never depends on which module happened to be imported first; every `Cluster` gets its
own `ControlPlane` (tests can build one with more or fewer hooks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ingresslab.backends.sandbox.cluster import Admission, Controller

__all__ = ["ControlPlane", "control_plane"]

EVERY_TYPE = "*"
"""The type key of controllers that hear about every change (garbage collection)."""


@dataclass(frozen=True)
class ControlPlane:
    """Admission hooks in the order they run, and controllers by the type key they watch."""

    admissions: tuple[Admission, ...] = ()
    controllers: Mapping[str, tuple[Controller, ...]] = field(default_factory=dict)

    @classmethod
    def build(
        cls, admissions: Iterable[Admission], controllers: Iterable[tuple[str, Controller]]
    ) -> ControlPlane:
        """From admission hooks and (type key, controller) pairs, each in the order given."""
        by_type: dict[str, list[Controller]] = {}
        for key, controller in controllers:
            by_type.setdefault(key, []).append(controller)
        frozen = {key: tuple(funcs) for key, funcs in by_type.items()}
        return cls(tuple(admissions), MappingProxyType(frozen))

    def watching(self, type_key: str) -> tuple[Controller, ...]:
        """The controllers to run for a change of `type_key`: its own, then those that watch every type."""
        return self.controllers.get(type_key, ()) + self.controllers.get(EVERY_TYPE, ())


def control_plane() -> ControlPlane:
    """The sandbox's admission plugins and controllers, minikube's add-ons included, in their running order."""
    # Imported here: these modules import `cluster`, which builds its control plane through this function.
    from ingresslab.backends.sandbox.addons import gateway_api, ingress_nginx, istio, ngf
    from ingresslab.backends.sandbox.controllers import core, defaults, endpoints, services, workloads
    from ingresslab.backends.sandbox.dataplane import httpbin
    from ingresslab.backends.sandbox.tools import minikube

    return ControlPlane.build(
        admissions=(
            core.validate_name,
            defaults.decode_strings,  # the API server's typed decoding (before it, only for a bad name too)
            core.namespace_defaults,
            services.service_admission,
            workloads.pod_defaults,
            defaults.api_defaults,
            ingress_nginx.default_ingress_class,  # the DefaultIngressClass plugin
            ingress_nginx.validate_ingress_class,  # the API server's own validation
            ingress_nginx.validating_webhook,  # then the webhooks: ingress-nginx's, Istio's injector
            istio.sidecar_injector,
        ),
        controllers=(
            ("namespaces", core.namespace_lifecycle),
            (EVERY_TYPE, core.collect_garbage),
            ("services", endpoints.on_service),
            ("services", minikube.emulate_load_balancers),  # `minikube tunnel`'s emulator, while it runs
            ("endpoints", httpbin.on_endpoints),  # go-httpbin's start-up line, once its pod is ready
            ("pods", endpoints.on_pod),
            ("pods", workloads.start_pods),
            ("pods", workloads.pod_changes_reach_replicaset),
            ("deployments.apps", workloads.reconcile_deployment),
            ("replicasets.apps", workloads.reconcile_replicaset),
            ("ingresses.networking.k8s.io", ingress_nginx.on_ingress),
            (gateway_api.GATEWAY_KEY, gateway_api.on_gateway_deleted),  # the garbage collector's part
            *(
                (key, gateway_api.on_change) for key in gateway_api.WATCHED
            ),  # istiod's Gateway API controllers
            *((key, ngf.on_change) for key in ngf.WATCHED),  # NGINX Gateway Fabric's controller
        ),
    )
