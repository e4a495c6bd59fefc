"""Envoy configuration for the sandbox's Istio proxies, generated the way istiod would generate it and served
the way Envoy's admin API serves it.

    from ingresslab.backends.sandbox.envoyconfig import config_dump, clusters_status, proxy_config
    with backend.transaction(write=False, tick=False) as cluster:
        dump = config_dump(cluster, pod, include_eds=True)   # /config_dump?include_eds=true
        hosts = clusters_status(cluster, pod)                # /clusters?format=json
    proxy_config(backend, ["proxy-config", "route", "istio-ingressgateway-...", "-n", "istio-system"])

Gateways get their listeners, virtual hosts and routes from `ingresslab.routing` — the very model the
sandbox routes requests with — so what `istioctl proxy-config` shows is what the data plane does. Sidecars
get istiod's per-port outbound listeners, `virtualOutbound`/`virtualInbound`, the inbound clusters, and
every Service's EDS endpoints from the Endpoints objects. The dumps are snake_case JSON as Envoy writes it
and read back through `ingresslab.proxyconfig.load_config_dump`, like a live proxy's.
"""

from __future__ import annotations

from ingresslab.backends.sandbox.envoyconfig.command import proxy_config
from ingresslab.backends.sandbox.envoyconfig.dump import clusters_status, config_dump, is_proxy

__all__ = ["clusters_status", "config_dump", "is_proxy", "proxy_config"]
