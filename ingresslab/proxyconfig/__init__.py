"""Read Envoy's `/config_dump` and print exactly what `istioctl proxy-config` prints.

    from ingresslab.proxyconfig import load_config_dump, render
    dump = load_config_dump(open("config_dump.json").read())
    print(render(dump, "route", name="http.8080"), end="")

`load_config_dump` accepts the admin API's snake_case JSON and istioctl's camelCase `-o json`; `render`
covers cluster, listener, route, endpoint, secret, all and bootstrap with `-o short|json|yaml`, the
verbose and compact forms and istioctl's filters. `builders` builds dumps for a generator to serve.
"""

from __future__ import annotations

from ingresslab.proxyconfig import builders
from ingresslab.proxyconfig.api import KINDS, OUTPUTS, load_endpoints, render
from ingresslab.proxyconfig.errors import ProxyConfigError
from ingresslab.proxyconfig.filters import ClusterFilter, EndpointFilter, ListenerFilter, RouteFilter
from ingresslab.proxyconfig.model import ClustersStatus, ConfigDump
from ingresslab.proxyconfig.reader import load_clusters, load_config_dump
from ingresslab.proxyconfig.tabwriter import TabWriter

__all__ = [
    "KINDS",
    "OUTPUTS",
    "ClusterFilter",
    "ClustersStatus",
    "ConfigDump",
    "EndpointFilter",
    "ListenerFilter",
    "ProxyConfigError",
    "RouteFilter",
    "TabWriter",
    "builders",
    "load_clusters",
    "load_config_dump",
    "load_endpoints",
    "render",
]
