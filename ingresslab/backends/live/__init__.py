"""The live backend: a real cluster through the official kubernetes client.

`LiveBackend()` uses the current kubeconfig context (or the pod's service account); `probe_context()` tells
quickly whether a context answers, which is how `connect()` decides between a live cluster and the sandbox.
"""

from __future__ import annotations

from ingresslab.backends.live.backend import FIELD_MANAGER, LiveBackend
from ingresslab.backends.live.convert import to_plain
from ingresslab.backends.live.errors import ClusterUnreachable, WaitTimeout
from ingresslab.backends.live.kubeconfig import ContextInfo, KubeconfigError
from ingresslab.backends.live.probe import ContextProbe, probe_context
from ingresslab.backends.live.waits import WaitProgress

__all__ = [
    "FIELD_MANAGER",
    "ClusterUnreachable",
    "ContextInfo",
    "ContextProbe",
    "KubeconfigError",
    "LiveBackend",
    "WaitProgress",
    "WaitTimeout",
    "probe_context",
    "to_plain",
]
